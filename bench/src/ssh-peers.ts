import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SSHClient } from '@net/ssh';
import { startSshd, type TestSshd } from '@net/test-utils/ssh';

/**
 * How the SSH suites reach one test sshd both ways: OpenSSH's `ssh`/`sftp`/`scp` with the test
 * key and a strict known_hosts, and our SSHClient with the same key and known_hosts.
 */
export function sshPeers(
  sshd: TestSshd,
  knownHosts: string,
): { target: string; opensshArgs: string[]; ours: () => SSHClient } {
  return {
    target: `${sshd.username}@127.0.0.1`,
    opensshArgs: [
      '-i',
      sshd.clientKey.privateKeyPath,
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      `UserKnownHostsFile=${knownHosts}`,
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'LogLevel=ERROR',
    ],
    ours: () =>
      new SSHClient({
        host: '127.0.0.1',
        port: sshd.port,
        username: sshd.username,
        privateKeyPath: sshd.clientKey.privateKeyPath,
        hostKey: { knownHostsPath: knownHosts },
      }),
  };
}

/**
 * A throw-away sshd, a scratch folder (`dir`) holding a known_hosts file for it, and both
 * clients' ways in (see {@link sshPeers}); `stop()` ends the server and removes the folder.
 */
export async function startSshPeers(name: string) {
  const sshd = await startSshd({ maxSessions: 10 });
  const dir = mkdtempSync(join(tmpdir(), `net-bench-${name}-`));
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
  return {
    sshd,
    dir,
    ...sshPeers(sshd, knownHosts),
    stop: async (): Promise<void> => {
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A tree of `count` random files of `size` bytes, in 10 subfolders. */
export function makeTree(root: string, count: number, size: number): void {
  for (let i = 0; i < count; i++) {
    const folder = join(root, `d${i % 10}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `f${i}.bin`), randomBytes(size));
  }
}
