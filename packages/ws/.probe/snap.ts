import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeHeapSnapshot, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readFileSync, rmSync } from 'node:fs';
import WebSocket from 'ws';
import { WebSocketClient } from '../src/index.js';

const SERVER = `
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false });
wss.on('listening', () => console.log(wss.address().port));
`;
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.cwd() });
const [line] = (await once(child.stdout!, 'data')) as [Buffer];
const url = `ws://127.0.0.1:${line.toString().trim()}`;
const N = 500;
function summarize(file: string) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  rmSync(file);
  const f = snap.snapshot.meta.node_fields as string[];
  const types = snap.snapshot.meta.node_types[0] as string[];
  const nodes = snap.nodes as number[]; const strings = snap.strings as string[];
  const w = f.length; const ti = f.indexOf('type'), ni = f.indexOf('name'), si = f.indexOf('self_size');
  const agg = new Map<string, [number, number]>();
  for (let i = 0; i < nodes.length; i += w) {
    const key = `${types[nodes[i + ti]!]}:${strings[nodes[i + ni]!]!.slice(0, 40).replace(/\d+/g, 'N')}`;
    const a = agg.get(key) ?? [0, 0]; a[0]++; a[1] += nodes[i + si]!; agg.set(key, a);
  }
  return agg;
}
async function snapWith(open: () => Promise<unknown>) {
  const keep: unknown[] = [];
  while (keep.length < N) keep.push(...(await Promise.all(Array.from({ length: 50 }, open))));
  await new Promise((r) => setTimeout(r, 200));
  gc(); gc();
  const file = writeHeapSnapshot(`/tmp/wsprobe/snap-${process.argv[2]}.heapsnapshot`);
  const agg = process.argv[3] === 'keep' ? new Map() : summarize(file);
  return { agg, keep };
}
const mode = process.argv[2];
const opener = mode === 'raw' ? async () => { const ws = new WebSocket(url, { perMessageDeflate: false }); await once(ws, 'open'); return ws; }
  : mode === 'ours' ? async () => { const c = new WebSocketClient({ url }); await c.connect(); return c; } : async () => null;
const r = await snapWith(opener);
const { writeFileSync } = await import('node:fs');
writeFileSync(`/tmp/wsprobe/agg-${mode}.json`, JSON.stringify([...r.agg]));
child.kill();
process.exit(0);
