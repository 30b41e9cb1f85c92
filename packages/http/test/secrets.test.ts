import { inspect } from 'node:util';
import { HTTPError, ProxyError, RateLimitError, type NetworkError } from '@net/errors';
import { startHttpServer } from '@net/test-utils';
import { startProxyServer } from '@net/test-utils/http';
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
