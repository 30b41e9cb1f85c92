import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';

/** A key pair written by `ssh-keygen`, in OpenSSH format. */
export interface TestKeyPair {
  /** Path of the private key file. */
  privateKeyPath: string;
  /** The private key (OpenSSH PEM text). */
  privateKey: string;
  /** The public key line: `ssh-ed25519 AAAA… comment`. */
  publicKey: string;
  /** The passphrase the private key is encrypted with, or '' for none. */
  passphrase: string;
}

/**
 * Generates an ed25519 key pair with `ssh-keygen` into `dir`. ssh2 cannot parse the PKCS#8
 * ed25519 PEM that node:crypto writes, so the OpenSSH tool is the reliable source; on a machine
 * without it (`npm i -g @net/cli && net demo` on a bare host) ssh2's own OpenSSH-format
 * generator writes the same files.
 */
export function generateKeyPair(dir: string, name: string, passphrase = ''): TestKeyPair {
  const privateKeyPath = join(dir, name);
  try {
    runSshKeygen(privateKeyPath, name, passphrase);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const pair = ssh2.utils.generateKeyPairSync('ed25519', {
      comment: `net-test-${name}`,
      ...(passphrase ? { passphrase, cipher: 'aes256-ctr', rounds: 16 } : {}),
    });
    // 0600 as ssh-keygen writes it: clients (ours included) refuse group/other-readable keys.
    writeFileSync(privateKeyPath, pair.private, { mode: 0o600 });
    writeFileSync(`${privateKeyPath}.pub`, `${pair.public}\n`, { mode: 0o644 });
  }
  return {
    privateKeyPath,
    privateKey: readFileSync(privateKeyPath, 'utf8'),
    publicKey: readFileSync(`${privateKeyPath}.pub`, 'utf8').trim(),
    passphrase,
  };
}

function runSshKeygen(privateKeyPath: string, name: string, passphrase: string): void {
  execFileSync(
    'ssh-keygen',
    ['-q', '-t', 'ed25519', '-N', passphrase, '-C', `net-test-${name}`, '-f', privateKeyPath],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
}
