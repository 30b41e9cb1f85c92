import { ConnectionError } from '@net/errors';
import {
  expectNoLeakedHandles,
  snapshotHandles,
  startHttpServer,
  testCertificates,
} from '@net/test-utils';
import { startHttp2Server, startMisbehavingServer, startProxyServer } from '@net/test-utils/http';
import { describe, expect, it } from 'vitest';
import { engineOf } from '../src/http-client.js';
import { HTTPClient } from '../src/index.js';

describe('connections', () => {
  it('reuses keep-alive sockets', async () => {
    await using server = await startHttpServer(
      (req, res) => void res.end(String(req.socket.remotePort)),
    );
    await using client = new HTTPClient();
    const ports = new Set<string>();
    for (let i = 0; i < 5; i++) ports.add((await client.get(server.url)).text());
    expect(ports.size).toBe(1);
  });

  it('speaks HTTP/2 with http2: true and HTTP/1.1 without', async () => {
    await using server = await startHttp2Server();
    const ca = testCertificates().ca;
    await using h2 = new HTTPClient({ http2: true, tls: { ca } });
    expect((await h2.get(`${server.url}/a`)).json()).toEqual({ httpVersion: '2.0' });
    expect((await h2.post(`${server.url}/b`, { json: { x: 1 } })).statusCode).toBe(200);
    await using h1 = new HTTPClient({ tls: { ca } });
    expect((await h1.get(`${server.url}/c`)).json()).toEqual({ httpVersion: '1.1' });
    expect(server.requests.map((r) => r.httpVersion)).toEqual(['2.0', '2.0', '1.1']);
  });

  it('leaves no sockets or timers after close() — http and proxy', async () => {
    await using plain = await startHttpServer();
    await using proxy = await startProxyServer();
    const before = snapshotHandles();
    const client = new HTTPClient({ retry: { baseDelay: 1 } });
    const proxied = new HTTPClient({ proxy: proxy.url });
    await Promise.all([
      client.get(plain.url),
      client.get(`${plain.url}/2`),
      proxied.get(plain.url),
    ]);
    await client.close();
    await proxied.close();
    await expectNoLeakedHandles(before);
  });

  it('leaves no TLS sockets or HTTP/2 sessions after close() — https, http2 and https via proxy', async () => {
    await using secure = await startHttpServer(undefined, { tls: true });
    await using h2server = await startHttp2Server();
    await using proxy = await startProxyServer();
    const ca = testCertificates().ca;
    // A TLSWRAP's async destroy hook waits for garbage collection, so the identity-based
    // snapshot reports closed TLS sockets as open; Node's list of active resources does not.
    const baseline = countActive();
    const client = new HTTPClient({ http2: true, tls: { ca } });
    const proxied = new HTTPClient({ proxy: proxy.url, tls: { ca } });
    await Promise.all([client.get(secure.url), client.get(h2server.url), proxied.get(secure.url)]);
    expect(countActive().TCPSocketWrap ?? 0).toBeGreaterThan(baseline.TCPSocketWrap ?? 0);
    await client.close();
    await proxied.close();
    const deadline = Date.now() + 2_000;
    let now = countActive();
    while (!sameCounts(now, baseline) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      now = countActive();
    }
    expect(now).toEqual(baseline);
  });

  it('close() ends calls in flight with ConnectionError and refuses new ones', async () => {
    await using peer = await startMisbehavingServer('stall');
    const before = snapshotHandles();
    const client = new HTTPClient({ maxRetries: 3 });
    const pending = client.get(peer.url);
    // Close once the request is really in flight (the peer has read it).
    while (peer.requestCount === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await client.close();
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe('ERR_NET_CONNECTION_CLOSED');
    await expect(client.get(peer.url)).rejects.toMatchObject({ code: 'ERR_NET_CONNECTION_CLOSED' });
    expect(peer.requestCount).toBe(1);
    await expectNoLeakedHandles(before);
  });

  it('close() during a back-off wait ends the call without waiting', async () => {
    await using server = await startHttpServer((_req, res) => void res.writeHead(503).end());
    const client = new HTTPClient({
      maxRetries: 3,
      retry: { baseDelay: 20_000, maxDelay: 20_000 },
    });
    engineOf(client).random = () => 0.99;
    const pending = client.get(server.url);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await client.close();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_NET_CONNECTION_CLOSED' });
  });
});

/** Network handles Node reports active, by type (timers excluded: vitest's own come and go). */
function countActive(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) {
    if (type === 'TLSWRAP' || type === 'TCPSocketWrap' || type === 'Http2Session')
      counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}
