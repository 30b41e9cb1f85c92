import { ConnectionError, HTTPError, NetworkTimeoutError, RateLimitError } from '@net/errors';
import { readBody, startHttpServer } from '@net/test-utils';
import { startMisbehavingServer } from '@net/test-utils/http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { engineOf } from '../src/http-client.js';
import { HTTPClient } from '../src/index.js';
import { runWithRetries, type AttemptOutcome } from '../src/retry-loop.js';
import { prepareCall } from '../src/request-options.js';
import { resolveOptions } from '../src/options.js';

// Tiny back-off so real-server tests stay fast; the arithmetic itself is tested in retry-policy.
const fast = { baseDelay: 2, maxDelay: 5 };

function failing(status: number, headers: Record<string, string> = {}) {
  return startHttpServer((_req, res) => {
    res.writeHead(status, headers);
    res.end(`status ${status}`);
  });
}

describe('retries', () => {
  it.each([0, 1, 3])('maxRetries %i makes exactly N+1 attempts', async (maxRetries) => {
    await using server = await failing(503);
    await using client = new HTTPClient({ maxRetries, retry: fast });
    const err = await client.get(server.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HTTPError);
    expect((err as HTTPError).statusCode).toBe(503);
    expect(server.requests).toHaveLength(maxRetries + 1);
  });

  it.each([408, 413, 429, 500, 502, 503, 504])('retries status %i', async (status) => {
    await using server = await failing(status);
    await using client = new HTTPClient({ maxRetries: 1, retry: fast });
    await expect(client.get(server.url)).rejects.toBeInstanceOf(HTTPError);
    expect(server.requests).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 409, 422, 501])('does not retry status %i', async (status) => {
    await using server = await failing(status);
    await using client = new HTTPClient({ maxRetries: 3, retry: fast });
    await expect(client.get(server.url)).rejects.toMatchObject({ statusCode: status });
    expect(server.requests).toHaveLength(1);
  });

  it.each(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE'])('retries %s', async (method) => {
    await using server = await failing(500);
    await using client = new HTTPClient({ maxRetries: 2, retry: fast });
    await expect(client.request(method, server.url)).rejects.toBeInstanceOf(HTTPError);
    expect(server.requests).toHaveLength(3);
  });

  it.each(['POST', 'PATCH'])('never retries %s without an idempotency key', async (method) => {
    await using server = await failing(503);
    await using client = new HTTPClient({ maxRetries: 3, retry: fast });
    await expect(client.request(method, server.url, { json: { a: 1 } })).rejects.toBeInstanceOf(
      HTTPError,
    );
    expect(server.requests).toHaveLength(1);
  });

  it.each(['POST', 'PATCH'])(
    'retries %s with an idempotency key, the same key on every attempt',
    async (method) => {
      const bodies: string[] = [];
      await using server = await startHttpServer(async (req, res) => {
        bodies.push((await readBody(req)).toString());
        res.statusCode = bodies.length < 3 ? 503 : 201;
        res.end('{"created":true}');
      });
      await using client = new HTTPClient({ maxRetries: 3, retry: fast });
      const response = await client.request(method, server.url, {
        json: { a: 1 },
        idempotencyKey: 'key-123',
      });
      expect(response.statusCode).toBe(201);
      expect(response.retryCount).toBe(2);
      expect(server.requests.map((r) => r.headers['idempotency-key'])).toEqual([
        'key-123',
        'key-123',
        'key-123',
      ]);
      expect(bodies).toEqual(['{"a":1}', '{"a":1}', '{"a":1}']);
    },
  );

  it('treats an Idempotency-Key header like the idempotencyKey option', async () => {
    await using server = await failing(503);
    await using client = new HTTPClient({ maxRetries: 2, retry: fast });
    await expect(
      client.post(server.url, { body: 'x', headers: { 'Idempotency-Key': 'k1' } }),
    ).rejects.toBeInstanceOf(HTTPError);
    expect(server.requests.map((r) => r.headers['idempotency-key'])).toEqual(['k1', 'k1', 'k1']);
  });

  it('counts retries in response.retryCount', async () => {
    let n = 0;
    await using server = await startHttpServer((_req, res) => {
      res.statusCode = ++n < 3 ? 502 : 200;
      res.end('ok');
    });
    await using client = new HTTPClient({ maxRetries: 5, retry: fast });
    const response = await client.get(server.url);
    expect(response.retryCount).toBe(2);
    expect(server.requests).toHaveLength(3);
  });

  it('retries a connection closed before the response head', async () => {
    await using peer = await startMisbehavingServer('close-before-headers');
    await using client = new HTTPClient({ maxRetries: 2, retry: fast });
    const err = await client.get(peer.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(peer.requestCount).toBe(3);
  });

  it('retries a reset in the middle of the body when idempotent', async () => {
    await using peer = await startMisbehavingServer('reset-mid-body');
    await using client = new HTTPClient({ maxRetries: 1, retry: fast });
    const err = await client.get(peer.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe('ERR_NET_CONNECTION_RESET');
    expect(peer.requestCount).toBe(2);
  });

  it('does not retry a reset POST', async () => {
    await using peer = await startMisbehavingServer('reset-mid-body');
    await using client = new HTTPClient({ maxRetries: 3, retry: fast });
    await expect(client.post(peer.url, { body: 'x' })).rejects.toBeInstanceOf(ConnectionError);
    expect(peer.requestCount).toBe(1);
  });

  it('does not retry with retry: false', async () => {
    await using server = await failing(503);
    await using client = new HTTPClient({ maxRetries: 3, retry: fast });
    await expect(client.get(server.url, { retry: false })).rejects.toBeInstanceOf(HTTPError);
    expect(server.requests).toHaveLength(1);
  });

  it('returns the last response after retries with throwHttpErrors: false', async () => {
    await using server = await failing(503);
    await using client = new HTTPClient({ maxRetries: 2, retry: fast, throwHttpErrors: false });
    const response = await client.get(server.url);
    expect(response.statusCode).toBe(503);
    expect(response.retryCount).toBe(2);
    expect(server.requests).toHaveLength(3);
  });
});

describe('RateLimit-Reset (when there is no Retry-After)', () => {
  it('waits the reset time of RateLimit-Reset before retrying', async () => {
    let n = 0;
    const times: number[] = [];
    await using server = await startHttpServer((_req, res) => {
      times.push(performance.now());
      if (++n === 1) res.writeHead(429, { 'ratelimit-reset': '1' }).end();
      else res.end('ok');
    });
    await using client = new HTTPClient({ maxRetries: 1, retry: fast });
    expect((await client.get(server.url)).text()).toBe('ok');
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  });

  it('gives RateLimitError.retryAfterMs from RateLimit-Reset or the RateLimit header', async () => {
    await using server = await startHttpServer((req, res) => {
      const headers: Record<string, string> =
        req.url === '/combined'
          ? { ratelimit: '"default";r=0;t=120' }
          : { 'ratelimit-reset': '90' };
      res.writeHead(429, headers).end();
    });
    await using client = new HTTPClient({ maxRetries: 0 });
    const a = await client.get(server.url).catch((e: unknown) => e);
    expect(a).toBeInstanceOf(RateLimitError);
    expect((a as RateLimitError).retryAfterMs).toBe(90_000);
    const b = await client.get(`${server.url}/combined`).catch((e: unknown) => e);
    expect((b as RateLimitError).retryAfterMs).toBe(120_000);
  });
});

describe('Retry-After', () => {
  it('waits the seconds given before retrying', async () => {
    let n = 0;
    const times: number[] = [];
    await using server = await startHttpServer((_req, res) => {
      times.push(performance.now());
      if (++n === 1) res.writeHead(503, { 'retry-after': '1' }).end();
      else res.end('ok');
    });
    await using client = new HTTPClient({ maxRetries: 1, retry: fast });
    const response = await client.get(server.url);
    expect(response.text()).toBe('ok');
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  });

  it('honours an HTTP date', async () => {
    let n = 0;
    await using server = await startHttpServer((_req, res) => {
      // A date in the past means "now": the retry comes at once.
      if (++n === 1)
        res.writeHead(429, { 'retry-after': new Date(Date.now() - 5000).toUTCString() }).end();
      else res.end('ok');
    });
    await using client = new HTTPClient({ maxRetries: 1, retry: fast });
    expect((await client.get(server.url)).retryCount).toBe(1);
  });

  it('throws RateLimitError at once when Retry-After exceeds maxRetryAfter', async () => {
    await using server = await failing(429, { 'retry-after': '120' });
    await using client = new HTTPClient({
      maxRetries: 3,
      retry: { ...fast, maxRetryAfter: 10_000 },
    });
    const err = await client.get(server.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({
      code: 'ERR_NET_RATE_LIMITED',
      retryAfterMs: 120_000,
      statusCode: 429,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('throws RateLimitError at once when Retry-After exceeds the remaining total budget', async () => {
    const date = new Date(Date.now() + 30_000).toUTCString();
    await using server = await failing(503, { 'retry-after': date });
    await using client = new HTTPClient({ maxRetries: 3, retry: fast, timeout: { total: 5_000 } });
    const err = await client.get(server.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfterMs).toBeGreaterThan(25_000);
    expect((err as RateLimitError).statusCode).toBe(503);
    expect(server.requests).toHaveLength(1);
  });

  it('throws RateLimitError for 429 after the last retry', async () => {
    await using server = await failing(429, { 'retry-after': '0' });
    await using client = new HTTPClient({ maxRetries: 2, retry: fast });
    const err = await client.get(server.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfterMs).toBe(0);
    expect(server.requests).toHaveLength(3);
  });
});

describe('Retry-After on other statuses', () => {
  it('keeps HTTPError (not RateLimitError) for a 503 with a short Retry-After after the last retry', async () => {
    await using server = await failing(503, { 'retry-after': '0' });
    await using client = new HTTPClient({ maxRetries: 1, retry: fast });
    const err = await client.get(server.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HTTPError);
    expect(err).not.toBeInstanceOf(RateLimitError);
    expect(server.requests).toHaveLength(2);
  });

  it('keeps HTTPError for a 404 that carries Retry-After', async () => {
    await using server = await failing(404, { 'retry-after': '999' });
    await using client = new HTTPClient({ maxRetries: 1, retry: fast });
    const err = await client.get(server.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HTTPError);
    expect(err).not.toBeInstanceOf(RateLimitError);
  });

  it('resolves the response instead of RateLimitError with throwHttpErrors: false', async () => {
    await using server = await failing(429, { 'retry-after': '3600' });
    await using client = new HTTPClient({ maxRetries: 2, retry: fast, throwHttpErrors: false });
    const response = await client.get(server.url);
    expect(response.statusCode).toBe(429);
    expect(server.requests).toHaveLength(1);
  });
});

describe('time budgets', () => {
  it('fails a stalled server with NetworkTimeoutError phase total, within the total budget', async () => {
    await using peer = await startMisbehavingServer('stall');
    await using client = new HTTPClient({ maxRetries: 5, timeout: { attempt: 200, total: 700 } });
    const started = performance.now();
    const err = await client.get(peer.url).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(err).toBeInstanceOf(NetworkTimeoutError);
    expect(err).toMatchObject({ phase: 'total', timeoutMs: 700 });
    // Generous bound for a loaded 2-core machine; without the total cap this takes 6 × 200 ms + back-off.
    expect(elapsed).toBeLessThan(2_000);
    expect(peer.requestCount).toBeGreaterThanOrEqual(1);
    expect(peer.requestCount).toBeLessThanOrEqual(4);
  });

  it('ends with the last HTTPError when the next back-off does not fit the total budget', async () => {
    await using server = await failing(502);
    await using client = new HTTPClient({
      maxRetries: 5,
      retry: { baseDelay: 5_000, maxDelay: 5_000 },
      timeout: { total: 1_000 },
    });
    engineOf(client).random = () => 0.9;
    const err = await client.get(server.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HTTPError);
    expect((err as HTTPError).statusCode).toBe(502);
    expect(server.requests).toHaveLength(1);
  });

  it('fails one stalled attempt with phase response and the attempt budget', async () => {
    await using peer = await startMisbehavingServer('stall');
    await using client = new HTTPClient({ maxRetries: 0, timeout: 150 });
    const err = await client.get(peer.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkTimeoutError);
    expect(err).toMatchObject({ phase: 'response', timeoutMs: 150, retryable: true });
  });

  it('retries a timed-out attempt when idempotent', async () => {
    await using peer = await startMisbehavingServer('stall');
    await using client = new HTTPClient({ maxRetries: 2, retry: fast, timeout: 100 });
    await expect(client.get(peer.url)).rejects.toBeInstanceOf(NetworkTimeoutError);
    expect(peer.requestCount).toBe(3);
  });
});

describe('runWithRetries back-off timing (fake timers)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sleeps exactly the jittered delay between attempts', async () => {
    vi.useFakeTimers();
    const options = resolveOptions(
      { maxRetries: 2, retry: { baseDelay: 1000, maxDelay: 10_000 } },
      {},
    );
    const call = prepareCall(
      options,
      'GET',
      'http://127.0.0.1:1/',
      {},
      {
        keys: ['headers'],
        maxResponseSize: Infinity,
      },
    );
    const { Response } = await import('../src/response.js');
    const fail = new Response({
      statusCode: 503,
      statusMessage: 'Service Unavailable',
      headers: {},
      url: 'http://127.0.0.1:1/',
      redirectUrls: [],
      body: Buffer.alloc(0),
      retryCount: 0,
      timings: undefined,
      method: 'GET',
    });
    const calls: number[] = [];
    const host = {
      beforeRetry: options.hooks.beforeRetry,
      closing: new AbortController().signal,
      random: () => 0.5,
      secretsOf: () => [],
    };
    const done = runWithRetries<string>(
      host,
      call,
      async (budget): Promise<AttemptOutcome<string>> => {
        calls.push(Date.now());
        return budget.retryCount < 2 ? { status: fail } : { value: 'ok' };
      },
      () => 'settled',
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(499); // first wait: 0.5 × 1000
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(999); // second wait: 0.5 × 2000
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(3);
    await expect(done).resolves.toBe('ok');
  });
});
