import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A third-party server started by a test: its process, its temp dir, a way to stop it. */
export interface PeerProcess extends AsyncDisposable {
  readonly pid: number;
  /** The temp dir holding its config, logs and files (removed on close). */
  readonly dir: string;
  /** The contents of a log file in `dir` (for diagnostics in a failing test). */
  log(name: string): string;
  /** Stops the process by PID (SIGTERM, then SIGKILL after 5 s) and removes `dir`. Idempotent. */
  close(): Promise<void>;
}

/** Whether `binary` is installed (scripts/setup.sh installs the peers). */
export function hasBinary(binary: string): boolean {
  return existsSync(binary);
}

/** A temp dir the peer (which may drop root to an unprivileged user) can read and write. */
export function peerDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `net-${prefix}-`));
  chmodSync(dir, 0o777);
  return dir;
}

async function waitForPort(
  port: number,
  host: string,
  child: ChildProcess,
  deadline: number,
): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited before listening (code ${child.exitCode}, ${child.signalCode})`);
    }
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not open in time`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Spawns `binary` in the foreground with its output in `dir`/stdout.log, waits until every port
 * in `ports` accepts connections (at most 15 s), and returns a handle that stops it by PID.
 */
export async function startPeer(
  name: string,
  binary: string,
  args: string[],
  dir: string,
  ports: number[],
  host = '127.0.0.1',
): Promise<PeerProcess> {
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
  child.once('error', () => undefined);
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    })();
    return closed;
  };
  try {
    const deadline = Date.now() + 15_000;
    for (const port of ports) await waitForPort(port, host, child, deadline);
  } catch (err) {
    await close();
    const text = Buffer.concat(output).toString('utf8').slice(-2000);
    throw new Error(`${name} did not start: ${(err as Error).message}\n${text}`);
  }
  return {
    pid: child.pid!,
    dir,
    log: (file) => {
      try {
        return readFileSync(join(dir, file), 'utf8');
      } catch {
        return '';
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
