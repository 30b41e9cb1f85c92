import { startHttpServer } from '@net/test-utils';
import { describe, expect, it } from 'vitest';
import { HTTPClient } from '../src/index.js';

describe('bad input is refused before any I/O', () => {
  it.each([
    [
      'a malformed URL',
      (c: HTTPClient) => c.get('http://exa mple:99999/'),
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'a port out of range',
      (c: HTTPClient) => c.get('http://127.0.0.1:99999/'),
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    ['an empty host', (c: HTTPClient) => c.get('http://:80/'), TypeError, 'ERR_INVALID_ARG_VALUE'],
    [
      'a relative URL without baseUrl',
      (c: HTTPClient) => c.get('/path'),
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'a non-http protocol',
      (c: HTTPClient) => c.get('file:///etc/passwd'),
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'an unknown method',
      (c: HTTPClient) => c.request('FETCH', 'http://127.0.0.1/'),
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'CONNECT',
      (c: HTTPClient) => c.request('CONNECT', 'http://127.0.0.1/'),
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'a header value with CR/LF',
      (c: HTTPClient) => c.get('http://127.0.0.1/', { headers: { 'x-a': 'v\r\nX-Injected: 1' } }),
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'a header value with LF',
      (c: HTTPClient) => c.get('http://127.0.0.1/', { headers: { 'x-a': 'v\nb' } }),
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'a bad header name',
      (c: HTTPClient) => c.get('http://127.0.0.1/', { headers: { 'bad name': 'v' } }),
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'a negative timeout',
      (c: HTTPClient) => c.get('http://127.0.0.1/', { timeout: -1 }),
      RangeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'a negative total budget',
      (c: HTTPClient) => c.get('http://127.0.0.1/', { timeout: { total: -5 } }),
      RangeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'a string timeout',
      (c: HTTPClient) => c.get('http://127.0.0.1/', { timeout: '10' as never }),
      TypeError,
      'ERR_INVALID_ARG_TYPE',
    ],
    [
      'a fractional maxRetries',
      (c: HTTPClient) => c.get('http://127.0.0.1/', { maxRetries: 1.5 }),
      RangeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'a body on GET',
      (c: HTTPClient) => c.get('http://127.0.0.1/', { body: 'x' }),
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'two bodies',
      (c: HTTPClient) => c.post('http://127.0.0.1/', { body: 'x', json: {} }),
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'a number body',
      (c: HTTPClient) => c.post('http://127.0.0.1/', { body: 42 as never }),
      TypeError,
      'ERR_INVALID_ARG_TYPE',
    ],
    [
      'an idempotency key with CR/LF',
      (c: HTTPClient) => c.post('http://127.0.0.1/', { idempotencyKey: 'a\r\nb' }),
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'a misspelt per-call option (idempotencykey), which would silently not retry',
      (c: HTTPClient) => c.post('http://127.0.0.1/', { idempotencykey: 'k' } as never),
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'a misspelt stream() option',
      (c: HTTPClient) => c.stream('http://127.0.0.1/', { mehtod: 'POST' } as never),
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'a misspelt download() option',
      (c: HTTPClient) => c.download('http://127.0.0.1/', '/tmp/x', { onProgres: () => 1 } as never),
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'a misspelt nested timeout key in a call',
      (c: HTTPClient) => c.get('http://127.0.0.1/', { timeout: { totl: 5 } } as never),
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'a non-signal signal',
      (c: HTTPClient) => c.get('http://127.0.0.1/', { signal: {} as never }),
      TypeError,
      'ERR_INVALID_ARG_TYPE',
    ],
  ])('rejects %s', async (_name, call, type, code) => {
    await using client = new HTTPClient();
    let promise: Promise<unknown> | undefined;
    // Never a synchronous throw from a promise-returning method.
    expect(() => {
      promise = call(client);
    }).not.toThrow();
    const err = await promise!.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as { code?: string }).code).toBe(code);
  });

  it('sends nothing for any of them', async () => {
    await using server = await startHttpServer();
    await using client = new HTTPClient();
    await client.get(server.url, { headers: { 'x-a': 'a\r\nb' } }).catch(() => undefined);
    await client.request('BREW', server.url).catch(() => undefined);
    await client.get(server.url, { timeout: -1 }).catch(() => undefined);
    await client.get(`${server.url.replace(/:\d+$/, ':99999')}/`).catch(() => undefined);
    expect(server.requests).toHaveLength(0);
  });

  it('names the closest known key', async () => {
    await using client = new HTTPClient();
    const err = await client
      .post('http://127.0.0.1/', { idempotencykey: 'k' } as never)
      .catch((e: unknown) => e);
    expect((err as Error).message).toContain("Did you mean 'idempotencyKey'?");
    expect(() => new HTTPClient({ timout: 5 } as never)).toThrow("Did you mean 'timeout'?");
  });

  it('accepts 0 and Infinity as "no limit" (the @net timeout convention)', () => {
    expect(() => new HTTPClient({ timeout: 0 })).not.toThrow();
    expect(() => new HTTPClient({ timeout: { attempt: Infinity, total: 0 } })).not.toThrow();
  });

  it('does not echo a header value that may be a credential', async () => {
    await using client = new HTTPClient();
    const err = await client
      .get('http://127.0.0.1/', { headers: { authorization: 'Bearer sekrit\r\n' } })
      .catch((e: unknown) => e);
    expect((err as Error).message).not.toContain('sekrit');
  });

  it.each([
    ['negative timeout', { timeout: -1 }, RangeError],
    ['NaN attempt timeout', { timeout: { attempt: NaN } }, RangeError],
    ['a misspelt option', { timout: 5 }, TypeError],
    ['a misspelt nested option', { retry: { baseDelai: 5 } }, TypeError],
    ['a misspelt timeout key', { timeout: { atempt: 5 } }, TypeError],
    ['a misspelt tls key', { tls: { rejectUnauthorised: false } }, TypeError],
    ['a misspelt hook name', { hooks: { beforeRequests: [] } }, TypeError],
    ['a misspelt proxy key', { proxy: { noproxy: 'x' } }, TypeError],
    ['negative maxRetries', { maxRetries: -1 }, RangeError],
    ['bad baseUrl', { baseUrl: 'not a url' }, TypeError],
    ['header with CR/LF', { headers: { a: 'b\rc' } }, TypeError],
    ['hooks that are not functions', { hooks: { beforeRequest: ['x'] } }, TypeError],
    ['a proxy that is a number', { proxy: 42 }, TypeError],
  ])('the constructor throws on %s', (_name, options, type) => {
    expect(() => new HTTPClient(options as never)).toThrow(type);
  });
});
