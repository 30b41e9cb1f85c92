/**
 * `pnpm bench http-alloc`: bytes allocated per small GET, by allocation site, for the bare
 * got.stream() loop and for HTTPClient (V8's sampling heap profiler with collected objects kept,
 * so short-lived garbage counts too). How got's options build was found to make ~22 KB of
 * garbage per request on Node 20. `TOP=n` lists more sites.
 */
import { Session } from 'node:inspector/promises';
import { Agent as HttpAgent } from 'node:http';
import { got } from 'got';
import { HTTPClient } from '@net/http';
import { saturate, startBenchServer } from './http.js';

type Node = {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: Node[];
};

export async function run(): Promise<void> {
  const server = await startBenchServer();
  const url = server.url;
  const base = got.extend({
    agent: { http: new HttpAgent({ keepAlive: true, maxSockets: 50, scheduling: 'lifo' }) },
    retry: { limit: 0 },
  });
  const client = new HTTPClient({ maxSockets: 50 });
  const loop = () =>
    new Promise((resolve, reject) => {
      const stream = base.stream(url);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.once('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
      stream.once('error', reject);
    });
  const ours = async () => (await client.get(url)).json();
  const session = new Session();
  session.connect();
  for (const [name, one] of [
    ['loop', loop],
    ['ours', ours],
  ] as const) {
    await saturate(3000, one);
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 128,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    } as never);
    const N = 4000;
    await saturate(N, one);
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
      profile: { head: Node };
    };
    const by = new Map<string, number>();
    let total = 0;
    const walk = (n: Node) => {
      const f = n.callFrame;
      const here = `${f.functionName || '(anon)'} ${f.url.replace(/.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '').replace(/.*\/(packages|bench)\//, '$1/')}:${f.lineNumber}`;
      if (n.selfSize) {
        by.set(here, (by.get(here) ?? 0) + n.selfSize);
        total += n.selfSize;
      }
      for (const c of n.children) walk(c);
    };
    walk(profile.head);
    console.log(`== ${name}: ${(total / N).toFixed(0)} bytes/req`);
    [...by]
      .sort((a, b) => b[1] - a[1])
      .slice(0, Number(process.env.TOP ?? 25))
      .forEach(([k, v]) => console.log(String(Math.round(v / N)).padStart(7), k));
  }
  session.disconnect();
  await client.close();
  server.close();
}
