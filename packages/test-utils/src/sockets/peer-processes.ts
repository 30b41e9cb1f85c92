import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { closedPort } from '../ports.js';

/**
 * Third-party peers (socat, ncat, nc.openbsd, openssl) as child processes on loopback. A
 * listener is ready when the kernel lists its port as listening (TCP) or bound (UDP) in
 * /proc/net — found without connecting, since a one-shot peer would take that connection as
 * its one client. Every peer is killed by PID on close.
 */

/** Whether `command` is installed (on PATH). */
export function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether /proc/net lists `port` as a TCP listener or a bound UDP socket. */
function isBound(port: number, protocol: 'tcp' | 'udp'): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const file of [`/proc/net/${protocol}`, `/proc/net/${protocol}6`]) {
    let table = '';
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of table.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 4 || !fields[1]!.endsWith(hex)) continue;
      // TCP_LISTEN is 0A; a bound UDP socket shows 07 (TCP_CLOSE).
      if (fields[3] === (protocol === 'tcp' ? '0A' : '07')) return true;
    }
  }
  return false;
}

/** A peer process listening on loopback; dispose it with `await using`. */
export interface ListeningPeer extends AsyncDisposable {
  readonly port: number;
  readonly process: ChildProcess;
  /** What the peer wrote so far. */
  output(): string;
  /** Resolves with the exit code once the process ended. */
  readonly exited: Promise<number | null>;
  close(): Promise<void>;
}

/**
 * Starts `command` with the arguments `args(port)` on a free loopback port and waits until it
 * listens there (at most 10 s).
 */
export async function startListeningPeer(
  command: string,
  args: (port: number) => string[],
  { protocol = 'tcp', host = '127.0.0.1' }: { protocol?: 'tcp' | 'udp'; host?: string } = {},
): Promise<ListeningPeer> {
  const port = await closedPort(host);
  const child = spawn(command, args(port), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  child.once('error', () => {});
  const deadline = Date.now() + 10_000;
  while (!isBound(port, protocol)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${command} did not listen on ${port}: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    })());
  return {
    port,
    process: child,
    output: () => output,
    exited,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Runs a client command to completion with `input` on its stdin; resolves with its stdout and
 * exit code, or kills it after `timeout` ms.
 */
export function runPeerClient(
  command: string,
  args: string[],
  input: string | Buffer = '',
  timeout = 10_000,
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not finish within ${timeout} ms: ${stderr}`));
    }, timeout);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}
