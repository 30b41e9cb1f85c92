import { spawn } from 'node:child_process';
import { once } from 'node:events';
import WebSocket from 'ws';
import { WebSocketClient } from '../src/index.js';
const SERVER = `
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false });
wss.on('connection', (s) => s.on('message', (d, isBinary) => s.send(d, { binary: isBinary })));
wss.on('listening', () => console.log(wss.address().port));
`;
const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.cwd() });
const [line] = (await once(child.stdout!, 'data')) as [Buffer];
const url = `ws://127.0.0.1:${line.toString().trim()}`;
function pump(sub: (fn: () => void) => () => void, send: () => void, total: number) {
  return new Promise<void>((resolve) => { let sent = 0, rec = 0; const un = sub(() => { rec++; if (rec === total) { un(); resolve(); } else if (sent < total) { sent++; send(); } }); for (; sent < Math.min(64, total); sent++) send(); });
}
const ours = new WebSocketClient({ url }); await ours.connect();
const raw = new WebSocket(url, { perMessageDeflate: false }); await once(raw, 'open');
const bin = new Uint8Array(16 * 1024).fill(7);
const N = Number(process.argv[2] ?? 4000);
for (let r = 0; r < 4; r++) {
  for (const [name, run] of [['ours', () => pump((fn) => ours.on('message', fn), () => ours.send(bin), N)], ['raw', () => pump((fn) => { raw.on('message', fn); return () => raw.off('message', fn); }, () => raw.send(bin), N)]] as const) {
    const c = process.cpuUsage(); const t = performance.now();
    await run();
    const u = process.cpuUsage(c);
    console.log(r, name, ((u.user + u.system) / N).toFixed(1), 'µs/msg', (N / ((performance.now() - t) / 1000)).toFixed(0), 'msg/s');
  }
}
await ours.close(); raw.close(); child.kill();
