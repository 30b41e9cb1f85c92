import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, type TestKeyPair } from './ssh-keys.js';

/** A throw-away local account for SSH servers that log users in for real (sshd, Dropbear). */
export interface TestUser {
  username: string;
  password: string;
  uid: number;
  gid: number;
  /** Its home directory (a temporary folder it owns), with `.ssh/authorized_keys`. */
  home: string;
  /** A key listed in its authorized_keys (the files are owned by the test, root). */
  clientKey: TestKeyPair;
  /** Removes the account, its processes and its home. Idempotent. */
  remove(): void;
  [Symbol.asyncDispose](): Promise<void>;
}

function uidOf(username: string): number | undefined {
  try {
    return Number(execFileSync('id', ['-u', username], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  }
}

/** SIGKILLs every process whose real uid is `uid` (read from /proc), so userdel can proceed. */
function killProcessesOf(uid: number | undefined): void {
  if (uid === undefined || uid === 0) return;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) === uid)
        process.kill(Number(entry), 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
}

/** True when accounts can be created here (root, with useradd). */
export function canCreateUsers(): boolean {
  return process.getuid?.() === 0 && process.platform === 'linux';
}

function run(command: string, args: string[], input?: string): void {
  // useradd and userdel take a lock on /etc/passwd; parallel test files may collide.
  for (let attempt = 0; ; attempt++) {
    try {
      execFileSync(command, args, { input, stdio: ['pipe', 'ignore', 'pipe'] });
      return;
    } catch (err) {
      if (attempt >= 20) throw err;
      execFileSync('sleep', ['0.2']);
    }
  }
}

/**
 * Creates a local user `nettest-<random>` with a password and a key, its home a temporary
 * folder. Requires root. Remove it with `remove()` (or `await using`).
 */
export function createTestUser(shell = '/bin/sh'): TestUser {
  if (!canCreateUsers()) throw new Error('createTestUser: needs root on Linux');
  const username = `nettest-${randomBytes(4).toString('hex')}`;
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const base = mkdtempSync(join(tmpdir(), 'net-user-'));
  chmodSync(base, 0o755);
  const home = join(base, username);
  // The private key stays where the test (root) reads it, outside the user's home.
  const keys = mkdtempSync(join(tmpdir(), 'net-user-keys-'));
  run('useradd', ['-M', '-d', home, '-s', shell, username]);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    killProcessesOf(uidOf(username));
    try {
      run('userdel', [username]);
    } finally {
      rmSync(base, { recursive: true, force: true });
      rmSync(keys, { recursive: true, force: true });
      process.removeListener('exit', remove);
    }
  };
  process.once('exit', remove);
  try {
    run('chpasswd', [], `${username}:${password}\n`);
    const uid = Number(execFileSync('id', ['-u', username], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', username], { encoding: 'utf8' }).trim());
    const clientKey = generateKeyPair(keys, 'client_ed25519');
    const sshDir = join(home, '.ssh');
    mkdirSync(sshDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(sshDir, 'authorized_keys'), `${clientKey.publicKey}\n`, { mode: 0o600 });
    for (const path of [home, sshDir, join(sshDir, 'authorized_keys')]) chownSync(path, uid, gid);
    chmodSync(home, 0o755);
    return {
      username,
      password,
      uid,
      gid,
      home,
      clientKey,
      remove,
      [Symbol.asyncDispose]: async () => remove(),
    };
  } catch (err) {
    remove();
    throw err;
  }
}
