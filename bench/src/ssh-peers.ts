import { SSHClient } from '@net/ssh';
import type { TestSshd } from '@net/test-utils/ssh';

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
