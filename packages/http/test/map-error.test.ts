import {
  AbortError,
  HTTPError,
  ConnectionError,
  DNSResolutionError,
  NetworkTimeoutError,
  ProtocolError,
  SSLError,
} from '@net/errors';
import { createServer as createNetServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import {
  closedPort,
  invalidLookup,
  listenOnLoopback,
  startHttpServer,
  testCertificates,
} from '@net/test-utils';
import { startMisbehavingServer, startUnacceptingListener } from '@net/test-utils/http';
import { describe, expect, it } from 'vitest';
import { engineOf } from '../src/http-client.js';
import { HTTPClient } from '../src/index.js';

const noRetry = { maxRetries: 0 };

describe('errors from real failures', () => {
  it('maps a refused connection to ConnectionError', async () => {
    const port = await closedPort();
    await using client = new HTTPClient(noRetry);
    const err = await client.get(`http://127.0.0.1:${port}/x`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({
      code: 'ERR_NET_CONNECTION_REFUSED',
      host: '127.0.0.1',
      port,
      protocol: 'http',
    });
    expect((err as Error).message).toBe(
      `GET connection refused (ECONNREFUSED): http://127.0.0.1:${port}/x`,
    );
    expect((err as Error).cause).toBeInstanceOf(Error);
  });

  it('retries a refused connection, then fails with ConnectionError', async () => {
    const port = await closedPort();
    let retries = 0;
    await using client = new HTTPClient({
      maxRetries: 2,
      retry: { baseDelay: 1 },
      hooks: { beforeRetry: [() => void retries++] },
    });
    await expect(client.get(`http://127.0.0.1:${port}/`)).rejects.toBeInstanceOf(ConnectionError);
    expect(retries).toBe(2);
  });

  it('maps an unknown .invalid host to DNSResolutionError', async () => {
    await using client = new HTTPClient({ ...noRetry, lookup: invalidLookup });
    const err = await client.get('http://no-such-host.invalid/').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DNSResolutionError);
    expect(err).toMatchObject({
      code: 'ERR_NET_DNS',
      hostname: 'no-such-host.invalid',
      reason: 'ENOTFOUND',
    });
  });

  it('maps a self-signed certificate to SSLError', async () => {
    await using server = await startHttpServer(undefined, { tls: 'self-signed' });
    await using client = new HTTPClient(noRetry);
    const err = await client.get(server.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SSLError);
    expect((err as SSLError).reason).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('trusts a server signed by tls.ca', async () => {
    await using server = await startHttpServer(undefined, { tls: true });
    await using client = new HTTPClient({ ...noRetry, tls: { ca: testCertificates().ca } });
    expect((await client.get(server.url)).json()).toEqual({ ok: true });
  });

  it('rejects a CA-signed server without tls.ca', async () => {
    await using server = await startHttpServer(undefined, { tls: true });
    await using client = new HTTPClient(noRetry);
    const err = await client.get(server.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SSLError);
    expect((err as SSLError).reason).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('accepts any certificate with rejectUnauthorized: false', async () => {
    await using server = await startHttpServer(undefined, { tls: 'self-signed' });
    await using client = new HTTPClient({ ...noRetry, tls: { rejectUnauthorized: false } });
    expect((await client.get(server.url)).statusCode).toBe(200);
  });

  it('maps a reset in the middle of the body to ConnectionError reset', async () => {
    await using peer = await startMisbehavingServer('reset-mid-body');
    await using client = new HTTPClient(noRetry);
    const err = await client.get(peer.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe('ERR_NET_CONNECTION_RESET');
  });

  it('maps a body shorter than Content-Length to ConnectionError closed', async () => {
    await using peer = await startMisbehavingServer('short-body');
    await using client = new HTTPClient(noRetry);
    const err = await client.get(peer.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toMatch(/ERR_NET_CONNECTION_(CLOSED|RESET)/);
  });

  it('maps a connection closed before the head to ConnectionError', async () => {
    await using peer = await startMisbehavingServer('close-before-headers');
    await using client = new HTTPClient(noRetry);
    const err = await client.get(peer.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe('ERR_NET_CONNECTION_RESET');
  });

  it('maps the connect budget to phase connect when SYNs go unanswered', async () => {
    await using listener = await startUnacceptingListener();
    await using client = new HTTPClient({ ...noRetry, timeout: { attempt: 5_000, connect: 150 } });
    const err = await client.get(listener.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkTimeoutError);
    expect(err).toMatchObject({ phase: 'connect', retryable: true });
  });

  it("applies a per-call attempt budget over the client's and reports it", async () => {
    await using peer = await startMisbehavingServer('stall');
    await using client = new HTTPClient({
      ...noRetry,
      timeout: { attempt: 5_000, connect: 1_000 },
    });
    const err = await client.get(peer.url, { timeout: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkTimeoutError);
    expect(err).toMatchObject({ phase: 'response', timeoutMs: 100 });
  });

  it('maps an AbortSignal to AbortError, also during back-off', async () => {
    await using peer = await startMisbehavingServer('stall');
    await using client = new HTTPClient(noRetry);
    const controller = new AbortController();
    const pending = client.get(peer.url, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user gave up')), 50);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).cause).toMatchObject({ message: 'user gave up' });

    await using server = await startHttpServer((_req, res) => void res.writeHead(503).end());
    const second = new AbortController();
    await using slow = new HTTPClient({
      maxRetries: 3,
      retry: { baseDelay: 10_000, maxDelay: 10_000 },
      // Abort once the wait has begun: deterministic however loaded the machine is.
      hooks: { beforeRetry: [() => void setTimeout(() => second.abort(), 20)] },
    });
    engineOf(slow).random = () => 0.99;
    const waiting = slow.get(server.url, { signal: second.signal });
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects at once with an already aborted signal', async () => {
    await using server = await startHttpServer();
    await using client = new HTTPClient();
    await expect(client.get(server.url, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      AbortError,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('maps too many redirects to ProtocolError', async () => {
    await using server = await startHttpServer(
      (req, res) => void res.writeHead(302, { location: `${req.url}x` }).end(),
    );
    await using client = new HTTPClient({ ...noRetry, maxRedirects: 3 });
    await expect(client.get(server.url)).rejects.toBeInstanceOf(ProtocolError);
    expect(server.requests).toHaveLength(4);
  });

  it('maps a TLS protocol-version refusal (EPROTO) to SSLError', async () => {
    const { key, cert } = testCertificates();
    // A server stuck on TLS 1.1: Node's client (TLS 1.2 at least) gets a protocol_version alert.
    const server = createTlsServer({
      key,
      cert,
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    server.on('tlsClientError', () => undefined);
    const { port, close } = await listenOnLoopback(server);
    try {
      await using client = new HTTPClient({ ...noRetry, tls: { ca: testCertificates().ca } });
      const err = await client.get(`https://127.0.0.1:${port}/`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SSLError);
      expect(err).toMatchObject({ code: 'ERR_NET_TLS', host: '127.0.0.1' });
    } finally {
      await close();
    }
  });

  it.each([
    [
      'an oversized header block',
      () => `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(100 * 1024)}\r\nContent-Length: 0\r\n\r\n`,
    ],
    ['a malformed status line', () => 'HTTP/1.1 OK-ish\r\nContent-Length: 0\r\n\r\n'],
    ['a response that is not HTTP', () => 'SSH-2.0-OpenSSH_9.2\r\n'],
  ])('maps %s to ProtocolError', async (_name, answer) => {
    const server = createNetServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => socket.end(answer()));
    });
    const { port, close } = await listenOnLoopback(server);
    try {
      await using client = new HTTPClient(noRetry);
      const err = await client.get(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProtocolError);
      expect((err as ProtocolError).code).toBe('ERR_NET_PROTOCOL');
    } finally {
      await close();
    }
  });

  it("never puts a server's control characters on the error's message line", async () => {
    const server = createNetServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () =>
        socket.end('HTTP/1.1 500 Bad\x1b[2J\x1b[31mNews\x07\r\nContent-Length: 0\r\n\r\n'),
      );
    });
    const { port, close } = await listenOnLoopback(server);
    try {
      await using client = new HTTPClient(noRetry);
      const err = await client.get(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
      // llhttp may refuse the reason phrase (ProtocolError) or pass it on (HTTPError): either
      // way no raw escape sequence reaches the message.
      expect(err instanceof ProtocolError || err instanceof HTTPError).toBe(true);
      const controls = [...(err as Error).message].filter((c) => c < ' ' || c === '\x7f');
      expect(controls).toEqual([]);
    } finally {
      await close();
    }
  });
});
