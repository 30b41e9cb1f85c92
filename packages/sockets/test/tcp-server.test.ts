import { ConnectionError, NetworkTimeoutError } from '@net/errors';
import { expectNoLeakedHandles, snapshotHandles, testCertificates } from '@net/test-utils';
import { createConnection, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { TCPClient } from '../src/tcp-client.js';
import type { TCPConnection } from '../src/tcp-connection.js';
import { TCPServer } from '../src/tcp-server.js';

const echo = async (conn: TCPConnection) => {
  for (let chunk = await conn.receive(); chunk; chunk = await conn.receive())
    await conn.send(chunk);
};

/** Resolves when a raw socket to `port` is closed by the server, with what it saw. */
function rawConnect(port: number): Promise<{ socket: Socket; outcome: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const outcome = new Promise<string>((done) => {
      socket.on('error', (err: NodeJS.ErrnoException) => done(err.code ?? 'error'));
      socket.on('end', () => done('end'));
    });
    socket.once('connect', () => resolve({ socket, outcome }));
    socket.once('error', reject);
  });
}

describe('TCPServer', () => {
  it('serves connections with the same read/write API as TCPClient and listens on 127.0.0.1 by default', async () => {
    await using server = new TCPServer({
      onConnection: async (conn) => {
        const name = await conn.readLine();
        await conn.writeFrame(`hello ${name}`, { framing: 'length-prefixed', lengthBytes: 2 });
      },
    });
    const address = await server.listen();
    expect(address).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    expect(address.port).toBeGreaterThan(0);
    await using client = new TCPClient({ host: '127.0.0.1', port: address.port });
    await client.connect();
    await client.send('ada\n');
    const frames: string[] = [];
    for await (const frame of client.frames({ framing: 'length-prefixed', lengthBytes: 2 }))
      frames.push(frame.toString());
    // The server closed after its one frame, which ended the iteration.
    expect(frames).toEqual(['hello ada']);
  });

  it('serves 1 000 concurrent clients', async () => {
    let peak = 0;
    await using server = new TCPServer({
      onConnection: async (conn, srv) => {
        peak = Math.max(peak, srv.connectionCount);
        await echo(conn);
      },
    });
    const { port } = await server.listen();
    const clients = Array.from(
      { length: 1_000 },
      () => new TCPClient({ host: '127.0.0.1', port, timeout: 20_000 }),
    );
    try {
      await Promise.all(clients.map((c) => c.connect()));
      const replies = await Promise.all(
        clients.map(async (c, i) => {
          await c.send(`client ${i}\n`);
          return c.readLine();
        }),
      );
      expect(replies).toEqual(clients.map((_, i) => `client ${i}`));
      expect(peak).toBeGreaterThan(1);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it('resets connections beyond maxConnections at once and counts them', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    await using server = new TCPServer({ maxConnections: 2, onConnection: () => hold });
    const { port } = await server.listen();
    const first = await rawConnect(port);
    const second = await rawConnect(port);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.connectionCount).toBe(2);
    const extra = await rawConnect(port).catch((err: NodeJS.ErrnoException) => ({
      outcome: Promise.resolve(err.code ?? ''),
    }));
    expect(await extra.outcome).toBe('ECONNRESET');
    expect(server.rejectedConnections).toBe(1);
    // The served clients are untouched; once one leaves, a new client is served again.
    release();
    first.socket.destroy();
    second.socket.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const later = new TCPClient({ host: '127.0.0.1', port });
    await later.connect();
    await later.close();
  });

  it('destroys a connection idle for idleTimeout; its pending read rejects with NetworkTimeoutError (idle)', async () => {
    let readError: unknown;
    await using server = new TCPServer({
      idleTimeout: 100,
      onConnection: async (conn) => {
        readError = await conn.receive().catch((e: unknown) => e);
      },
    });
    const { port } = await server.listen();
    const { outcome } = await rawConnect(port);
    expect(await outcome).toMatch(/end|ECONNRESET/);
    expect(readError).toBeInstanceOf(NetworkTimeoutError);
    expect(readError).toMatchObject({ phase: 'idle', timeoutMs: 100 });
  });

  it('closes gracefully: stops accepting, waits for running handlers, and leaks nothing', async () => {
    const before = snapshotHandles();
    let finished = false;
    const server = new TCPServer({
      onConnection: async (conn) => {
        await new Promise((r) => setTimeout(r, 100));
        await conn.send('done\n');
        finished = true;
      },
    });
    const { port } = await server.listen();
    const client = new TCPClient({ host: '127.0.0.1', port });
    await client.connect();
    await new Promise((r) => setTimeout(r, 20));
    const closing = server.close({ timeout: 2_000 });
    // Nothing listens any more while the handler is still running.
    await expect(
      new TCPClient({ host: '127.0.0.1', port, timeout: 1_000 }).connect(),
    ).rejects.toMatchObject({
      code: 'ERR_NET_CONNECTION_REFUSED',
    });
    expect(await client.readLine()).toBe('done');
    await closing;
    expect(finished).toBe(true);
    await client.close();
    await expectNoLeakedHandles(before);
  });

  it('destroys connections whose handlers outlive the close timeout', async () => {
    let handlerError: unknown;
    const errors: Error[] = [];
    const server = new TCPServer({
      onError: (err) => errors.push(err),
      onConnection: async (conn) => {
        handlerError = await conn.receive({ timeout: 0 }).catch((e: unknown) => e);
      },
    });
    const { port } = await server.listen();
    const client = new TCPClient({ host: '127.0.0.1', port });
    await client.connect();
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    await server.close({ timeout: 100 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(handlerError).toBeInstanceOf(ConnectionError);
    expect(errors).toEqual([]);
    expect(await client.receive()).toBeNull();
    await client.close();
  });

  it('reports a failing handler through onError and closes its connection', async () => {
    const errors: Error[] = [];
    await using server = new TCPServer({
      onError: (err) => errors.push(err),
      onConnection: () => {
        throw new Error('handler broke');
      },
    });
    const { port } = await server.listen();
    await using client = new TCPClient({ host: '127.0.0.1', port });
    await client.connect();
    expect(await client.receive()).toBeNull();
    expect(errors.map((e) => e.message)).toEqual(['handler broke']);
  });

  it('serves TLS, and reports a client that rejects its certificate through onError', async () => {
    const certs = testCertificates();
    const errors: Error[] = [];
    await using server = new TCPServer({
      tls: { cert: certs.cert, key: certs.key },
      onConnection: echo,
      onError: (e) => errors.push(e),
    });
    const { port } = await server.listen();
    await using client = new TCPClient({ host: '127.0.0.1', port, tls: { ca: certs.ca } });
    await client.connect();
    await client.send('over tls\n');
    expect(await client.readLine()).toBe('over tls');
    // A client without the CA aborts the handshake; the server reports a failed handshake (an
    // alert or a reset, depending on timing), never a connection.
    await expect(
      new TCPClient({ host: '127.0.0.1', port, tls: true }).connect(),
    ).rejects.toMatchObject({ name: 'SSLError' });
    await expect.poll(() => errors.length).toBe(1);
    expect(['SSLError', 'ConnectionError']).toContain(errors[0]!.name);
    expect(errors[0]!.message).toMatch(/^TLS handshake /);
    expect(server.connectionCount).toBe(1); // the first client only
  });

  it('listens on ::1', async () => {
    await using server = new TCPServer({ host: '::1', onConnection: echo });
    const address = await server.listen();
    expect(address).toMatchObject({ address: '::1', family: 'IPv6' });
    await using client = new TCPClient({ host: '::1', port: address.port });
    await client.connect();
    await client.send('six\n');
    expect(await client.readLine()).toBe('six');
  });

  it('rejects listen() with AbortError when its signal already fired', async () => {
    const server = new TCPServer({ onConnection: () => {} });
    await expect(server.listen({ signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(server.address).toBeUndefined();
    await server.close();
  });

  it('rejects listen() on a port in use with a typed error', async () => {
    await using first = new TCPServer({ onConnection: () => {} });
    const { port } = await first.listen();
    const second = new TCPServer({ port, onConnection: () => {} });
    await expect(second.listen()).rejects.toMatchObject({ name: 'NetworkError' });
    await second.close();
  });

  it.each([
    [{}, TypeError],
    [{ onConnection: () => {}, port: -1 }, RangeError],
    [{ onConnection: () => {}, maxConnections: 0 }, RangeError],
    [{ onConnection: () => {}, idleTimeout: 'soon' }, TypeError],
  ])('throws on bad options %j', (options, type) => {
    expect(() => new TCPServer(options as never)).toThrow(type);
  });
});
