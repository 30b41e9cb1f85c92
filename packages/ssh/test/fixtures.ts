import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  hasSshd,
  startInProcessSshServer,
  startSshd,
  type TestSshd,
  type TestSshdOptions,
} from '@net/test-utils/ssh';
import { SSHClient, type SSHClientOptions } from '../src/index.js';

/**
 * The suites prefer OpenSSH's sshd. In CI its absence is a failure; elsewhere the suites run
 * against the in-process ssh2 server instead, and the tests that need OpenSSH itself (pty,
 * freezing the server, its log, MaxSessions) say so and are skipped.
 */
export function requireSshd(): void {
  if (hasSshd()) return;
  if (process.env.CI) throw new Error('/usr/sbin/sshd is missing in CI: install openssh-server');
  console.warn(
    'NOTICE: /usr/sbin/sshd not found (or NET_TEST_SSHD=0): @net/ssh suites run against the in-process ssh2 server; tests that need OpenSSH itself are skipped',
  );
}

/** A started server plus a scratch folder with a known_hosts file that trusts it. */
export interface Fixture {
  /** OpenSSH's sshd, or the in-process server behind the same shape (see {@link startFixture}). */
  sshd: TestSshd;
  /** True when `sshd` is OpenSSH. */
  openssh: boolean;
  dir: string;
  knownHostsPath: string;
  /** Options that connect to the server with the plain client key and strict checking. */
  options(extra?: Partial<SSHClientOptions>): SSHClientOptions;
  client(extra?: Partial<SSHClientOptions>): SSHClient;
  stop(): Promise<void>;
}

/** The in-process server dressed as a TestSshd; what only OpenSSH can do throws when used. */
async function inProcessAsSshd(): Promise<TestSshd> {
  const server = await startInProcessSshServer();
  const unsupported = (what: string) => () => {
    throw new Error(`${what} needs OpenSSH's sshd (the in-process server cannot)`);
  };
  return {
    host: server.host,
    port: server.port,
    username: server.username,
    dir: server.root,
    hostKey: server.hostKey,
    clientKey: server.clientKey,
    get encryptedClientKey(): never {
      return unsupported('an encrypted client key')();
    },
    knownHostsLine: server.knownHostsLine,
    logPath: '',
    readLog: unsupported('readLog'),
    pid: process.pid,
    connectionPids: unsupported('connectionPids'),
    freeze: unsupported('freeze'),
    thaw: unsupported('thaw'),
    kill: () => server.kill(),
    stop: () => server.stop(),
    [Symbol.asyncDispose]: () => server.stop(),
  };
}

export async function startFixture(sshdOptions: TestSshdOptions = {}): Promise<Fixture> {
  const openssh = hasSshd();
  const sshd = openssh ? await startSshd(sshdOptions) : await inProcessAsSshd();
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
    openssh,
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
