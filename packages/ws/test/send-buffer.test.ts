import { startWsServer } from '@net/test-utils/ws';
import { describe, expect, it } from 'vitest';
import { WebSocketClient, WebSocketError } from '../src/index.js';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('send() is bounded in bytes in every state', () => {
  it('throws ERR_NET_WS_QUEUE_FULL while open when a peer stops reading, and flush() resolves once it drains', async () => {
    await using server = await startWsServer({ onConnection: () => {} });
    let received = 0;
    const serverSide = new Promise<{ resume(): void }>((resolve) =>
      server.handle((socket) => {
        socket.pause(); // a peer that stopped reading
        socket.on('message', () => received++);
        resolve(socket);
      }),
    );
    await using client = new WebSocketClient({
      url: server.url,
      heartbeat: false,
      queue: { maxBytes: MiB },
    });
    await client.connect();
    const peer = await serverSide;
    const payload = new Uint8Array(64 * KiB);
    let accepted = 0;
    let refusal: unknown;
    // The kernel's loopback buffers take a few MiB first; after that the client's own buffer
    // fills. Without the bound this loop would accept all 1 000 (64 MiB in bufferedAmount).
    for (let i = 0; i < 1_000; i++) {
      try {
        client.send(payload);
        accepted++;
      } catch (err) {
        refusal = err;
        break;
      }
      expect(client.bufferedAmount).toBeLessThanOrEqual(MiB + 64 * KiB);
      // Let the socket hand what it can to the kernel, as a real producer's awaits would.
      if (i % 8 === 7) await new Promise((r) => setImmediate(r));
    }
    expect(refusal).toBeInstanceOf(WebSocketError);
    expect(refusal).toMatchObject({ code: 'ERR_NET_WS_QUEUE_FULL', retryable: true });
    expect(accepted).toBeLessThan(1_000);
    expect(client.state).toBe('open');

    let flushed = false;
    const flushing = client.flush().then(() => (flushed = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(flushed).toBe(false); // the peer still reads nothing
    peer.resume();
    await flushing;
    expect(client.bufferedAmount).toBe(0);
    client.send(payload); // room again
    await expect.poll(() => received, { timeout: 10_000 }).toBe(accepted + 1);
  });

  it('refuses, while open, a single message larger than queue.maxBytes', async () => {
    await using server = await startWsServer();
    await using client = new WebSocketClient({ url: server.url, queue: { maxBytes: 1000 } });
    await client.connect();
    client.send('x'.repeat(1000));
    expect(() => client.send('€'.repeat(400))).toThrow(
      expect.objectContaining({ code: 'ERR_NET_WS_QUEUE_FULL' }),
    ); // 1 200 bytes of UTF-8, though only 400 characters
    await client.flush();
    client.send('€'.repeat(300)); // 900 bytes fit
  });

  it('counts the queue and the socket together: a queued message never passes maxBytes either', () => {
    const client = new WebSocketClient({ url: 'ws://127.0.0.1:9/', queue: { maxBytes: 100 } });
    client.send('a'.repeat(60));
    expect(() => client.send('b'.repeat(41))).toThrow(
      expect.objectContaining({ code: 'ERR_NET_WS_QUEUE_FULL' }),
    );
    client.send('c'.repeat(40));
    expect(client.bufferedAmount).toBe(100);
    expect(client.queued).toBe(2);
  });
});
