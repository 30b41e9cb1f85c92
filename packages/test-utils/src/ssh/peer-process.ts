import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { killTree } from './process-tree.js';

/** A port that was free on 127.0.0.1 a moment ago (the caller retries if it is taken meanwhile). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether 127.0.0.1:`port` accepts a TCP connection. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves when `child` has exited. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Waits (up to `ms`) until `port` accepts, or the child exits. */
export async function waitForPort(
  child: ChildProcess,
  port: number,
  ms = 10_000,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    if (await accepts(port)) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

/** How a started server process is ended: `kill()` keeps its temp dir, `stop()` removes it too. */
export interface PeerProcessControl {
  kill: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * Ends a server process and everything it forked (each SSH connection is its own process), once;
 * also when the test process exits without stopping it, so no server is left behind.
 */
export function controlPeerProcess(child: ChildProcess, dir: string): PeerProcessControl {
  const pid = child.pid!;
  let killed = false;
  const onExit = () => killTree(pid);
  process.once('exit', onExit);
  const kill = async (): Promise<void> => {
    if (!killed) {
      killed = true;
      process.removeListener('exit', onExit);
      killTree(pid);
    }
    await exited(child);
  };
  const stop = async (): Promise<void> => {
    await kill();
    rmSync(dir, { recursive: true, force: true });
  };
  return { kill, stop };
}
