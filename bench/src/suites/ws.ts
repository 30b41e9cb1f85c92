import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { WebSocketClient } from '@net/ws';
import { compare, machineLine, report } from '../harness.js';

const IN_FLIGHT = 64;
const IDLE_CONNECTIONS = 1_000;

/** The echo server runs in its own process, so its CPU and memory stay out of the client's numbers. */
const SERVER = `
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false });
wss.on('connection', (s) => s.on('message', (d, isBinary) => s.send(d, { binary: isBinary })));
wss.on('listening', () => console.log(wss.address().port));
`;

async function startEchoServer(): Promise<{ url: string; child: ChildProcess }> {
  const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const child = spawn(process.execPath, ['-e', SERVER], {
    cwd: benchDir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  return { url: `ws://127.0.0.1:${line.toString().trim()}`, child };
}

/** Client-process CPU time per message of each case and round, in µs: steadier than msg/s on a shared machine. */
const cpuPerMessage = new Map<string, number[]>();

function withCpu(name: string, run: () => Promise<number>): () => Promise<number> {
  return async () => {
    const start = process.cpuUsage();
    const count = await run();
    const used = process.cpuUsage(start);
    const list = cpuPerMessage.get(name) ?? [];
    list.push((used.user + used.system) / count);
    cpuPerMessage.set(name, list);
    return count;
  };
}

/** Echo `total` messages through `send`, keeping IN_FLIGHT outstanding; resolves with the count. */
function pump(
  subscribe: (onMessage: () => void) => () => void,
  send: () => void,
  total: number,
): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0;
    let received = 0;
    const unsubscribe = subscribe(() => {
      received++;
      if (received === total) {
        unsubscribe();
        resolve(total);
      } else if (sent < total) {
        sent++;
        send();
      }
    });
    for (; sent < Math.min(IN_FLIGHT, total); sent++) send();
  });
}

async function openRaw(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await once(ws, 'open');
  return ws;
}

async function throughput(url: string) {
  const ours = new WebSocketClient({ url });
  await ours.connect();
  const raw = await openRaw(url);
  const text = 'x'.repeat(64);
  const binary = new Uint8Array(16 * 1024).fill(7);
  const oursCase = (payload: string | Uint8Array, total: number) => () =>
    pump(
      (fn) => ours.on('message', fn),
      () => ours.send(payload),
      total,
    );
  const rawCase =
    (payload: string | Uint8Array, total: number, decode = false) =>
    () =>
      pump(
        (fn) => {
          const listener = decode ? (data: Buffer) => (data.toString(), fn()) : fn;
          raw.on('message', listener);
          return () => raw.off('message', listener);
        },
        () => raw.send(payload),
        total,
      );
  const results = [
    await compare({
      title: `Echo 64 B text, ${IN_FLIGHT} in flight, one connection`,
      unit: 'msg',
      // A third row shows raw ws when the consumer decodes each text message, as the client does.
      cases: {
        WebSocketClient: withCpu('text: WebSocketClient', oursCase(text, 20_000)),
        'raw ws': withCpu('text: raw ws', rawCase(text, 20_000)),
        'raw ws + data.toString()': withCpu(
          'text: raw ws + data.toString()',
          rawCase(text, 20_000, true),
        ),
      },
      baseline: 'raw ws',
    }),
    await compare({
      title: `Echo 16 KiB binary, ${IN_FLIGHT} in flight, one connection`,
      unit: 'msg',
      cases: {
        WebSocketClient: withCpu('binary: WebSocketClient', oursCase(binary, 4_000)),
        'raw ws': withCpu('binary: raw ws', rawCase(binary, 4_000)),
      },
    }),
  ];
  await ours.close();
  raw.close();
  return results;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Heap bytes per idle open connection, opened 50 at a time. */
async function idleMemory(open: () => Promise<() => Promise<void>>): Promise<number> {
  const before = heapAfterGc();
  const closers: Array<() => Promise<void>> = [];
  while (closers.length < IDLE_CONNECTIONS) {
    closers.push(...(await Promise.all(Array.from({ length: 50 }, open))));
  }
  await new Promise((r) => setTimeout(r, 200));
  const perConnection = (heapAfterGc() - before) / IDLE_CONNECTIONS;
  await Promise.all(closers.map((close) => close()));
  await new Promise((r) => setTimeout(r, 200));
  return perConnection;
}

export async function run(): Promise<void> {
  const server = await startEchoServer();
  try {
    const results = await throughput(server.url);
    report('ws', results);
    const cpuRows = [...cpuPerMessage].map(([name, values]) => {
      // The first entry of each case is its warm-up round.
      const measured = values.slice(1).sort((a, b) => a - b);
      return `| ${name} | ${measured[measured.length >> 1]!.toFixed(1)} |`;
    });
    console.log(
      [
        '### Client CPU per echoed message (median)',
        '',
        '| case | µs/msg |',
        '|---|---:|',
        ...cpuRows,
        '',
      ].join('\n'),
    );

    const rows: Array<[string, number]> = [];
    for (let round = 0; round < 2; round++) {
      rows.push([
        'raw ws',
        await idleMemory(async () => {
          const ws = await openRaw(server.url);
          return async () => {
            ws.close();
            await once(ws, 'close');
          };
        }),
      ]);
      rows.push([
        'WebSocketClient (defaults: heartbeat, reconnect, queue)',
        await idleMemory(async () => {
          const client = new WebSocketClient({ url: server.url });
          await client.connect();
          return () => client.close();
        }),
      ]);
    }
    // The second round is the steady one (JIT, pools and lazily created code are warm by then).
    const [raw, ours] = [rows[2]!, rows[3]!];
    console.log(
      [
        `### Heap per idle connection, ${IDLE_CONNECTIONS} connections`,
        '',
        '| case | KiB per connection | ratio vs raw ws |',
        '|---|---:|---:|',
        `| ${ours[0]} | ${(ours[1] / 1024).toFixed(1)} | ${(ours[1] / raw[1]).toFixed(2)}× |`,
        `| ${raw[0]} | ${(raw[1] / 1024).toFixed(1)} | 1.00× |`,
        '',
        `heapUsed after gc, second of two rounds; server in a child process; target ≤ 1.50× (throughput ≥ 0.95×); ${machineLine()}`,
      ].join('\n'),
    );
  } finally {
    server.child.kill();
  }
}
