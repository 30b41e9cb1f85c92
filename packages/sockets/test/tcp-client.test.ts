import {
  ConnectionError,
  DNSResolutionError,
  NetworkTimeoutError,
  ProtocolError,
  SSLError,
  AbortError,
} from '@net/errors';
import {
  closedPort,
  expectNoLeakedHandles,
  snapshotHandles,
  testCertificates,
  invalidLookup,
} from '@net/test-utils';
import { pickPorts, startBlackhole, startTcpPeer } from '@net/test-utils/sockets';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TCPClient } from '../src/tcp-client.js';
import { WRITE_HIGH_WATER_MARK } from '../src/connection-options.js';
import { TCPServer } from '../src/tcp-server.js';

async function connected(
  port: number,
  extra: Partial<ConstructorParameters<typeof TCPClient>[0]> = {},
): Promise<TCPClient> {
  const client = new TCPClient({ host: '127.0.0.1', port, timeout: 5_000, ...extra });
  await client.connect();
  return client;
}

describe('TCPClient', () => {
  it('sends and receives through an echo peer, then closes without leaking handles', async () => {
    const before = snapshotHandles();
    {
      await using peer = await startTcpPeer('echo');
      await using client = await connected(peer.port);
      await client.send('hello ');
      await client.send(Buffer.from('world\n'));
      expect(await client.readLine()).toBe('hello world');
      expect(client.remotePort).toBe(peer.port);
    }
    await expectNoLeakedHandles(before);
  });

  it('reads exactly n bytes, lines with a custom delimiter, and what is left with receive()', async () => {
    await using peer = await startTcpPeer('echo');
    await using client = await connected(peer.port);
    await client.send('abcdefGET / HTTP/1.1\r\nrest');
    expect((await client.readExactly(6)).toString()).toBe('abcdef');
    expect(await client.readLine({ delimiter: '\r\n' })).toBe('GET / HTTP/1.1');
    expect((await client.receive({ maxBytes: 2 }))?.toString()).toBe('re');
    expect((await client.receive())?.toString()).toBe('st');
  });

  it('returns null from receive() at end of stream and settles pending reads', async () => {
    await using peer = await startTcpPeer('echo', { onSocket: (s) => s.end('bye') });
    await using client = await connected(peer.port);
    const pendingExact = client.readExactly(10);
    await expect(pendingExact).rejects.toMatchObject({
      name: 'ConnectionError',
      code: 'ERR_NET_CONNECTION_CLOSED',
    });
    // The partial bytes stay queued for other reads.
    expect((await client.receive())?.toString()).toBe('bye');
    expect(await client.receive()).toBeNull();
    expect(await client.readLine()).toBeNull();
  });

  it('settles a read that was already waiting when the peer closes', async () => {
    let closePeer!: () => void;
    await using peer = await startTcpPeer('echo', { onSocket: (s) => (closePeer = () => s.end()) });
    await using client = await connected(peer.port);
    const pending = client.receive();
    await new Promise((r) => setTimeout(r, 20));
    closePeer();
    expect(await pending).toBeNull();
  });

  it('serves concurrent reads in call order', async () => {
    await using peer = await startTcpPeer('echo');
    await using client = await connected(peer.port);
    const reads = [
      client.readExactly(3),
      client.readLine(),
      client.readExactly(2),
      client.receive(),
    ];
    await client.send('abcline one\nxyrest');
    const [a, line, b, rest] = await Promise.all(reads);
    expect([a?.toString(), line, b?.toString(), rest?.toString()]).toEqual([
      'abc',
      'line one',
      'xy',
      'rest',
    ]);
  });

  it('times out a read with NetworkTimeoutError and keeps the connection usable', async () => {
    await using peer = await startTcpPeer('echo');
    await using client = await connected(peer.port);
    await expect(client.receive({ timeout: 50 })).rejects.toMatchObject({
      name: 'NetworkTimeoutError',
      phase: 'response',
      timeoutMs: 50,
    });
    await client.send('still here\n');
    expect(await client.readLine({ timeout: 2_000 })).toBe('still here');
  });

  it('aborts a pending read through its signal', async () => {
    await using peer = await startTcpPeer('echo');
    await using client = await connected(peer.port);
    const controller = new AbortController();
    const pending = client.receive({ signal: controller.signal, timeout: 0 });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
  });

  it('rejects with ProtocolError on a line over maxLength and stays failed afterwards', async () => {
    await using peer = await startTcpPeer('echo');
    await using client = await connected(peer.port);
    await client.send('x'.repeat(100));
    const err = await client.readLine({ maxLength: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect(client.closed).toBe(true);
    await expect(client.receive()).rejects.toBe(err);
    await expect(client.send('more')).rejects.toBe(err);
  });

  it('rejects with ProtocolError on an oversized length-prefixed frame without buffering its payload', async () => {
    await using peer = await startTcpPeer('echo', {
      onSocket: (s) => s.write(Buffer.from([0, 0, 0x10, 0])),
    });
    await using client = await connected(peer.port);
    const frames = client.frames({
      framing: 'length-prefixed',
      lengthBytes: 4,
      maxFrameSize: 1024,
    });
    await expect(frames.next()).rejects.toBeInstanceOf(ProtocolError);
    expect(client.readableLength).toBe(0);
  });

  it('round-trips frames through frames() and writeFrame() for every framing', async () => {
    await using peer = await startTcpPeer('echo');
    for (const options of [
      { framing: 'line' as const },
      { framing: 'line' as const, delimiter: '\0' },
      { framing: 'length-prefixed' as const, lengthBytes: 1 as const },
      { framing: 'length-prefixed' as const, lengthBytes: 2 as const },
      { framing: 'length-prefixed' as const, lengthBytes: 4 as const },
    ]) {
      await using client = await connected(peer.port);
      const sent = ['one', '', 'three', 'x'.repeat(200)];
      for (const frame of sent) await client.writeFrame(frame, options);
      const got: string[] = [];
      for await (const frame of client.frames({ ...options, timeout: 2_000 })) {
        got.push(frame.toString());
        if (got.length === sent.length) break;
      }
      expect(got).toEqual(sent);
    }
  });

  it('decodes frames sent in arbitrary chunks over a real socket (property)', async () => {
    let server: TCPServer | undefined;
    const received: Buffer[][] = [];
    let expectedCount = 0;
    let done: (() => void) | undefined;
    server = new TCPServer({
      onConnection: async (conn) => {
        const frames: Buffer[] = [];
        received.push(frames);
        for await (const frame of conn.frames({
          framing: 'length-prefixed',
          lengthBytes: 2,
          timeout: 5_000,
        })) {
          frames.push(frame);
          if (frames.length === expectedCount) break;
        }
        done?.();
      },
    });
    const { port } = await server.listen();
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.uint8Array({ maxLength: 2_000 }), { minLength: 1, maxLength: 8 }),
          fc.array(fc.nat(), { maxLength: 12 }),
          async (frames, offsets) => {
            const stream = Buffer.concat(
              frames.map((f) => Buffer.concat([Buffer.from([f.length >> 8, f.length & 0xff]), f])),
            );
            const cuts = [...new Set(offsets.map((o) => o % stream.length))].sort((a, b) => a - b);
            expectedCount = frames.length;
            const finished = new Promise<void>((resolve) => (done = resolve));
            const client = await connected(port);
            try {
              let from = 0;
              for (const point of [...cuts, stream.length]) {
                await client.send(stream.subarray(from, point));
                from = point;
                // A pause lets each chunk leave as its own segment.
                await new Promise((r) => setImmediate(r));
              }
              await finished;
            } finally {
              await client.close();
            }
            expect(received.at(-1)!.map((f) => Buffer.from(f))).toEqual(
              frames.map((f) => Buffer.from(f)),
            );
          },
        ),
        { numRuns: 25 },
      );
    } finally {
      await server.close();
      server = undefined;
    }
  });

  it('applies backpressure: send() waits for drain against a peer that stops reading, and memory stays bounded', async () => {
    await using peer = await startTcpPeer('stall');
    await using client = await connected(peer.port, { timeout: 0 });
    const chunk = Buffer.alloc(256 * 1024, 1);
    let sent = 0;
    let blocked = false;
    let maxBuffered = 0;
    // Up to 64 MiB: far more than the kernel buffers hold, so a send must block on the way.
    for (let i = 0; i < 256; i++) {
      const result = await Promise.race([
        client.send(chunk).then(() => 'sent' as const),
        new Promise<'blocked'>((r) => setTimeout(() => r('blocked'), 300)),
      ]);
      maxBuffered = Math.max(maxBuffered, client.writableLength);
      if (result === 'blocked') {
        blocked = true;
        break;
      }
      sent += chunk.length;
    }
    expect(blocked).toBe(true);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    // At most the one chunk the kernel would not take, plus the socket's write high-water mark.
    expect(maxBuffered).toBeLessThanOrEqual(chunk.length + WRITE_HIGH_WATER_MARK);
    // The peer starts reading: the blocked send completes.
    const drained = client.send('tail');
    peer.sockets[0]!.resume();
    await drained;
  });

  it('pauses reading at highWaterMark while nothing reads, so a flooding peer cannot grow memory', async () => {
    const flood = Buffer.alloc(32 * 1024 * 1024, 2);
    await using peer = await startTcpPeer('echo', { onSocket: (s) => s.write(flood) });
    await using client = await connected(peer.port, { highWaterMark: 256 * 1024 });
    await new Promise((r) => setTimeout(r, 300));
    // At most the mark plus the chunk that crossed it (the socket reads up to 64 KiB at a time).
    expect(client.readableLength).toBeGreaterThan(0);
    expect(client.readableLength).toBeLessThanOrEqual(256 * 1024 + 64 * 1024);
    // Reading resumes the flow: everything arrives.
    let total = 0;
    while (total < flood.length) total += (await client.receive({ maxBytes: 1024 * 1024 }))!.length;
    expect(total).toBe(flood.length);
  });

  it('send() times out waiting for drain with NetworkTimeoutError', async () => {
    await using peer = await startTcpPeer('stall');
    await using client = await connected(peer.port);
    const chunk = Buffer.alloc(1024 * 1024);
    const err = await (async () => {
      for (let i = 0; i < 64; i++) await client.send(chunk, { timeout: 300 });
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkTimeoutError);
  });

  it('rejects with ConnectionError (refused) when nothing listens', async () => {
    const port = await closedPort();
    const err = await new TCPClient({ host: '127.0.0.1', port }).connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({
      code: 'ERR_NET_CONNECTION_REFUSED',
      host: '127.0.0.1',
      port,
      protocol: 'tcp',
    });
    expect((err as Error).message).toBe(
      `connect connection refused (ECONNREFUSED): 127.0.0.1:${port}`,
    );
  });

  it('rejects with ConnectionError (reset) when the peer resets the connection', async () => {
    await using peer = await startTcpPeer('reset');
    // The RST can land before the connect completes or after: either way it is a reset.
    const err = await (async () => {
      await using client = await connected(peer.port);
      await client.receive({ timeout: 2_000 });
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ code: 'ERR_NET_CONNECTION_RESET' });
  });

  it('rejects with DNSResolutionError for an unknown name', async () => {
    const client = new TCPClient({ host: 'nowhere.invalid', port: 80, lookup: invalidLookup });
    const err = await client.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DNSResolutionError);
    expect(err).toMatchObject({ hostname: 'nowhere.invalid', reason: 'ENOTFOUND' });
  });

  it('times out a connect that never completes with NetworkTimeoutError (phase connect)', async () => {
    const [port] = await pickPorts(1);
    await using hole = await startBlackhole(port!);
    const err = await new TCPClient({ host: '127.0.0.1', port: hole.port, timeout: 300 })
      .connect()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkTimeoutError);
    expect(err).toMatchObject({ phase: 'connect', timeoutMs: 300 });
  });

  it('aborts a connect through its signal', async () => {
    const [port] = await pickPorts(1);
    await using hole = await startBlackhole(port!);
    const controller = new AbortController();
    const pending = new TCPClient({ host: '127.0.0.1', port: hole.port }).connect({
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(AbortError);
  });

  it('speaks TLS to a server whose CA it is given', async () => {
    await using peer = await startTcpPeer('echo', { tls: true });
    await using client = await connected(peer.port, { tls: { ca: testCertificates().ca } });
    await client.send('secure\n');
    expect(await client.readLine()).toBe('secure');
  });

  it('rejects with SSLError when the certificate is not trusted', async () => {
    await using peer = await startTcpPeer('echo', { tls: 'self-signed' });
    const err = await new TCPClient({ host: '127.0.0.1', port: peer.port, tls: true })
      .connect()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SSLError);
    expect(err).toMatchObject({ code: 'ERR_NET_TLS', reason: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('connects over IPv6 loopback', async () => {
    await using peer = await startTcpPeer('echo', { host: '::1' });
    await using client = new TCPClient({ host: '::1', port: peer.port });
    await client.connect();
    await client.send('v6\n');
    expect(await client.readLine()).toBe('v6');
  });

  it.each([
    [{ host: '127.0.0.1', port: 0 }, RangeError],
    [{ host: '127.0.0.1', port: 70_000 }, RangeError],
    [{ host: '127.0.0.1', port: '80' }, TypeError],
    [{ host: 'bad host!', port: 80 }, TypeError],
    [{ host: '127.0.0.1', port: 80, timeout: -1 }, RangeError],
    [{ host: '127.0.0.1', port: 80, tls: 'yes' }, TypeError],
  ])('throws on bad options %j before any I/O', (options, type) => {
    expect(() => new TCPClient(options as never)).toThrow(type);
  });

  it('rejects (never throws) bad arguments of its async methods, and reads before connect', async () => {
    const client = new TCPClient({ host: '127.0.0.1', port: 9 });
    let pending: Promise<void> | undefined;
    expect(() => (pending = client.send(42 as never))).not.toThrow();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(client.readExactly(-1)).rejects.toBeInstanceOf(RangeError);
    await expect(client.writeFrame('a\nb')).rejects.toBeInstanceOf(TypeError);
    await expect(
      client.writeFrame('x', { framing: 'length-prefixed', lengthBytes: 3 as never }),
    ).rejects.toBeInstanceOf(RangeError);
    await expect(client.receive({ maxBytes: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(client.readLine({ encoding: 'klingon' as never })).rejects.toBeInstanceOf(
      TypeError,
    );
    await expect(client.receive()).rejects.toMatchObject({ code: 'ERR_NET_CONNECTION_CLOSED' });
  });
});
