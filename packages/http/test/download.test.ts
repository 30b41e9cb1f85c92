import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionError, HTTPError } from '@net/errors';
import { startHttpServer } from '@net/test-utils';
import { startMisbehavingServer } from '@net/test-utils/http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HTTPClient, type Progress } from '../src/index.js';

const payload = Buffer.alloc(3 * 1024 * 1024 + 17, 'z');
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'net-http-download-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('download()', () => {
  it('writes the body to the destination and reports progress', async () => {
    await using server = await startHttpServer((_req, res) => {
      res.setHeader('content-length', payload.length);
      res.end(payload);
    });
    await using client = new HTTPClient();
    const progress: Progress[] = [];
    const dest = join(dir, 'file.bin');
    const result = await client.download(`${server.url}/file`, dest, {
      onProgress: (p) => progress.push({ ...p }),
    });
    expect(result).toMatchObject({
      path: dest,
      bytes: payload.length,
      statusCode: 200,
      retryCount: 0,
    });
    expect((await readFile(dest)).equals(payload)).toBe(true);
    expect(progress.at(-1)).toMatchObject({
      percent: 1,
      transferred: payload.length,
      total: payload.length,
    });
    expect(progress.length).toBeGreaterThan(2);
    expect(await readdir(dir)).toEqual(['file.bin']);
  });

  it('leaves no file and no temporary file when the server dies mid-body', async () => {
    await using peer = await startMisbehavingServer('reset-mid-body');
    await using client = new HTTPClient({ maxRetries: 1, retry: { baseDelay: 1 } });
    const dest = join(dir, 'broken.bin');
    const err = await client.download(peer.url, dest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(peer.requestCount).toBe(2); // a GET download is retried
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves an existing destination untouched when the download fails', async () => {
    await using peer = await startMisbehavingServer('short-body');
    await using client = new HTTPClient({ maxRetries: 0 });
    const dest = join(dir, 'keep.txt');
    await import('node:fs/promises').then((fs) => fs.writeFile(dest, 'previous version'));
    await expect(client.download(peer.url, dest)).rejects.toBeInstanceOf(ConnectionError);
    expect(await readFile(dest, 'utf8')).toBe('previous version');
    expect(await readdir(dir)).toEqual(['keep.txt']);
  });

  it('keeps the mode of the file it replaces; a new file gets the default', async () => {
    await using server = await startHttpServer((_req, res) => void res.end('new contents'));
    await using client = new HTTPClient();
    const dest = join(dir, 'secret.txt');
    await writeFile(dest, 'old', { mode: 0o600 });
    await chmod(dest, 0o600);
    await client.download(server.url, dest);
    expect(await readFile(dest, 'utf8')).toBe('new contents');
    expect((await stat(dest)).mode & 0o777).toBe(0o600);
    const fresh = join(dir, 'fresh.txt');
    await client.download(server.url, fresh);
    expect((await stat(fresh)).mode & 0o777).toBe(0o666 & ~process.umask());
  });

  it('throws HTTPError on 404 and writes nothing', async () => {
    await using server = await startHttpServer((_req, res) => void res.writeHead(404).end('nope'));
    await using client = new HTTPClient();
    const err = await client.download(server.url, join(dir, 'x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HTTPError);
    expect((err as HTTPError).body).toBe('nope');
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects a bad path before any request', async () => {
    await using server = await startHttpServer();
    await using client = new HTTPClient();
    await expect(client.download(server.url, '')).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    expect(server.requests).toHaveLength(0);
  });
});

describe('stream()', () => {
  it('resolves at the response head and streams the body', async () => {
    await using server = await startHttpServer((_req, res) => {
      res.setHeader('x-kind', 'big');
      res.end(payload);
    });
    await using client = new HTTPClient();
    const response = await client.stream(server.url);
    expect(response).toMatchObject({ statusCode: 200, ok: true, retryCount: 0 });
    expect(response.headers['x-kind']).toBe('big');
    let size = 0;
    for await (const chunk of response.body) size += (chunk as Buffer).length;
    expect(size).toBe(payload.length);
  });

  it('rejects with HTTPError before streaming an error status', async () => {
    await using server = await startHttpServer((_req, res) => void res.writeHead(500).end('boom'));
    await using client = new HTTPClient({ maxRetries: 1, retry: { baseDelay: 1 } });
    const err = await client.stream(server.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HTTPError);
    expect((err as HTTPError).body).toBe('boom');
    expect(server.requests).toHaveLength(2);
  });

  it('ends the body stream with ConnectionError when the peer resets mid-body', async () => {
    await using peer = await startMisbehavingServer('reset-mid-body');
    await using client = new HTTPClient();
    const response = await client.stream(peer.url);
    const err = await (async () => {
      for await (const _ of response.body) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
  });

  it('reports upload and download progress', async () => {
    await using server = await startHttpServer(async (req, res) => {
      let n = 0;
      for await (const c of req) n += (c as Buffer).length;
      res.end(Buffer.alloc(n));
    });
    await using client = new HTTPClient();
    const up: number[] = [];
    const down: number[] = [];
    const response = await client.put(server.url, {
      body: payload,
      onUploadProgress: (p) => up.push(p.transferred),
      onDownloadProgress: (p) => down.push(p.transferred),
    });
    expect(response.body.length).toBe(payload.length);
    expect(up.at(-1)).toBe(payload.length);
    expect(down.at(-1)).toBe(payload.length);
  });
});

describe('download() disk errors', () => {
  it('passes a disk error through unmapped and cleans up', async () => {
    await using server = await startHttpServer();
    await using client = new HTTPClient();
    const err = await client
      .download(server.url, join(dir, 'no-such-dir', 'f'))
      .catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(await readdir(dir)).toEqual([]);
  });
});
