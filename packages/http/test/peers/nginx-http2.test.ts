import { testCertificates } from '@net/test-utils';
import { hasNginx, startNginx } from '@net/test-utils/http';
import { describe, expect, it } from 'vitest';
import { HTTPClient } from '../../src/index.js';

const skip = !hasNginx();
if (skip)
  console.log(
    'nginx tests skipped: /usr/sbin/nginx is not installed (scripts/setup.sh installs it)',
  );

/** Runs `total` calls of `call`, at most `concurrency` at a time; returns how each settled. */
async function load<T>(total: number, concurrency: number, call: (i: number) => Promise<T>) {
  const results: PromiseSettledResult<T>[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        results[i] = await call(i).then(
          (value) => ({ status: 'fulfilled', value }) as const,
          (reason: unknown) => ({ status: 'rejected', reason }) as const,
        );
      }
    }),
  );
  return results;
}

describe.skipIf(skip)('HTTP/2 against nginx rotating connections (GOAWAY)', () => {
  it('completes 600 GETs and POSTs, 50 in flight, with keepalive_requests 5', async () => {
    await using nginx = await startNginx({ keepaliveRequests: 5 });
    await using client = new HTTPClient({
      http2: true,
      tls: { ca: testCertificates().ca },
      // Refused streams must not be counted as failed attempts: with no retries at all, every
      // call still has to succeed.
      maxRetries: 0,
    });
    const results = await load(600, 50, (i) =>
      i % 3 === 0
        ? client.post(`${nginx.httpsUrl}/json`, { json: { i } })
        : client.get(`${nginx.httpsUrl}/json`),
    );
    const failures = results.filter((r) => r.status === 'rejected');
    expect(failures.map((f) => String(f.reason)).slice(0, 3)).toEqual([]);
    for (const r of results) {
      const response = (r as PromiseFulfilledResult<Awaited<ReturnType<HTTPClient['get']>>>).value;
      expect(response.json()).toEqual({ ok: true, server: 'nginx' });
      expect(response.retryCount).toBe(0);
    }
  }, 120_000);

  it('speaks HTTP/2 to nginx and decodes its gzip', async () => {
    await using nginx = await startNginx();
    const ca = testCertificates().ca;
    await using client = new HTTPClient({ http2: true, tls: { ca } });
    expect((await client.get(`${nginx.httpsUrl}/json`)).json()).toEqual({
      ok: true,
      server: 'nginx',
    });
    // The same body undecoded is gzip, so the decoding above was real.
    await using raw = new HTTPClient({
      http2: true,
      decompress: false,
      tls: { ca },
      headers: { 'accept-encoding': 'gzip' },
    });
    const encoded = await raw.get(`${nginx.httpsUrl}/json`);
    expect(encoded.headers['content-encoding']).toBe('gzip');
    expect(encoded.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it('serves a large static file over HTTP/1.1 and HTTP/2 intact', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32BE(i, i);
    await using nginx = await startNginx({ files: { 'big.bin': big } });
    const ca = testCertificates().ca;
    await using h2 = new HTTPClient({ http2: true, tls: { ca } });
    await using h1 = new HTTPClient({ tls: { ca } });
    expect((await h2.get(`${nginx.httpsUrl}/big.bin`)).body.equals(big)).toBe(true);
    expect((await h1.get(`${nginx.httpUrl}/big.bin`)).body.equals(big)).toBe(true);
  });

  it("retries nginx's `return 503` and reports HTTPError 503 after the retries", async () => {
    await using nginx = await startNginx();
    await using client = new HTTPClient({ maxRetries: 2, retry: { baseDelay: 1, maxDelay: 2 } });
    const err = await client.get(`${nginx.httpUrl}/status/503`).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'HTTPError', statusCode: 503, code: 'ERR_NET_HTTP_STATUS' });
    expect((err as { response: { retryCount: number } }).response.retryCount).toBe(2);
  });
});
