import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlPeerProcess, exited, freePort, waitForPort } from './peer-process.js';
import { killTree, processTree } from './process-tree.js';

export const DROPBEAR_PATH = '/usr/sbin/dropbear';

/** True when Debian's Dropbear (dropbear-bin) is installed. */
export function hasDropbear(): boolean {
  return existsSync(DROPBEAR_PATH) && existsSync('/usr/bin/dropbearkey');
}

/** Options of {@link startDropbear}. */
export interface TestDropbearOptions {
  /** Refuse password logins (`-s`). @default false */
  noPasswords?: boolean;
  /** Extra command-line flags. */
  extraArgs?: string[];
}

/** A running Dropbear on 127.0.0.1, owned by the test that started it. */
export interface TestDropbear {
  host: '127.0.0.1';
  port: number;
  dir: string;
  /** `[127.0.0.1]:port ssh-ed25519 AAAA…`: the known_hosts line for this server. */
  knownHostsLine: string;
  pid: number;
  readLog(): string;
  /** pids of the per-connection dropbear processes and their children. */
  connectionPids(): number[];
  /** Kill the listener and all its descendants, as a crash would. Idempotent. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts Dropbear in the foreground (`-F -E`) on a free 127.0.0.1 port with a fresh ed25519
 * host key. Users log in with their system password or `~/.ssh/authorized_keys` (use
 * createTestUser). SFTP works through /usr/lib/sftp-server (OpenSSH's sftp-server, which is
 * where Dropbear looks for it). Use with `await using`.
 */
export async function startDropbear(options: TestDropbearOptions = {}): Promise<TestDropbear> {
  if (!hasDropbear()) throw new Error(`startDropbear: ${DROPBEAR_PATH} is not installed`);
  const dir = mkdtempSync(join(tmpdir(), 'net-dropbear-'));
  const hostKeyPath = join(dir, 'host_ed25519');
  execFileSync('dropbearkey', ['-t', 'ed25519', '-f', hostKeyPath], { stdio: 'ignore' });
  const publicLine = execFileSync('dropbearkey', ['-y', '-f', hostKeyPath], { encoding: 'utf8' })
    .split('\n')
    .find((line) => line.startsWith('ssh-ed25519 '))!;
  const logPath = join(dir, 'dropbear.log');
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const log = openSync(logPath, 'a');
    const args = [
      '-F',
      '-E',
      '-p',
      `127.0.0.1:${port}`,
      '-r',
      hostKeyPath,
      '-P',
      join(dir, 'dropbear.pid'),
      ...(options.noPasswords ? ['-s'] : []),
      ...(options.extraArgs ?? []),
    ];
    const child = spawn(DROPBEAR_PATH, args, { stdio: ['ignore', log, log] });
    closeSync(log);
    if (!(await waitForPort(child, port))) {
      killTree(child.pid!);
      await exited(child);
      const text = readFileSync(logPath, 'utf8');
      if (attempt < 3 && /Address already in use|bind/i.test(text)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`startDropbear: dropbear did not start:\n${text}`);
    }
    const pid = child.pid!;
    const { kill, stop } = controlPeerProcess(child, dir);
    return {
      host: '127.0.0.1',
      port,
      dir,
      knownHostsLine: `[127.0.0.1]:${port} ${publicLine.split(' ').slice(0, 2).join(' ')}`,
      pid,
      readLog: () => readFileSync(logPath, 'utf8'),
      connectionPids: () => processTree(pid).slice(1),
      kill,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  }
}
