/**
 * `pnpm bench http-profile`: HTTPClient alone, small-JSON GETs for a fixed time, against the
 * same child-process server as the http suite — the workload to profile:
 *
 *   cd bench && node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx \
 *     --conditions=@net/source src/run.ts http-profile
 *
 * (`NET_BENCH_PROFILE_CLIENT=got-stream` profiles the bare got.stream() loop instead.)
 */
import { Agent as HttpAgent } from 'node:http';
import { got } from 'got';
import { HTTPClient } from '@net/http';
import { saturate, startBenchServer } from './http.js';

const SECONDS = Number(process.env.NET_BENCH_PROFILE_SECONDS ?? 8);

export async function run(): Promise<void> {
  const server = await startBenchServer();
  const client = new HTTPClient({ maxSockets: 50 });
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 50, scheduling: 'lifo' });
  const loop = got.extend({ agent: { http: agent }, retry: { limit: 0 } });
  const useGot = process.env.NET_BENCH_PROFILE_CLIENT === 'got-stream';
  const one = useGot
    ? () =>
        new Promise((resolve, reject) => {
          const stream = loop.stream(server.url);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.once('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
          stream.once('error', reject);
        })
    : async () => (await client.get(server.url)).json();
  try {
    const until = performance.now() + SECONDS * 1000;
    let done = 0;
    const started = performance.now();
    while (performance.now() < until) done += await saturate(2_000, one);
    const rate = done / ((performance.now() - started) / 1000);
    console.log(`${useGot ? 'got.stream loop' : 'HTTPClient'}: ${Math.round(rate)} req/s`);
  } finally {
    await client.close();
    agent.destroy();
    server.close();
  }
}
