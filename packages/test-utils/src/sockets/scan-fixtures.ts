import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer, Socket } from 'node:net';
import { listenOnLoopback } from '../loopback-listener.js';

/**
 * Fixtures for exact open-port assertions. Other processes on the machine open and close
 * loopback listeners on ephemeral ports (32768–60999) all the time, so tests pick their ports
 * below that range, where nothing binds by accident, and scan only the ports they chose.
 */

/** Lowest and highest port `pickPorts()` chooses from: below the ephemeral range. */
export const FIXTURE_PORT_RANGE = { min: 20_000, max: 32_000 } as const;

async function canBind(port: number, host: string, protocol: 'tcp' | 'udp'): Promise<boolean> {
  return new Promise((resolve) => {
    if (protocol === 'udp') {
      const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      socket.once('error', () => {
        socket.close();
        resolve(false);
      });
      socket.bind(port, host, () => socket.close(() => resolve(true)));
      return;
    }
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * `count` distinct random ports in FIXTURE_PORT_RANGE that are free for both TCP and UDP on
 * `host` right now (so the same port can serve as a closed port of either protocol).
 */
export async function pickPorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const chosen = new Set<number>();
  for (let tries = 0; chosen.size < count && tries < count * 50; tries++) {
    const port =
      FIXTURE_PORT_RANGE.min +
      Math.floor(Math.random() * (FIXTURE_PORT_RANGE.max - FIXTURE_PORT_RANGE.min));
    if (chosen.has(port)) continue;
    if ((await canBind(port, host, 'tcp')) && (await canBind(port, host, 'udp'))) chosen.add(port);
  }
  if (chosen.size < count)
    throw new Error(`pickPorts: found only ${chosen.size} free ports of ${count}`);
  return [...chosen].sort((a, b) => a - b);
}

/** A listener on a fixed port; `mode` decides what happens to accepted connections. */
export interface FixedListener extends AsyncDisposable {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Listens on `port`: `'accept'` keeps connections open until closed, `'accept-close'` closes each
 * right after accepting it (still open to a connect scan: the handshake completed).
 */
export async function listenOn(
  port: number,
  host = '127.0.0.1',
  mode: 'accept' | 'accept-close' = 'accept',
): Promise<FixedListener> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    if (mode === 'accept-close') socket.destroy();
  });
  const { close } = await listenOnLoopback(server, host, port);
  return { port, close, [Symbol.asyncDispose]: close };
}

/**
 * A port that never completes a handshake: a listener in a child process with an accept queue
 * of one, stopped with SIGSTOP so it never accepts, and filled up by this process. The kernel
 * then drops further SYNs, which to a scanner looks exactly like a filtering firewall.
 */
export async function startBlackhole(port: number, host = '127.0.0.1'): Promise<FixedListener> {
  const script = `require('node:net').createServer().listen({ port: ${port}, host: ${JSON.stringify(host)}, backlog: 1, exclusive: true }, () => console.log('ready'));`;
  const child: ChildProcess = spawn(process.execPath, ['-e', script], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('blackhole listener did not start')), 10_000);
    child.stdout!.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', () => reject(new Error('blackhole listener exited')));
  });
  child.kill('SIGSTOP');
  const fillers: Socket[] = [];
  // Connect until one connect hangs: the accept queue is then full.
  for (let i = 0; i < 16; i++) {
    const socket = new Socket();
    socket.on('error', () => {});
    fillers.push(socket);
    const connected = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 300);
      socket.connect({ port, host }, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!connected) break;
  }
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
      await exited;
    })();
    return closed;
  };
  return { port, close, [Symbol.asyncDispose]: close };
}

/** Port states as `nmap -sT` reports them for `host`, from its greppable output. */
export async function nmapScan(
  host: string,
  ports: readonly number[] | string,
  extraArgs: string[] = ['-T4'],
): Promise<Map<number, string>> {
  const portArg = typeof ports === 'string' ? ports : ports.join(',');
  const args = [
    '-sT',
    '-Pn',
    '-n',
    ...extraArgs,
    '-p',
    portArg,
    '-oG',
    '-',
    ...(host.includes(':') ? ['-6'] : []),
    host,
  ];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      'nmap',
      args,
      { maxBuffer: 64 * 1024 * 1024, timeout: 180_000 },
      (err: Error | null, out: string) => (err ? reject(err) : resolve(out)),
    );
  });
  const states = new Map<number, string>();
  for (const line of stdout.split('\n')) {
    const match = /\tPorts: ([^\t]*)/.exec(line);
    if (!match) continue;
    for (const entry of match[1]!.split(', ')) {
      const [port, state] = entry.split('/');
      if (port && state) states.set(Number(port), state);
    }
  }
  return states;
}

/** Whether the nmap binary is installed. */
export async function hasNmap(): Promise<boolean> {
  return new Promise((resolve) => execFile('nmap', ['--version'], (err) => resolve(!err)));
}
