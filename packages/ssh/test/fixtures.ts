import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasSshd, startSshd, type TestSshd, type TestSshdOptions } from '@net/test-utils/ssh';
import { SSHClient, type SSHClientOptions } from '../src/index.js';

/**
 * The suite needs OpenSSH's sshd. In CI its absence is a failure; elsewhere the files that need
 * it say so and are skipped with that reason printed.
 */
export function requireSshd(): void {
  if (hasSshd()) return;
  if (process.env.CI) throw new Error('/usr/sbin/sshd is missing in CI: install openssh-server');
  console.warn(
    'NOTICE: /usr/sbin/sshd not found; @net/ssh tests that need OpenSSH are skipped (apt-get install openssh-server)',
  );
}

/** A started sshd plus a scratch folder with a known_hosts file that trusts it. */
export interface Fixture {
  sshd: TestSshd;
  dir: string;
  knownHostsPath: string;
  /** Options that connect to the sshd with the plain client key and strict checking. */
  options(extra?: Partial<SSHClientOptions>): SSHClientOptions;
  client(extra?: Partial<SSHClientOptions>): SSHClient;
  stop(): Promise<void>;
}

export async function startFixture(sshdOptions: TestSshdOptions = {}): Promise<Fixture> {
  const sshd = await startSshd(sshdOptions);
  const dir = mkdtempSync(join(tmpdir(), 'net-ssh-test-'));
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, `${sshd.knownHostsLine}\n`);
  const options = (extra: Partial<SSHClientOptions> = {}): SSHClientOptions => ({
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKeyPath: sshd.clientKey.privateKeyPath,
    hostKey: { knownHostsPath },
    readyTimeout: 10_000,
    ...extra,
  });
  return {
    sshd,
    dir,
    knownHostsPath,
    options,
    client: (extra) => new SSHClient(options(extra)),
    stop: async () => {
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
