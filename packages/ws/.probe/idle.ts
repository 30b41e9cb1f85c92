import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { WebSocketClient } from '../src/index.js';

const SERVER = `
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false });
wss.on('listening', () => console.log(wss.address().port));
`;
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.cwd() });
const [line] = (await once(child.stdout!, 'data')) as [Buffer];
const url = `ws://127.0.0.1:${line.toString().trim()}`;
const N = 1000;
async function measure(open: () => Promise<() => Promise<void>>) {
  const before = heap();
  const closers: Array<() => Promise<void>> = [];
  while (closers.length < N) closers.push(...(await Promise.all(Array.from({ length: 50 }, open))));
  await new Promise((r) => setTimeout(r, 200));
  const per = (heap() - before) / N;
  await Promise.all(closers.map((c) => c()));
  await new Promise((r) => setTimeout(r, 200));
  return per;
}
const mode = process.argv[2] ?? 'ours';
for (let round = 0; round < 2; round++) {
  const raw = await measure(async () => { const ws = new WebSocket(url, { perMessageDeflate: false }); await once(ws, 'open'); return async () => { ws.close(); await once(ws, 'close'); }; });
  const ours = await measure(async () => { const c = new WebSocketClient({ url }); await c.connect(); return () => c.close(); });
  console.log(`round ${round}: raw ${(raw / 1024).toFixed(2)} KiB, ours ${(ours / 1024).toFixed(2)} KiB, ratio ${(ours / raw).toFixed(2)}`);
}
child.kill();
