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
const MIB = Buffer.alloc(1024 * 1024, 'a');

export async function run(): Promise<void> {
  const server = await startBenchServer();
  const client = new HTTPClient({ maxSockets: 50 });
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 50, scheduling: 'lifo' });
  const loop = got.extend({ agent: { http: agent }, retry: { limit: 0 } });
  const useGot = process.env.NET_BENCH_PROFILE_CLIENT === 'got-stream';
  // NET_BENCH_PROFILE_POST=1: POST 1 MiB bodies instead of small GETs.
  const post = process.env.NET_BENCH_PROFILE_POST === '1';
  const one = useGot
    ? () =>
        new Promise((resolve, reject) => {
          const stream = post
            ? loop.stream.post(server.url, { body: MIB })
            : loop.stream(server.url);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.once('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
          stream.once('error', reject);
        })
    : post
      ? async () => (await client.post(server.url, { body: MIB })).json()
      : async () => (await client.get(server.url)).json();
  try {
    await saturate(post ? 50 : 1_000, one); // warm-up
    const until = performance.now() + SECONDS * 1000;
    let done = 0;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    while (performance.now() < until) done += await saturate(post ? 100 : 2_000, one);
    const cpu = process.cpuUsage(cpuBefore);
    const rate = done / ((performance.now() - started) / 1000);
    // CPU time per request of this process (the server runs in another): far less sensitive to
    // other load on the machine than the request rate.
    const cpuPerRequest = (cpu.user + cpu.system) / done;
    console.log(
      `${useGot ? 'got.stream loop' : 'HTTPClient'}: ${Math.round(rate)} req/s, ${cpuPerRequest.toFixed(0)} µs CPU per request`,
    );
  } finally {
    await client.close();
    agent.destroy();
    server.close();
  }
}
