import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { controlPeerProcess, exited, freePort, waitForPort } from './peer-process.js';
import { killTree, processTree, signalTree } from './process-tree.js';
import { generateKeyPair, type TestKeyPair } from './ssh-keys.js';

export const SSHD_PATH = '/usr/sbin/sshd';

/** Options of {@link startSshd}. */
export interface TestSshdOptions {
  /** sshd's `MaxSessions`: channels per connection. @default 10 */
  maxSessions?: number;
  /** sshd's `LogLevel`; VERBOSE logs each authentication attempt. @default 'VERBOSE' */
  logLevel?: string;
  /** Allow password logins (for a test user made with createTestUser). @default false */
  passwordAuthentication?: boolean;
  /** Offer `Subsystem sftp internal-sftp`; false makes an exec-only server. @default true */
  sftp?: boolean;
  /** `ForceCommand` for every login, e.g. 'internal-sftp' for an SFTP-only server. @default none */
  forceCommand?: string;
  /** Extra sshd_config lines appended verbatim. */
  extraConfig?: string[];
  /** Extra public key lines for authorized_keys (the generated client keys are always there). */
  authorizedKeys?: string[];
}

/** A running OpenSSH sshd on 127.0.0.1, owned by the test that started it. */
export interface TestSshd {
  host: '127.0.0.1';
  port: number;
  /** The user the server accepts: the current user. */
  username: string;
  /** The temporary folder holding the config, keys and log. */
  dir: string;
  /** The server's host key pair. */
  hostKey: TestKeyPair;
  /** A client key without a passphrase, listed in authorized_keys. */
  clientKey: TestKeyPair;
  /** A client key encrypted with a passphrase, listed in authorized_keys. */
  encryptedClientKey: TestKeyPair;
  /** `[127.0.0.1]:port ssh-ed25519 AAAA…`: the known_hosts line for this server. */
  knownHostsLine: string;
  /** sshd's log (stderr with -e). */
  logPath: string;
  readLog(): string;
  /** pid of the listening sshd. */
  pid: number;
  /** pids of the per-connection sshd processes and their children. */
  connectionPids(): number[];
  /** SIGSTOP the listener and every connection: the server hangs without closing sockets. */
  freeze(): void;
  /** SIGCONT what {@link freeze} stopped. */
  thaw(): void;
  /** Kill the listener and all its descendants, as a crash would. Idempotent. */
  kill(): Promise<void>;
  /** Stop the server and remove its folder. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * True when an OpenSSH server binary is installed. `NET_TEST_SSHD=0` pretends it is not, to
 * exercise the fallback path on a machine that has one.
 */
export function hasSshd(): boolean {
  return process.env.NET_TEST_SSHD !== '0' && existsSync(SSHD_PATH);
}

/**
 * Starts `/usr/sbin/sshd -D -e` on a free 127.0.0.1 port with fresh host and client keys in a
 * temporary folder. Public-key login for the current user only (root included, via
 * `PermitRootLogin prohibit-password`); password login is off because it would need a system
 * password. Use with `await using`.
 */
export async function startSshd(options: TestSshdOptions = {}): Promise<TestSshd> {
  if (!hasSshd())
    throw new Error(`startSshd: ${SSHD_PATH} is not installed (apt-get install openssh-server)`);
  // sshd refuses to start without its privilege-separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'net-sshd-'));
  const hostKey = generateKeyPair(dir, 'host_ed25519');
  const clientKey = generateKeyPair(dir, 'client_ed25519');
  const encryptedClientKey = generateKeyPair(dir, 'client_encrypted', 'correct horse battery');
  writeFileSync(
    join(dir, 'authorized_keys'),
    [clientKey.publicKey, encryptedClientKey.publicKey, ...(options.authorizedKeys ?? [])].join(
      '\n',
    ) + '\n',
  );
  // sshd reads authorized_keys as the user logging in: a non-root test user must reach it.
  chmodSync(dir, 0o711);
  chmodSync(join(dir, 'authorized_keys'), 0o644);
  const logPath = join(dir, 'sshd.log');
  const username = userInfo().username;

  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const config = [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey.privateKeyPath}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      `PasswordAuthentication ${options.passwordAuthentication ? 'yes' : 'no'}`,
      'KbdInteractiveAuthentication no',
      ...(options.sftp === false ? [] : ['Subsystem sftp internal-sftp']),
      ...(options.forceCommand ? [`ForceCommand ${options.forceCommand}`] : []),
      `MaxSessions ${options.maxSessions ?? 10}`,
      'MaxStartups 100:30:200',
      'AllowTcpForwarding yes',
      'UseDNS no',
      // Debian's bash sources ~/.bashrc for every `ssh host command` unless SHLVL says it is
      // nested; this keeps the test server independent of the user's dotfiles (here root's
      // ~/.bashrc ran `pyenv rehash`, which can wait a minute on a lock).
      'SetEnv SHLVL=1',
      `LogLevel ${options.logLevel ?? 'VERBOSE'}`,
      ...(options.extraConfig ?? []),
    ];
    const configPath = join(dir, 'sshd_config');
    writeFileSync(configPath, config.join('\n') + '\n');
    // stdio goes to a file: a pipe nobody reads would eventually block sshd.
    const log = openSync(logPath, 'a');
    const child = spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], { stdio: ['ignore', log, log] });
    closeSync(log);
    if (!(await waitForPort(child, port))) {
      killTree(child.pid!);
      await exited(child);
      const text = readFileSync(logPath, 'utf8');
      // Another process may have taken the port between freePort() and sshd's bind.
      if (attempt < 3 && /Address already in use|Bind to port/.test(text)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`startSshd: sshd did not start:\n${text}`);
    }
    const pid = child.pid!;
    const { kill, stop } = controlPeerProcess(child, dir);
    return {
      host: '127.0.0.1',
      port,
      username,
      dir,
      hostKey,
      clientKey,
      encryptedClientKey,
      knownHostsLine: `[127.0.0.1]:${port} ${hostKey.publicKey.split(' ').slice(0, 2).join(' ')}`,
      logPath,
      readLog: () => readFileSync(logPath, 'utf8'),
      pid,
      connectionPids: () => processTree(pid).slice(1),
      freeze: () => signalTree(pid, 'SIGSTOP'),
      thaw: () => signalTree(pid, 'SIGCONT'),
      kill,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  }
}
