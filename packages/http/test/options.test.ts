import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { NetworkError, SSLError } from '@net/errors';
import { testCertificates } from '@net/test-utils';
import { describe, expect, it } from 'vitest';
import { HTTPClient } from '../src/index.js';
import { resolveOptions } from '../src/options.js';

/** An HTTPS server that requires a client certificate signed by the test CA. */
async function startMutualTls(): Promise<
  { url: string; subjects: string[]; close(): Promise<void> } & AsyncDisposable
> {
  const certs = testCertificates();
  const subjects: string[] = [];
  const server: Server = createServer(
    { cert: certs.cert, key: certs.key, ca: certs.ca, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      subjects.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? ''));
      res.end('hello, client');
    },
  );
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    subjects,
    close,
    [Symbol.asyncDispose]: close,
  };
}

describe('tls', () => {
  it('presents tls.cert and tls.key for mutual TLS', async () => {
    await using server = await startMutualTls();
    const { ca, cert, key } = testCertificates();
    // The test server certificate is signed by the test CA and serves as the client's too.
    await using client = new HTTPClient({ maxRetries: 0, tls: { ca, cert, key } });
    expect((await client.get(server.url)).text()).toBe('hello, client');
    expect(server.subjects).toEqual(['localhost']);
  });

  it('fails with a NetworkError when the server wants a client certificate and gets none', async () => {
    await using server = await startMutualTls();
    await using client = new HTTPClient({ maxRetries: 0, tls: { ca: testCertificates().ca } });
    const err = await client.get(server.url).catch((e: unknown) => e);
    // TLS 1.3 reports the server's alert after the handshake, as an SSL alert or a reset.
    expect(err).toBeInstanceOf(NetworkError);
    expect(
      err instanceof SSLError || (err as NetworkError).code === 'ERR_NET_CONNECTION_RESET',
    ).toBe(true);
    expect(server.subjects).toEqual([]);
  });
});

describe('HTTPClient.defaults', () => {
  it('is plain data, deep-frozen, and what an empty options object resolves to', () => {
    const d = HTTPClient.defaults;
    expect(Object.isFrozen(d)).toBe(true);
    expect(Object.isFrozen(d.timeout)).toBe(true);
    expect(Object.isFrozen(d.retry)).toBe(true);
    expect(Object.isFrozen(d.retry.methods)).toBe(true);
    expect(() => {
      (d as { maxRetries: number }).maxRetries = 9;
    }).toThrow(TypeError);
    const o = resolveOptions({}, {});
    expect(o.timeout).toEqual(d.timeout);
    expect(o.maxRetries).toBe(d.maxRetries);
    expect(o.maxResponseSize).toBe(d.maxResponseSize);
    expect([...o.retry.statusCodes]).toEqual(d.retry.statusCodes);
  });
});

describe('resolveOptions', () => {
  it('applies the documented defaults', () => {
    const o = resolveOptions({}, {});
    expect(o.timeout).toEqual({ attempt: 30_000, connect: Infinity, total: Infinity });
    expect(o.maxResponseSize).toBe(64 * 1024 * 1024);
    expect(o.maxRetries).toBe(2);
    expect([...o.retry.methods]).toEqual(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);
    expect([...o.retry.statusCodes]).toEqual([408, 413, 429, 500, 502, 503, 504]);
    expect(o.retry).toMatchObject({ baseDelay: 300, maxDelay: 30_000, maxRetryAfter: 60_000 });
    expect(o).toMatchObject({
      throwHttpErrors: true,
      http2: false,
      followRedirects: true,
      maxRedirects: 10,
      decompress: true,
      maxSockets: 256,
      proxy: undefined,
      tls: { rejectUnauthorized: true },
    });
  });

  it('normalises timeout shorthands once', () => {
    expect(resolveOptions({ timeout: 5 }, {}).timeout).toEqual({
      attempt: 5,
      connect: Infinity,
      total: Infinity,
    });
    expect(resolveOptions({ timeout: { total: 9, connect: 2 } }, {}).timeout).toEqual({
      attempt: 30_000,
      connect: 2,
      total: 9,
    });
  });

  it('lower-cases default header names', () => {
    expect(resolveOptions({ headers: { 'X-Api-Version': '2' } }, {}).headers).toEqual({
      'x-api-version': '2',
    });
  });
});
