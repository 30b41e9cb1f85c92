import { ProxyError } from '@net/errors';
import { closedPort, startHttpServer, testCertificates } from '@net/test-utils';
import { startHttp2Server, startProxyServer } from '@net/test-utils/http';
import { describe, expect, it } from 'vitest';
import { HTTPClient } from '../src/index.js';
import { proxyFor, resolveProxy } from '../src/proxy-config.js';

/** Sets proxy variables for one construction; the client reads them only then. */
function withEnv<T>(vars: Record<string, string | undefined>, make: () => T): T {
  const saved = new Map(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return make();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const clearEnv = {
  http_proxy: undefined,
  https_proxy: undefined,
  no_proxy: undefined,
  HTTP_PROXY: undefined,
  HTTPS_PROXY: undefined,
  NO_PROXY: undefined,
};

describe('proxy configuration', () => {
  it('reads HTTP_PROXY, HTTPS_PROXY and NO_PROXY, lower case first', () => {
    const proxy = resolveProxy(undefined, {
      HTTP_PROXY: 'http://upper:1',
      http_proxy: 'http://lower:2',
      HTTPS_PROXY: 'http://secure:3',
      NO_PROXY: 'internal.test, .corp.test,10.0.0.1,host.test:8080',
    })!;
    expect(proxy.http?.host).toBe('lower:2');
    expect(proxyFor(proxy, new URL('http://a.test/'))?.host).toBe('lower:2');
    expect(proxyFor(proxy, new URL('https://a.test/'))?.host).toBe('secure:3');
    expect(proxyFor(proxy, new URL('http://internal.test/'))).toBeUndefined();
    expect(proxyFor(proxy, new URL('http://api.internal.test/'))).toBeUndefined();
    expect(proxyFor(proxy, new URL('http://x.corp.test/'))).toBeUndefined();
    expect(proxyFor(proxy, new URL('http://10.0.0.1/'))).toBeUndefined();
    expect(proxyFor(proxy, new URL('http://host.test:8080/'))).toBeUndefined();
    expect(proxyFor(proxy, new URL('http://host.test:9090/'))?.host).toBe('lower:2');
    expect(proxyFor(proxy, new URL('http://notinternal.test/'))?.host).toBe('lower:2');
  });

  it('treats NO_PROXY=* and proxy: false as no proxy', () => {
    expect(resolveProxy(undefined, { HTTP_PROXY: 'http://p:1', NO_PROXY: '*' })).toBeUndefined();
    expect(resolveProxy(false, { HTTP_PROXY: 'http://p:1' })).toBeUndefined();
  });

  it('rejects a malformed proxy URL without echoing it', () => {
    expect(() => new HTTPClient({ proxy: 'not a url:secretpw@' })).toThrow(TypeError);
    try {
      new HTTPClient({ proxy: 'not a url:secretpw@' });
    } catch (err) {
      expect((err as Error).message).not.toContain('secretpw');
      expect((err as { code?: string }).code).toBe('ERR_INVALID_ARG_VALUE');
    }
  });
});

describe('requests through a proxy', () => {
  it('sends http requests to the proxy named by HTTP_PROXY in absolute form, not CONNECT', async () => {
    await using target = await startHttpServer((req, res) => void res.end(`via ${req.url}`));
    await using proxy = await startProxyServer();
    await using client = withEnv({ ...clearEnv, HTTP_PROXY: proxy.url }, () => new HTTPClient());
    expect((await client.get(`${target.url}/p?q=1`)).text()).toBe('via /p?q=1');
    expect(proxy.requests).toEqual([
      { method: 'GET', target: `${target.url}/p?q=1`, authorized: true },
    ]);
  });

  it('tunnels https requests through HTTPS_PROXY with TLS to the target', async () => {
    await using target = await startHttpServer(undefined, { tls: true });
    await using proxy = await startProxyServer();
    await using client = withEnv(
      { ...clearEnv, HTTPS_PROXY: proxy.url },
      () => new HTTPClient({ tls: { ca: testCertificates().ca } }),
    );
    expect((await client.get(target.url)).json()).toEqual({ ok: true });
    expect(proxy.requests.map((r) => r.method)).toEqual(['CONNECT']);
  });

  it('tunnels an http2 client through the proxy over HTTP/1.1 rather than going around it', async () => {
    await using target = await startHttp2Server();
    await using proxy = await startProxyServer();
    await using client = new HTTPClient({
      http2: true,
      proxy: proxy.url,
      tls: { ca: testCertificates().ca },
    });
    expect((await client.get(target.url)).json()).toEqual({ httpVersion: '1.1' });
    expect(proxy.requests.map((r) => r.method)).toEqual(['CONNECT']);
  });

  it("forwards absolute-URI requests too (the test proxy's plain mode)", async () => {
    await using target = await startHttpServer((req, res) => void res.end(`forwarded ${req.url}`));
    await using proxy = await startProxyServer();
    const { request } = await import('node:http');
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: proxy.port, path: `${target.url}/abs`, agent: false },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve(body));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(text).toBe('forwarded /abs');
    expect(proxy.requests).toEqual([
      { method: 'GET', target: `${target.url}/abs`, authorized: true },
    ]);
  });

  it('goes direct for hosts in NO_PROXY', async () => {
    await using target = await startHttpServer();
    await using proxy = await startProxyServer();
    await using client = withEnv(
      { ...clearEnv, HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' },
      () => new HTTPClient(),
    );
    expect((await client.get(target.url)).statusCode).toBe(200);
    expect(proxy.requests).toHaveLength(0);
  });

  it('ignores the environment with proxy: false', async () => {
    await using target = await startHttpServer();
    await using proxy = await startProxyServer();
    await using client = withEnv(
      { ...clearEnv, HTTP_PROXY: proxy.url },
      () => new HTTPClient({ proxy: false }),
    );
    expect((await client.get(target.url)).statusCode).toBe(200);
    expect(proxy.requests).toHaveLength(0);
  });

  it('sends Basic credentials from an explicit proxy URL', async () => {
    await using target = await startHttpServer();
    await using proxy = await startProxyServer({
      auth: { username: 'bob', password: 'pr0xy-pass' },
    });
    await using client = new HTTPClient({ proxy: proxy.urlWithCredentials('bob', 'pr0xy-pass') });
    expect((await client.get(target.url)).statusCode).toBe(200);
    expect(proxy.requests[0]).toMatchObject({ method: 'GET', authorized: true });
  });

  it('fails with ProxyError 407, proxy URL redacted, when credentials are wrong', async () => {
    await using target = await startHttpServer();
    await using proxy = await startProxyServer({ auth: { username: 'bob', password: 'right' } });
    await using client = new HTTPClient({
      maxRetries: 2,
      proxy: proxy.urlWithCredentials('bob', 'wr0ng-secret'),
    });
    const err = await client.get(target.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProxyError);
    expect(err).toMatchObject({
      code: 'ERR_NET_PROXY',
      statusCode: 407,
      proxyUrl: `http://[REDACTED]@127.0.0.1:${proxy.port}/`,
    });
    expect((err as Error).message).not.toContain('wr0ng-secret');
    // A proxy refusing credentials will refuse them again: no retry.
    expect(proxy.requests).toHaveLength(1);
    expect(target.requests).toHaveLength(0);
  });

  it('fails with ProxyError when nothing listens at the proxy address', async () => {
    await using target = await startHttpServer();
    const port = await closedPort();
    await using client = new HTTPClient({ maxRetries: 0, proxy: `http://127.0.0.1:${port}` });
    const err = await client.get(target.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProxyError);
    expect((err as ProxyError).statusCode).toBeUndefined();
    expect((err as Error).message).toContain('ECONNREFUSED');
    expect(target.requests).toHaveLength(0);
  });
});
