/**
 * `pnpm bench http`: HTTPClient against a bare `got.stream()` loop, raw got's promise API (same
 * settings), axios, Node's fetch, undici.request and node:http, on one keep-alive loopback server in a child process (so the
 * server does not share the client's event loop), 50 requests in flight.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { got } from 'got';
import { Agent as UndiciAgent, request as undiciRequest } from 'undici';
import { HTTPClient } from '@net/http';
import { compare, median, report, type BenchCase, type ComparisonResult } from '../harness.js';

const IN_FLIGHT = 50;
const GETS_PER_ROUND = 2_500;
const POSTS_PER_ROUND = 200;
const MIB = Buffer.alloc(1024 * 1024, 'a');

// Plain JS so the child needs no loader. GET answers a small JSON body; POST reads the whole
// body and answers its length.
const SERVER = `
const http = require('node:http');
const body = JSON.stringify({ id: 1, name: 'Alice', email: 'alice@example.com', tags: ['a', 'b', 'c'], active: true });
const server = http.createServer((req, res) => {
  if (req.method === 'POST') {
    let n = 0;
    req.on('data', (c) => { n += c.length; });
    req.on('end', () => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ received: n })); });
    return;
  }
  res.setHeader('content-type', 'application/json');
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
process.on('disconnect', () => process.exit(0));
`;

/** The bench server in a child process (so it does not share the client's event loop). */
export async function startBenchServer(): Promise<{ url: string; close(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'net-bench-http-'));
  const script = join(dir, 'server.cjs');
  writeFileSync(script, SERVER);
  const child: ChildProcess = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [port] = (await once(child, 'message')) as [number];
  return {
    url: `http://127.0.0.1:${port}/user`,
    close: () => {
      child.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `total` calls of `one`, `IN_FLIGHT` at a time; resolves with `total`. */
export async function saturate(total: number, one: () => Promise<unknown>): Promise<number> {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return total;
}

function nodeHttp(agent: HttpAgent, url: URL, method: string, body?: Buffer): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method, agent, headers: body ? { 'content-length': body.length } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** HTTPClient against each peer: the median of the per-round ratios (same round, same load). */
function ratioLine(result: ComparisonResult): string {
  const ours = result.results[0]!;
  const parts = result.results.slice(1).map((peer) => {
    const ratio = median(ours.rates.map((rate, i) => rate / peer.rates[i]!));
    return `${peer.name} ${ratio.toFixed(2)}×`;
  });
  return `${result.title} — HTTPClient vs ${parts.join(', ')}`;
}

/**
 * A bare `got.stream()` call buffered by hand: the floor of any client driving got, so
 * HTTPClient's own per-request cost is its distance from this.
 */
function gotStreamLoop(instance: typeof got, url: string, body?: Buffer): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const stream = body ? instance.stream.post(url, { body }) : instance.stream(url);
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    stream.once('error', reject);
  });
}

const ROUNDS = Number(process.env.NET_BENCH_HTTP_ROUNDS ?? 7);

export async function run(): Promise<void> {
  const server = await startBenchServer();
  try {
    const url = server.url;
    const parsed = new URL(url);

    const client = new HTTPClient({ maxSockets: IN_FLIGHT });
    // Raw got with the client's settings: keep-alive agent, no retries, 30 s request timeout.
    const gotAgent = new HttpAgent({ keepAlive: true, maxSockets: IN_FLIGHT, scheduling: 'lifo' });
    const rawGot = got.extend({
      agent: { http: gotAgent },
      retry: { limit: 0 },
      timeout: { request: 30_000 },
    });
    // The loop gets the same agent settings and no retries (got's stream API never retries a
    // stream that has been read from anyway).
    const loopAgent = new HttpAgent({ keepAlive: true, maxSockets: IN_FLIGHT, scheduling: 'lifo' });
    const loopGot = got.extend({ agent: { http: loopAgent }, retry: { limit: 0 } });
    const axiosAgent = new HttpAgent({ keepAlive: true, maxSockets: IN_FLIGHT });
    const ax = axios.create({ httpAgent: axiosAgent, timeout: 30_000 });
    const undici = new UndiciAgent({ connections: IN_FLIGHT });
    const nodeAgent = new HttpAgent({ keepAlive: true, maxSockets: IN_FLIGHT });

    const getCases: Record<string, BenchCase> = {
      HTTPClient: () => saturate(GETS_PER_ROUND, async () => (await client.get(url)).json()),
      'got.stream loop': () => saturate(GETS_PER_ROUND, () => gotStreamLoop(loopGot, url)),
      'raw got': () => saturate(GETS_PER_ROUND, () => rawGot(url).json()),
      axios: () => saturate(GETS_PER_ROUND, async () => (await ax.get(url)).data),
      fetch: () => saturate(GETS_PER_ROUND, async () => (await fetch(url)).json()),
      'undici.request': () =>
        saturate(GETS_PER_ROUND, async () =>
          (await undiciRequest(url, { dispatcher: undici })).body.json(),
        ),
      'node:http': () => saturate(GETS_PER_ROUND, () => nodeHttp(nodeAgent, parsed, 'GET')),
    };
    const postCases: Record<string, BenchCase> = {
      HTTPClient: () =>
        saturate(POSTS_PER_ROUND, async () => (await client.post(url, { body: MIB })).json()),
      'got.stream loop': () => saturate(POSTS_PER_ROUND, () => gotStreamLoop(loopGot, url, MIB)),
      'raw got': () => saturate(POSTS_PER_ROUND, () => rawGot.post(url, { body: MIB }).json()),
      axios: () =>
        saturate(
          POSTS_PER_ROUND,
          async () =>
            (await ax.post(url, MIB, { headers: { 'content-type': 'application/octet-stream' } }))
              .data,
        ),
      fetch: () =>
        saturate(POSTS_PER_ROUND, async () =>
          (await fetch(url, { method: 'POST', body: MIB })).json(),
        ),
      'undici.request': () =>
        saturate(POSTS_PER_ROUND, async () =>
          (await undiciRequest(url, { method: 'POST', body: MIB, dispatcher: undici })).body.json(),
        ),
      'node:http': () => saturate(POSTS_PER_ROUND, () => nodeHttp(nodeAgent, parsed, 'POST', MIB)),
    };

    const results = [
      await compare({
        title: `GET small JSON (parsed), ${IN_FLIGHT} in flight, keep-alive`,
        unit: 'req',
        cases: getCases,
        baseline: 'raw got',
        rounds: ROUNDS,
      }),
      await compare({
        title: `POST 1 MiB body, ${IN_FLIGHT} in flight, keep-alive`,
        unit: 'req',
        cases: postCases,
        baseline: 'raw got',
        rounds: ROUNDS,
      }),
    ];
    report('http', results);
    for (const result of results) console.log(ratioLine(result));
    await client.close();
    gotAgent.destroy();
    loopAgent.destroy();
    axiosAgent.destroy();
    nodeAgent.destroy();
    await undici.close();
  } finally {
    server.close();
  }
}
