import { inspect } from 'node:util';
import { HTTPError, ProxyError, RateLimitError, type NetworkError } from '@net/errors';
import { startHttpServer } from '@net/test-utils';
import { hasNginx, startNginx, startProxyServer } from '@net/test-utils/http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HTTPClient } from '../src/index.js';

// The property of packages/errors/test/redact.test.ts, over errors made by real requests:
// whatever secrets go in (URL userinfo, credential query values, Authorization and Cookie
// headers, a Set-Cookie answer), none comes out in any rendering of the error.
const secret = fc.stringMatching(/^[A-Za-z0-9]{8,24}$/).map((s) => `S3CR3T${s}`);
const queryKey = fc.constantFrom(
  'token',
  'access_token',
  'api_key',
  'password',
  'sig',
  'client_secret',
);

function renderings(err: NetworkError): string[] {
  return [
    err.message,
    String(err),
    JSON.stringify(err),
    inspect(err, { depth: 10 }),
    err.stack ?? '',
    JSON.stringify(err.toJSON()),
  ];
}

function expectClean(err: unknown, secrets: string[]): void {
  for (const output of renderings(err as NetworkError)) {
    for (const s of secrets) expect(output).not.toContain(s);
  }
}

describe('no secret from a real request reaches an error', () => {
  it('HTTPError (500) and RateLimitError (429)', async () => {
    let status = 500;
    let cookie = '';
    await using server = await startHttpServer((_req, res) => {
      res.writeHead(status, { 'set-cookie': `session=${cookie}`, 'retry-after': '3600' });
      res.end('server error');
    });
    await using client = new HTTPClient({ maxRetries: 0 });
    await fc.assert(
      fc.asyncProperty(
        secret,
        secret,
        secret,
        secret,
        secret,
        queryKey,
        fc.boolean(),
        async (user, pass, query, header, setCookie, key, limited) => {
          status = limited ? 429 : 500;
          cookie = setCookie;
          const url = `http://${user}:${pass}@127.0.0.1:${server.port}/path?${key}=${query}&page=2`;
          const err = await client
            .get(url, { headers: { authorization: `Bearer ${header}`, cookie: `sid=${header}` } })
            .catch((e: unknown) => e);
          expect(err).toBeInstanceOf(limited ? RateLimitError : HTTPError);
          expectClean(err, [user, pass, query, header, setCookie]);
        },
      ),
      { numRuns: 25 },
    );
    // The request really carried them: the test would prove nothing otherwise.
    // (URL userinfo becomes Basic credentials, which take precedence over the header.)
    expect(server.requests.at(-1)?.headers.authorization).toMatch(/^Basic /);
    expect(server.requests.at(-1)?.headers.cookie).toMatch(/^sid=S3CR3T/);
  });

  it('HTTPError from a 500 page that echoes the whole request back', async () => {
    // A debug error page: method, URL, every header and the body, verbatim.
    await using server = await startHttpServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      res.writeHead(500, {
        'content-type': 'text/plain',
        'x-echo-cookie': req.headers.cookie ?? '',
      });
      res.end(
        `${req.method} ${req.url}\n${JSON.stringify(req.headers, null, 1)}\n${Buffer.concat(chunks).toString()}`,
      );
    });
    await using client = new HTTPClient({
      maxRetries: 0,
      headers: { 'x-api-key': 'K3Y-client-wide' },
    });
    await fc.assert(
      fc.asyncProperty(secret, secret, secret, secret, async (user, pass, token, cookie) => {
        const url = `http://${user}:${pass}@127.0.0.1:${server.port}/p?access_token=${token}`;
        const err = await client
          .post(url, {
            headers: { cookie: `theme=dark; sid=${cookie}; other=${cookie}x` },
            json: { note: 'no secret here' },
          })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(HTTPError);
        const basic = Buffer.from(`${user}:${pass}`).toString('base64');
        expectClean(err, [user, pass, token, cookie, basic, 'K3Y-client-wide']);
        for (const value of Object.values(err as HTTPError)) {
          expect(JSON.stringify(value) ?? '').not.toContain(cookie);
        }
        // Still useful: the page is there, scrubbed, and the raw response is kept out of sight.
        expect((err as HTTPError).body).toContain('no secret here');
        expect(Object.keys(err as object)).not.toContain('response');
        const raw = (err as HTTPError).response as { body: Buffer };
        expect(raw.body.toString()).toContain(cookie);
      }),
      { numRuns: 15 },
    );
  });

  it('HTTPError from nginx echoing the credentials it received', async () => {
    if (!hasNginx()) return void console.log('skipped: nginx not installed');
    await using nginx = await startNginx();
    await using client = new HTTPClient({ maxRetries: 0 });
    const err = await client
      .get(`${nginx.httpUrl}/echo`, {
        headers: {
          authorization: 'Bearer nginx-t0ken-value',
          cookie: 'a=1; session=nginx-c00kie',
          'x-api-key': 'nginx-k3y-value',
        },
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 500 });
    expect((err as HTTPError).body).toContain('"method":"GET"');
    expectClean(err, ['nginx-t0ken-value', 'nginx-c00kie', 'nginx-k3y-value']);
  });

  it('ProxyError (407 for wrong credentials)', async () => {
    await using target = await startHttpServer();
    await using proxy = await startProxyServer({ auth: { username: 'right', password: 'right' } });
    await fc.assert(
      fc.asyncProperty(secret, secret, async (user, pass) => {
        await using client = new HTTPClient({
          maxRetries: 0,
          proxy: proxy.urlWithCredentials(user, pass),
        });
        const err = await client.get(target.url).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ProxyError);
        expect((err as ProxyError).statusCode).toBe(407);
        expectClean(err, [user, pass]);
      }),
      { numRuns: 10 },
    );
    expect(proxy.requests.every((r) => !r.authorized)).toBe(true);
  });
});
