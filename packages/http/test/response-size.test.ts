import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ProtocolError } from '@net/errors';
import { startHttpServer } from '@net/test-utils';
import { describe, expect, it } from 'vitest';
import { HTTPClient } from '../src/index.js';

// 256 MiB of zeros gzip to ~250 KiB: a small "bomb" that inflates far past any limit here.
const INFLATED = 256 * 1024 * 1024;
let bomb: Buffer | undefined;
function gzipBomb(): Buffer {
  bomb ??= gzipSync(Buffer.alloc(INFLATED), { level: 9 });
  return bomb;
}

async function bombServer() {
  return startHttpServer((_req, res) => {
    const body = gzipBomb();
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': body.length }).end(body);
  });
}

describe('maxResponseSize', () => {
  it('stops a gzip bomb at 64 MiB by default for buffered calls, with ProtocolError', async () => {
    await using server = await bombServer();
    await using client = new HTTPClient();
    expect(HTTPClient.defaults.maxResponseSize).toBe(64 * 1024 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const err = await client.get(server.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as Error).message).toContain('maxResponseSize (67108864 bytes)');
    expect(err).toMatchObject({ code: 'ERR_NET_TOO_LARGE', limit: 67108864 });
    // Never the whole 256 MiB (loose: the GC decides when the discarded chunks go).
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
  }, 30_000);

  it('honours a smaller limit per call, and Infinity to lift it', async () => {
    await using server = await startHttpServer((_req, res) => void res.end(Buffer.alloc(5000)));
    await using client = new HTTPClient({ maxResponseSize: 4096 });
    await expect(client.get(server.url)).rejects.toBeInstanceOf(ProtocolError);
    expect((await client.get(server.url, { maxResponseSize: Infinity })).body.length).toBe(5000);
    expect((await client.get(server.url, { maxResponseSize: 5000 })).body.length).toBe(5000);
  });

  it('refuses an announced Content-Length past the limit before reading the body', async () => {
    let written = 0;
    await using server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-length': 200 * 1024 * 1024 });
      const chunk = Buffer.alloc(64 * 1024);
      const pump = () => {
        while (written < 200 * 1024 * 1024 && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      res.once('close', () => (written = Math.min(written, 200 * 1024 * 1024)));
      pump();
    });
    await using client = new HTTPClient({ maxResponseSize: 1024 * 1024, maxRetries: 0 });
    await expect(client.get(server.url)).rejects.toBeInstanceOf(ProtocolError);
    expect(written).toBeLessThan(50 * 1024 * 1024);
  });

  it('leaves stream() unlimited by default, and limits it when asked', async () => {
    // Chunked, so no Content-Length announces the size: the limit trips on the bytes.
    await using server = await startHttpServer((_req, res) => {
      for (let i = 0; i < 30; i++) res.write(Buffer.alloc(10_000));
      res.end();
    });
    await using client = new HTTPClient({ maxResponseSize: 1000 });
    const open = await client.stream(server.url);
    let size = 0;
    for await (const chunk of open.body) size += (chunk as Buffer).length;
    expect(size).toBe(300_000);
    const limited = await client.stream(server.url, { maxResponseSize: 100_000 });
    let seen = 0;
    const err = await (async () => {
      for await (const chunk of limited.body) seen += (chunk as Buffer).length;
    })().catch((e: unknown) => e);
    expect(err instanceof ProtocolError).toBe(true);
    expect(seen).toBeLessThanOrEqual(100_000 + 65_536);
  });

  it('refuses a stream() whose Content-Length is past its limit at the head', async () => {
    await using server = await startHttpServer((_req, res) => void res.end(Buffer.alloc(300_000)));
    await using client = new HTTPClient();
    const err = await client
      .stream(server.url, { maxResponseSize: 100_000 })
      .catch((e: unknown) => e);
    expect(err instanceof ProtocolError).toBe(true);
  });

  it('stops download() of a gzip bomb at its limit and leaves no file', async () => {
    await using server = await bombServer();
    await using client = new HTTPClient();
    const dir = await mkdtemp(join(tmpdir(), 'net-http-size-'));
    try {
      const err = await client
        .download(server.url, join(dir, 'out.bin'), { maxResponseSize: 8 * 1024 * 1024 })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProtocolError);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
