import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
 * ed25519 PEM that node:crypto writes, so the OpenSSH tool is the reliable source.
 */
export function generateKeyPair(dir: string, name: string, passphrase = ''): TestKeyPair {
  const privateKeyPath = join(dir, name);
  execFileSync(
    'ssh-keygen',
    ['-q', '-t', 'ed25519', '-N', passphrase, '-C', `net-test-${name}`, '-f', privateKeyPath],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  return {
    privateKeyPath,
    privateKey: readFileSync(privateKeyPath, 'utf8'),
    publicKey: readFileSync(`${privateKeyPath}.pub`, 'utf8').trim(),
    passphrase,
  };
}
