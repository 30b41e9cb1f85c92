import { NetworkTimeoutError } from '@net/errors';
import { startRawWsPeer, startWsServer } from '@net/test-utils/ws';
import { describe, expect, it } from 'vitest';
import { clockStats } from '../src/heartbeat-clock.js';
import { WebSocketClient, type ReconnectingEvent } from '../src/index.js';

describe('heartbeat', () => {
  it('detects a peer that stops answering pings within interval + timeout and reconnects', async () => {
    await using peer = await startRawWsPeer('silent');
    const interval = 100;
    const timeout = 100;
    await using client = new WebSocketClient({
      url: peer.url,
      heartbeat: { interval, timeout },
      reconnect: { initialDelay: 10, maxDelay: 10 },
      closeTimeout: 100, // the silent peer never answers the close frame either
    });
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    const reconnecting = new Promise<ReconnectingEvent>((resolve) =>
      client.on('reconnecting', resolve),
    );
    await client.connect();
    const openedAt = performance.now();
    const event = await reconnecting;
    const detectedAfter = performance.now() - openedAt;
    expect(event.error).toBeInstanceOf(NetworkTimeoutError);
    expect(event.error).toMatchObject({ phase: 'idle', timeoutMs: timeout });
    expect(errors[0]).toBe(event.error);
    // Not right away (a ping must first go unanswered), and within interval + timeout. Both
    // bounds leave room for timer skew: Node starts timers from the event loop's cached clock,
    // which lags real time on a loaded machine.
    expect(detectedAfter).toBeGreaterThanOrEqual(interval);
    expect(detectedAfter).toBeLessThan(interval + timeout + 1_000);
    await expect.poll(() => peer.connections).toBeGreaterThanOrEqual(2);
  });

  it('keeps a connection whose server answers pings', async () => {
    await using server = await startWsServer();
    // A generous timeout: a loaded machine may stall the event loop past a short one.
    await using client = new WebSocketClient({
      url: server.url,
      heartbeat: { interval: 30, timeout: 1_000 },
    });
    let pings = 0;
    server.handle((socket) => socket.on('ping', () => pings++));
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    await client.connect();
    await expect.poll(() => pings, { timeout: 5_000 }).toBeGreaterThanOrEqual(5);
    expect(errors).toEqual([]);
    expect(client.state).toBe('open');
  });

  it('sends an application-level ping message in message mode and treats any reply as life', async () => {
    await using server = await startWsServer(); // echoes the ping back
    const seen: string[] = [];
    server.handle((socket) =>
      socket.on('message', (d) => {
        seen.push(d.toString());
        socket.send(d);
      }),
    );
    await using client = new WebSocketClient({
      url: server.url,
      heartbeat: { mode: 'message', message: { type: 'ping' }, interval: 30, timeout: 1_000 },
    });
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    await client.connect();
    await expect.poll(() => seen.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(4);
    expect(seen[0]).toBe('{"type":"ping"}');
    expect(errors).toEqual([]);
  });

  it('detects a silent peer in message mode too', async () => {
    await using peer = await startRawWsPeer('silent');
    await using client = new WebSocketClient({
      url: peer.url,
      heartbeat: { mode: 'message', message: 'ping', interval: 50, timeout: 50 },
      reconnect: false,
    });
    const closed = new Promise<unknown>((resolve) => client.on('error', resolve));
    await client.connect();
    expect(await closed).toBeInstanceOf(NetworkTimeoutError);
    await expect.poll(() => client.state).toBe('closed');
  });

  it('sends no pings when heartbeat is false', async () => {
    await using server = await startWsServer();
    let pings = 0;
    server.handle((socket) => socket.on('ping', () => pings++));
    await using client = new WebSocketClient({ url: server.url, heartbeat: false });
    await client.connect();
    await new Promise((r) => setTimeout(r, 100));
    expect(pings).toBe(0);
  });

  it('shares one timer among connections with the same interval, and each still detects its own dead peer', async () => {
    await using server = await startWsServer();
    await using silent = await startRawWsPeer('silent');
    const heartbeat = { interval: 60, timeout: 150 };
    expect(clockStats()).toEqual({ timers: 0, members: 0 });
    const healthy = Array.from(
      { length: 10 },
      () => new WebSocketClient({ url: server.url, heartbeat, reconnect: false }),
    );
    await Promise.all(healthy.map((c) => c.connect()));
    // One shared interval timer drives all ten heartbeats.
    expect(clockStats()).toEqual({ timers: 1, members: 10 });
    const dead = new WebSocketClient({
      url: silent.url,
      heartbeat,
      reconnect: false,
      closeTimeout: 50,
    });
    const deadError = new Promise<unknown>((resolve) => dead.on('error', resolve));
    await dead.connect();
    expect(await deadError).toBeInstanceOf(NetworkTimeoutError);
    await expect.poll(() => dead.state).toBe('closed');
    await new Promise((r) => setTimeout(r, 300));
    expect(healthy.map((c) => c.state)).toEqual(Array.from({ length: 10 }, () => 'open'));
    await Promise.all(healthy.map((c) => c.close()));
    expect(clockStats()).toEqual({ timers: 0, members: 0 });
  });

  it('with timeout 0 keeps pinging a silent peer but never declares it dead', async () => {
    await using peer = await startRawWsPeer('silent');
    await using client = new WebSocketClient({
      url: peer.url,
      heartbeat: { interval: 20, timeout: 0 },
      closeTimeout: 50,
    });
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    await client.connect();
    await new Promise((r) => setTimeout(r, 300));
    expect(errors).toEqual([]);
    expect(client.state).toBe('open');
    // Masked client frames start with 0x89 for a ping: several went out.
    const pings = [...peer.received[0]!].filter((b) => b === 0x89).length;
    expect(pings).toBeGreaterThanOrEqual(3);
  });
});
