import { startWsServer } from '@net/test-utils/ws';
import { describe, expect, it } from 'vitest';
import { WebSocketClient } from '../src/index.js';

describe('messages() backpressure', () => {
  it('stops reading the socket while an iterator is over its high-water mark, and loses nothing', async () => {
    await using server = await startWsServer({ onConnection: () => {} });
    await using client = new WebSocketClient({
      url: server.url,
      // Would declare the peer dead during the pause if the heartbeat kept running.
      heartbeat: { interval: 50, timeout: 100 },
    });
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    const iterator = client.messages({ highWaterMark: 10 });
    await client.connect();
    await expect.poll(() => server.clients.size).toBe(1);
    const [socket] = server.clients;
    const total = 400; // 400 × 64 KiB: more than the loopback socket buffers hold
    for (let i = 0; i < total; i++) {
      const payload = Buffer.alloc(64 * 1024);
      payload.writeUInt32BE(i);
      socket!.send(payload);
    }
    await new Promise((r) => setTimeout(r, 400));
    // The client stopped reading, so the rest waits in the server's buffer, not in the client.
    expect(socket!.bufferedAmount).toBeGreaterThan(0);
    for (let i = 0; i < total; i++) {
      const { value } = await iterator.next();
      expect(Buffer.from(value!.data as Uint8Array).readUInt32BE(0)).toBe(i);
    }
    expect(errors).toEqual([]);
    expect(client.state).toBe('open');
    await expect.poll(() => socket!.bufferedAmount).toBe(0);
  });

  it('stops reading at highWaterBytes: huge unread messages are not all held (issue 13)', async () => {
    await using server = await startWsServer({ onConnection: () => {} });
    await using client = new WebSocketClient({ url: server.url, heartbeat: false });
    const iterator = client.messages({ highWaterBytes: 2 * 1024 * 1024 });
    await client.connect();
    await expect.poll(() => server.clients.size).toBe(1);
    const [socket] = server.clients;
    const total = 40; // 40 × 1 MiB offered, 2 MiB allowed unread
    for (let i = 0; i < total; i++) {
      const payload = Buffer.alloc(1024 * 1024);
      payload.writeUInt32BE(i);
      socket!.send(payload);
    }
    await new Promise((r) => setTimeout(r, 500));
    // The client stopped after reaching 2 MiB unread; beyond what the loopback socket buffers
    // hold (up to ~10 MiB), the rest waits on the server side. Without the byte bound the client
    // would read everything (the count bound of 1000 is far away) and the server would hold 0.
    expect(socket!.bufferedAmount).toBeGreaterThan(16 * 1024 * 1024);
    for (let i = 0; i < total; i++) {
      const { value } = await iterator.next();
      expect(Buffer.from(value!.data as Uint8Array).readUInt32BE(0)).toBe(i);
    }
    await expect.poll(() => socket!.bufferedAmount).toBe(0);
  });

  it('bounds the default iterator at 16 MiB', () => {
    expect(WebSocketClient.defaults.messages).toEqual({
      highWaterMark: 1000,
      highWaterBytes: 16 * 1024 * 1024,
    });
  });

  it('close() reads the close handshake even while paused', async () => {
    await using server = await startWsServer({ onConnection: () => {} });
    const client = new WebSocketClient({ url: server.url, heartbeat: false });
    client.messages({ highWaterMark: 1 }); // never read: pauses after the first message
    await client.connect();
    await expect.poll(() => server.clients.size).toBe(1);
    const [socket] = server.clients;
    for (let i = 0; i < 100; i++) socket!.send(Buffer.alloc(64 * 1024));
    await new Promise((r) => setTimeout(r, 100));
    let finalCode = 0;
    client.on('close', (e) => (finalCode = e.code));
    await client.close(4000);
    expect(finalCode).toBe(4000); // the server's echo of our close frame, not a 1006 after closeTimeout
  });
});
