import type { WebSocketError } from '@net/errors';
import { ConnectionError } from '@net/errors';
import { expectNoLeakedHandles, snapshotHandles } from '@net/test-utils';
import { startWsServer } from '@net/test-utils/ws';
import { describe, expect, it } from 'vitest';
import { WebSocketClient, type WebSocketCloseEvent, type ReconnectingEvent } from '../src/index.js';

const fast = { initialDelay: 20, maxDelay: 80, factor: 2 };

function nextEvent<E extends 'open' | 'close' | 'reconnecting' | 'error'>(
  client: WebSocketClient,
  event: E,
) {
  return new Promise<Parameters<Parameters<WebSocketClient['on']>[1]>[0]>((resolve) => {
    const off = client.on(event, (payload) => {
      off();
      resolve(payload);
    });
  });
}

describe('reconnect', () => {
  it('reconnects after the server restarts and keeps delivering', async () => {
    await using server = await startWsServer();
    await using client = new WebSocketClient({ url: server.url, reconnect: fast });
    const reconnecting: ReconnectingEvent[] = [];
    client.on('reconnecting', (e) => reconnecting.push(e));
    await client.connect();
    const closed = nextEvent(client, 'close');
    await server.stop();
    expect(await closed).toMatchObject({ code: 1006, willReconnect: true });
    await server.start();
    const opened = await nextEvent(client, 'open');
    expect(opened).toMatchObject({ reconnected: true });
    expect(reconnecting[0]).toMatchObject({ attempt: 1 });
    expect(reconnecting[0]!.delay).toBeGreaterThanOrEqual(0);
    expect(reconnecting[0]!.delay).toBeLessThan(20);
    client.send('after');
    expect((await client.messages().next()).value?.text()).toBe('after');
  });

  it('backs off exponentially with jitter while the server stays down', async () => {
    await using server = await startWsServer();
    await using client = new WebSocketClient({
      url: server.url,
      reconnect: { initialDelay: 10, maxDelay: 40, factor: 2 },
    });
    const events: ReconnectingEvent[] = [];
    client.on('reconnecting', (e) => events.push(e));
    await client.connect();
    await server.stop();
    await expect.poll(() => events.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(6);
    expect(events.slice(0, 6).map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    const bounds = [10, 20, 40, 40, 40, 40];
    events.slice(0, 6).forEach((e, i) => expect(e.delay).toBeLessThan(bounds[i]!));
    // Attempts after the first fail with the refusal that caused them.
    expect(events[1]!.error).toBeInstanceOf(ConnectionError);
  });

  it('gives up after maxAttempts and closes with the last error', async () => {
    await using server = await startWsServer();
    const client = new WebSocketClient({ url: server.url, reconnect: { ...fast, maxAttempts: 3 } });
    const events: ReconnectingEvent[] = [];
    client.on('reconnecting', (e) => events.push(e));
    const finalClose = new Promise<WebSocketCloseEvent>((resolve) =>
      client.on('close', (e) => !e.willReconnect && resolve(e)),
    );
    await client.connect();
    const iterator = client.messages();
    await server.stop();
    await finalClose;
    expect(events.map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(client.state).toBe('closed');
    await expect(iterator.next()).rejects.toBeInstanceOf(ConnectionError);
  });

  it.each([
    [1000, false],
    [1008, false],
    [1001, true],
    [1011, true],
    [4000, true],
  ])('after the server closes with %i, reconnects: %s', async (code, reconnects) => {
    await using server = await startWsServer();
    await using client = new WebSocketClient({ url: server.url, reconnect: fast });
    await client.connect();
    const closed = nextEvent(client, 'close') as Promise<WebSocketCloseEvent>;
    for (const socket of server.clients) socket.close(code, 'server says');
    expect(await closed).toMatchObject({
      code,
      reason: 'server says',
      wasClean: true,
      willReconnect: reconnects,
    });
    if (reconnects) await nextEvent(client, 'open');
    expect(client.state).toBe(reconnects ? 'open' : 'closed');
  });

  it('asks shouldReconnect with the close code', async () => {
    await using server = await startWsServer();
    const asked: number[] = [];
    await using client = new WebSocketClient({
      url: server.url,
      reconnect: { ...fast, shouldReconnect: (code) => (asked.push(code), code !== 4001) },
    });
    await client.connect();
    const closed = nextEvent(client, 'close') as Promise<WebSocketCloseEvent>;
    for (const socket of server.clients) socket.close(4001);
    expect(await closed).toMatchObject({ willReconnect: false });
    expect(asked).toEqual([4001]);
  });

  it('does not reconnect when reconnect is false', async () => {
    await using server = await startWsServer();
    const client = new WebSocketClient({ url: server.url, reconnect: false });
    await client.connect();
    const closed = nextEvent(client, 'close') as Promise<WebSocketCloseEvent>;
    await server.stop();
    expect(await closed).toMatchObject({ code: 1006, willReconnect: false });
    expect(client.state).toBe('closed');
  });

  it('stops on a 4xx handshake while reconnecting but keeps trying through a 503', async () => {
    await using server = await startWsServer();
    const client = new WebSocketClient({ url: server.url, reconnect: fast });
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    await client.connect();
    server.refuseHandshakes(503);
    for (const socket of server.clients) socket.terminate();
    await expect
      .poll(() => errors.filter((e) => (e as WebSocketError).statusCode === 503).length)
      .toBeGreaterThan(1);
    expect(client.state).toBe('reconnecting');
    server.refuseHandshakes(401);
    await expect.poll(() => client.state, { timeout: 5_000 }).toBe('closed');
    expect(errors.at(-1)).toMatchObject({ code: 'ERR_NET_WS_HANDSHAKE', statusCode: 401 });
  });

  it('close() during back-off stops reconnecting and settles every pending promise', async () => {
    const before = snapshotHandles();
    await using server = await startWsServer();
    const client = new WebSocketClient({
      url: server.url,
      reconnect: { initialDelay: 60_000, maxDelay: 60_000 },
    });
    await client.connect();
    const reconnecting = nextEvent(client, 'reconnecting');
    await server.stop();
    await reconnecting;
    const iterator = client.messages();
    const next = iterator.next();
    const connecting = client.connect();
    client.send('queued');
    const flushing = client.flush();
    let finalClose: WebSocketCloseEvent | undefined;
    client.on('close', (e) => (finalClose = e));
    await client.close();
    await expect(connecting).rejects.toMatchObject({ code: 'ERR_NET_WS_CLOSED' });
    await expect(flushing).rejects.toMatchObject({ code: 'ERR_NET_WS_CLOSED' });
    expect(await next).toEqual({ value: undefined, done: true });
    expect(finalClose).toMatchObject({ willReconnect: false, discarded: ['queued'] });
    expect(client.state).toBe('closed');
    await server.close();
    await expectNoLeakedHandles(before);
  });

  it('stays closed when an error listener calls close() during a drop', async () => {
    await using server = await startWsServer();
    const client = new WebSocketClient({ url: server.url, reconnect: fast });
    const reconnecting: ReconnectingEvent[] = [];
    client.on('reconnecting', (e) => reconnecting.push(e));
    const closing = new Promise<void>((resolve) =>
      client.on('error', () => void client.close().then(resolve)),
    );
    await client.connect();
    await server.stop();
    await closing;
    await new Promise((r) => setTimeout(r, 100));
    expect(client.state).toBe('closed');
    expect(reconnecting).toEqual([]);
  });
});
