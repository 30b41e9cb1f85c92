import { getEventListeners } from 'node:events';
import { Readable } from 'node:stream';
import { readBody, snapshotHandles, expectNoLeakedHandles, startHttpServer } from '@net/test-utils';
import { HTTPError, ProtocolError, RateLimitError } from '@net/errors';
import { describe, expect, it } from 'vitest';
import { HTTPClient, Response, getHttpClient } from '../src/index.js';

describe('HTTPClient', () => {
  it('GETs JSON and fills every Response field', async () => {
    await using server = await startHttpServer();
    await using client = new HTTPClient();
    const response = await client.get(`${server.url}/a?x=1`);
    expect(response).toBeInstanceOf(Response);
    expect(response.statusCode).toBe(200);
    expect(response.statusMessage).toBe('OK');
    expect(response.ok).toBe(true);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.url).toBe(`${server.url}/a?x=1`);
    expect(response.redirectUrls).toEqual([]);
    expect(response.retryCount).toBe(0);
    expect(response.timings?.phases.total).toBeGreaterThanOrEqual(0);
    expect(Buffer.isBuffer(response.body)).toBe(true);
    expect(response.json()).toEqual({ ok: true });
    expect(response.text()).toBe('{"ok":true}');
  });

  it.each(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'])(
    'sends %s',
    async (method) => {
      await using server = await startHttpServer((req, res) => {
        res.setHeader('x-method', req.method ?? '');
        res.end(req.method === 'HEAD' ? undefined : 'done');
      });
      await using client = new HTTPClient();
      const response = await client.request(method.toLowerCase(), server.url);
      expect(server.requests[0]?.method).toBe(method);
      expect(response.headers['x-method']).toBe(method);
      expect(response.text()).toBe(method === 'HEAD' ? '' : 'done');
    },
  );

  it('has a shortcut per method', async () => {
    await using server = await startHttpServer((req, res) => void res.end(req.method));
    await using client = new HTTPClient();
    const seen = [
      await client.get(server.url),
      await client.head(server.url),
      await client.post(server.url),
      await client.put(server.url),
      await client.patch(server.url),
      await client.delete(server.url),
      await client.options(server.url),
    ].map((r) => r.text());
    expect(seen).toEqual(['GET', '', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
  });

  it('sends JSON, form, Buffer and stream bodies', async () => {
    await using server = await startHttpServer(async (req, res) => {
      const body = await readBody(req);
      res.end(JSON.stringify({ type: req.headers['content-type'] ?? null, body: body.toString() }));
    });
    await using client = new HTTPClient();
    expect((await client.post(server.url, { json: { name: 'Alice' } })).json()).toEqual({
      type: 'application/json',
      body: '{"name":"Alice"}',
    });
    expect((await client.post(server.url, { form: { a: 1, b: 'x y' } })).json()).toEqual({
      type: 'application/x-www-form-urlencoded',
      body: 'a=1&b=x+y',
    });
    expect((await client.put(server.url, { body: Buffer.from('raw bytes') })).json()).toMatchObject(
      { body: 'raw bytes' },
    );
    expect(
      (
        await client.put(server.url, {
          body: Readable.from([Buffer.from('str'), Buffer.from('eam')]),
        })
      ).json(),
    ).toMatchObject({
      body: 'stream',
    });
  });

  it('appends searchParams and resolves paths against baseUrl', async () => {
    await using server = await startHttpServer((req, res) => void res.end(req.url));
    await using client = new HTTPClient({ baseUrl: `${server.url}/api` });
    expect((await client.get('users', { searchParams: { page: 2, q: 'a b' } })).text()).toBe(
      '/api/users?page=2&q=a+b',
    );
    expect(
      (await client.get('/users/1', { searchParams: new URLSearchParams('x=1') })).text(),
    ).toBe('/api/users/1?x=1');
    expect((await client.get(`${server.url}/abs`)).text()).toBe('/abs');
  });

  it('accepts URL objects and non-ASCII paths', async () => {
    await using server = await startHttpServer((req, res) => void res.end(req.url));
    await using client = new HTTPClient();
    expect((await client.get(new URL(`${server.url}/u?x=1`))).text()).toBe('/u?x=1');
    expect((await client.get(`${server.url}/caf\u00e9 au lait`)).text()).toBe(
      '/caf%C3%A9%20au%20lait',
    );
  });

  it('merges headers: client defaults below the request', async () => {
    await using server = await startHttpServer(
      (req, res) => void res.end(JSON.stringify(req.headers)),
    );
    await using client = new HTTPClient({ headers: { 'X-A': 'client', 'x-b': 'client' } });
    const headers = (
      await client.get(server.url, { headers: { 'x-b': 'request', 'x-c': 'request' } })
    ).json<Record<string, string>>();
    expect(headers).toMatchObject({ 'x-a': 'client', 'x-b': 'request', 'x-c': 'request' });
  });

  it('throws HTTPError with status, method, redacted URL and a body snippet', async () => {
    await using server = await startHttpServer((_req, res) => {
      res.statusCode = 404;
      res.end('x'.repeat(5000));
    });
    await using client = new HTTPClient();
    const err = await client.get(`${server.url}/missing?token=abc`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HTTPError);
    expect(err).toMatchObject({
      statusCode: 404,
      statusMessage: 'Not Found',
      method: 'GET',
      code: 'ERR_NET_HTTP_STATUS',
    });
    const httpErr = err as HTTPError;
    expect(httpErr.url).toBe(`${server.url}/missing?token=[REDACTED]`);
    expect(httpErr.body).toHaveLength(1024);
    expect(httpErr.message).toBe(
      `Request failed with status code 404 Not Found: GET ${server.url}/missing?token=[REDACTED]`,
    );
    expect((httpErr.response as Response).statusCode).toBe(404);
  });

  it('resolves 4xx/5xx as a Response with throwHttpErrors: false', async () => {
    await using server = await startHttpServer((_req, res) => {
      res.statusCode = 418;
      res.end('teapot');
    });
    await using client = new HTTPClient({ throwHttpErrors: false });
    const response = await client.get(server.url);
    expect(response.statusCode).toBe(418);
    expect(response.ok).toBe(false);
    expect(response.text()).toBe('teapot');
  });

  it('rejects bad JSON with ProtocolError carrying a snippet', async () => {
    await using server = await startHttpServer((_req, res) => void res.end('{"not json'));
    await using client = new HTTPClient();
    const response = await client.get(server.url);
    expect(() => response.json()).toThrow(ProtocolError);
    try {
      response.json();
    } catch (err) {
      expect((err as ProtocolError).snippet).toBe('{"not json');
      expect((err as ProtocolError).cause).toBeInstanceOf(SyntaxError);
    }
  });

  it('turns 429 into RateLimitError', async () => {
    await using server = await startHttpServer((_req, res) => {
      res.statusCode = 429;
      res.end();
    });
    await using client = new HTTPClient({ maxRetries: 0 });
    await expect(client.get(server.url)).rejects.toBeInstanceOf(RateLimitError);
  });

  it('releases its listeners on a reused AbortSignal after each call, keeping the socket', async () => {
    await using server = await startHttpServer(
      (req, res) => void res.end(String(req.socket.remotePort)),
    );
    await using client = new HTTPClient();
    const controller = new AbortController();
    const ports = new Set<string>();
    for (let i = 0; i < 20; i++)
      ports.add((await client.get(server.url, { signal: controller.signal })).text());
    const stream = await client.stream(server.url, { signal: controller.signal });
    for await (const chunk of stream.body) ports.add(String(chunk));
    await new Promise((resolve) => setImmediate(resolve));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // The cleanup does not cost keep-alive: one socket served all 21 calls.
    expect(ports.size).toBe(1);
  });

  it('leaves no sockets or timers after close()', async () => {
    await using server = await startHttpServer();
    const before = snapshotHandles();
    const client = new HTTPClient();
    await Promise.all(Array.from({ length: 5 }, () => client.get(server.url)));
    await client.close();
    await expectNoLeakedHandles(before);
  });

  it('shares one default client and replaces it after close', async () => {
    const a = getHttpClient();
    expect(getHttpClient()).toBe(a);
    await a.close();
    const b = getHttpClient();
    expect(b).not.toBe(a);
    await b.close();
  });
});

describe('redirects', () => {
  it('follows a same-origin redirect keeping Authorization and records redirectUrls', async () => {
    await using server = await startHttpServer((req, res) => {
      if (req.url === '/old') res.writeHead(301, { location: '/new' }).end();
      else res.end(req.headers.authorization ?? 'none');
    });
    await using client = new HTTPClient();
    const response = await client.get(`${server.url}/old`, {
      headers: { authorization: 'Bearer t' },
    });
    expect(response.text()).toBe('Bearer t');
    expect(response.url).toBe(`${server.url}/new`);
    expect(response.redirectUrls).toEqual([`${server.url}/new`]);
  });

  it('drops Authorization and Cookie on a cross-origin redirect', async () => {
    await using other = await startHttpServer(
      (req, res) =>
        void res.end(
          JSON.stringify({
            authorization: req.headers.authorization ?? null,
            cookie: req.headers.cookie ?? null,
          }),
        ),
    );
    await using server = await startHttpServer(
      (_req, res) => void res.writeHead(302, { location: `${other.url}/landing` }).end(),
    );
    await using client = new HTTPClient();
    const response = await client.get(server.url, {
      headers: { authorization: 'Bearer secret', cookie: 'sid=secret' },
    });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer secret');
    expect(response.json()).toEqual({ authorization: null, cookie: null });
  });

  it('does not follow with followRedirects: false', async () => {
    await using server = await startHttpServer(
      (_req, res) => void res.writeHead(302, { location: '/x' }).end(),
    );
    await using client = new HTTPClient({ followRedirects: false });
    const response = await client.get(server.url);
    expect(response.statusCode).toBe(302);
    expect(server.requests).toHaveLength(1);
  });
});
