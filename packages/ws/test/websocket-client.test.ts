import { setTimeout as delay } from 'node:timers/promises';
import { NetworkTimeoutError, WebSocketError } from '@net/errors';
import { startRawWsPeer, startWsServer } from '@net/test-utils/ws';
import { describe, expect, it } from 'vitest';
import type { WebSocketCloseEvent, Message } from '../src/index.js';
import { WebSocketClient, type WebSocketState } from '../src/index.js';

describe('WebSocketClient', () => {
  it('connects, sends text, binary and JSON, and receives them back as messages', async () => {
    await using server = await startWsServer();
    await using client = new WebSocketClient({ url: server.url });
    const received: Message[] = [];
    client.on('message', (m) => received.push(m));
    await client.connect();
    expect(client.state).toBe('open');
    client.send('hello');
    client.send(new Uint8Array([1, 2, 3]));
    client.send({ subscribe: 'ticker', n: [1, 2] });
    client.send(42);
    client.send(null);
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(5);
    expect(received[0]!.data).toBe('hello');
    expect(received[0]!.isBinary).toBe(false);
    expect(received[1]!.isBinary).toBe(true);
    expect([...(received[1]!.data as Uint8Array)]).toEqual([1, 2, 3]);
    expect(received[2]!.json()).toEqual({ subscribe: 'ticker', n: [1, 2] });
    expect(received[3]!.json()).toBe(42);
    expect(received[4]!.json()).toBeNull();
  });

  it('iterates messages with for await and ends the loop when the client is closed', async () => {
    await using server = await startWsServer();
    const client = new WebSocketClient({ url: server.url });
    await client.connect();
    client.send('a');
    client.send('b');
    const seen: string[] = [];
    for await (const m of client) {
      seen.push(m.text());
      if (seen.length === 2) void client.close();
    }
    expect(seen).toEqual(['a', 'b']);
    expect(client.state).toBe('closed');
  });

  it('gives each messages() iterator every message and stops one on break', async () => {
    await using server = await startWsServer();
    await using client = new WebSocketClient({ url: server.url });
    await client.connect();
    const first = client.messages();
    const second = client.messages();
    client.send('x');
    expect((await first.next()).value?.text()).toBe('x');
    expect((await second.next()).value?.text()).toBe('x');
    await first.return!();
    client.send('y');
    expect((await second.next()).value?.text()).toBe('y');
    expect(await first.next()).toEqual({ value: undefined, done: true });
  });

  it('goes through idle, connecting, open, closing and closed', async () => {
    await using server = await startWsServer();
    const client = new WebSocketClient({ url: server.url });
    const states: WebSocketState[] = [client.state];
    const connecting = client.connect();
    states.push(client.state);
    await connecting;
    states.push(client.state);
    const closing = client.close(4000, 'bye');
    states.push(client.state);
    await closing;
    states.push(client.state);
    expect(states).toEqual(['idle', 'connecting', 'open', 'closing', 'closed']);
  });

  it('sends the close code and reason to the server and reports them in the final close event', async () => {
    await using server = await startWsServer();
    const closedOnServer = new Promise<[number, string]>((resolve) =>
      server.handle((socket) =>
        socket.on('close', (code, reason) => resolve([code, reason.toString()])),
      ),
    );
    const client = new WebSocketClient({ url: server.url });
    const closes: Array<{ code: number; reason: string; willReconnect: boolean }> = [];
    client.on('close', (e) => closes.push(e));
    await client.connect();
    await client.close(4001, 'done here');
    expect(await closedOnServer).toEqual([4001, 'done here']);
    expect(closes).toEqual([
      expect.objectContaining({ code: 4001, reason: 'done here', willReconnect: false }),
    ]);
  });

  it('on() returns an unsubscribe function', async () => {
    await using server = await startWsServer();
    await using client = new WebSocketClient({ url: server.url });
    let count = 0;
    const off = client.on('message', () => count++);
    await client.connect();
    client.send('1');
    await expect.poll(() => count).toBe(1);
    off();
    client.send('2');
    await client.messages().next();
    expect(count).toBe(1);
  });

  it('sends handshake headers and subprotocols, and reports the chosen protocol', async () => {
    await using server = await startWsServer();
    await using client = new WebSocketClient({
      url: server.url,
      protocols: ['chat.v2', 'chat.v1'],
      headers: { 'x-client': 'net-ws', authorization: 'Bearer secret' },
    });
    let openProtocol = '';
    client.on('open', (e) => (openProtocol = e.protocol));
    await client.connect();
    expect(server.upgrades[0]!['x-client']).toBe('net-ws');
    expect(server.upgrades[0]!['sec-websocket-protocol']).toBe('chat.v2,chat.v1');
    expect(server.upgrades[0]!['sec-websocket-extensions']).toBeUndefined(); // permessage-deflate off
    expect(openProtocol).toBe('chat.v2');
    expect(client.protocol).toBe('chat.v2');
  });

  it('rejects connect() with NetworkTimeoutError when the peer never answers the upgrade', async () => {
    await using peer = await startRawWsPeer('no-answer');
    await using client = new WebSocketClient({ url: peer.url, connectTimeout: 150 });
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkTimeoutError);
    expect(error).toMatchObject({ phase: 'connect', timeoutMs: 150 });
    expect(client.state).toBe('idle');
  });

  it('waits without limit with connectTimeout 0 until the signal fires', async () => {
    await using peer = await startRawWsPeer('no-answer');
    await using client = new WebSocketClient({ url: peer.url, connectTimeout: 0 });
    const controller = new AbortController();
    const pending = client.connect({ signal: controller.signal });
    const early = await Promise.race([
      pending.then(
        () => 'open',
        () => 'failed',
      ),
      delay(300),
    ]);
    expect(early).toBeUndefined(); // still connecting: 0 is "no limit", not "time out at once"
    expect(client.state).toBe('connecting');
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_NET_ABORTED' });
  });

  it('rejects connect() with AbortError when its signal fires and returns to idle', async () => {
    await using peer = await startRawWsPeer('no-answer');
    await using client = new WebSocketClient({ url: peer.url });
    const controller = new AbortController();
    const pending = client.connect({ signal: controller.signal });
    await delay(50);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_NET_ABORTED' });
    expect(client.state).toBe('idle');
  });

  it('can connect() again after a first connect() failed, keeping what was queued', async () => {
    await using server = await startWsServer();
    await server.stop();
    await using client = new WebSocketClient({ url: server.url });
    client.send('kept');
    await expect(client.connect()).rejects.toMatchObject({ code: 'ERR_NET_CONNECTION_REFUSED' });
    expect(client.state).toBe('idle');
    await server.start();
    await client.connect();
    expect((await client.messages().next()).value?.text()).toBe('kept');
  });

  it('queues what is sent before connect() and delivers it in order once open', async () => {
    await using server = await startWsServer();
    const got: string[] = [];
    server.handle((socket) => socket.on('message', (d) => got.push(d.toString())));
    await using client = new WebSocketClient({ url: server.url });
    client.send('1');
    client.send('2');
    expect(client.queued).toBe(2);
    await client.connect();
    client.send('3');
    await client.flush();
    await expect.poll(() => got).toEqual(['1', '2', '3']);
  });

  it('flush() resolves once the socket has written a large burst', async () => {
    await using server = await startWsServer();
    let bytes = 0;
    server.handle((socket) => socket.on('message', (d: Buffer) => (bytes += d.length)));
    // A bound large enough for the whole 10 MiB burst: the socket buffers what the kernel won't take.
    await using client = new WebSocketClient({ url: server.url, queue: { maxBytes: 16 << 20 } });
    await client.connect();
    const chunk = new Uint8Array(256 * 1024);
    for (let i = 0; i < 40; i++) client.send(chunk);
    expect(client.bufferedAmount).toBeGreaterThan(0);
    await client.flush();
    expect(client.bufferedAmount).toBe(0);
    await expect.poll(() => bytes, { timeout: 10_000 }).toBe(40 * chunk.length);
  });

  it('throws WebSocketError ERR_NET_WS_CLOSED from send() after close()', async () => {
    await using server = await startWsServer();
    const client = new WebSocketClient({ url: server.url });
    await client.connect();
    await client.close();
    expect(() => client.send('late')).toThrow(WebSocketError);
    expect(() => client.send('late')).toThrow(
      expect.objectContaining({ code: 'ERR_NET_WS_CLOSED' }),
    );
    await expect(client.connect()).rejects.toMatchObject({ code: 'ERR_NET_WS_CLOSED' });
    await expect(client.flush()).rejects.toMatchObject({ code: 'ERR_NET_WS_CLOSED' });
  });

  it('emits open once per connection', async () => {
    await using server = await startWsServer();
    await using client = new WebSocketClient({ url: server.url });
    let opens = 0;
    client.on('open', () => opens++);
    await client.connect();
    await client.connect();
    expect(opens).toBe(1);
  });

  it('close() gives up on a peer that never answers the close frame after closeTimeout', async () => {
    await using peer = await startRawWsPeer('silent');
    const client = new WebSocketClient({ url: peer.url, closeTimeout: 100, heartbeat: false });
    const finalClose = new Promise<WebSocketCloseEvent>((resolve) => client.on('close', resolve));
    await client.connect();
    await client.close(1000, 'bye');
    expect(await finalClose).toMatchObject({ code: 1006, wasClean: false, willReconnect: false });
  });

  it("close()'s signal drops the connection without waiting for the close frame", async () => {
    await using peer = await startRawWsPeer('silent');
    const client = new WebSocketClient({ url: peer.url, heartbeat: false }); // closeTimeout 5 s
    await client.connect();
    const controller = new AbortController();
    const closing = client.close(1000, '', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await closing;
    expect(client.state).toBe('closed');
  });

  it('connect() while reconnecting resolves when the connection is back', async () => {
    await using server = await startWsServer();
    await using client = new WebSocketClient({ url: server.url, reconnect: { initialDelay: 20 } });
    await client.connect();
    await server.stop();
    await expect.poll(() => client.state).toBe('reconnecting');
    const back = client.connect();
    await server.start();
    await back;
    expect(client.state).toBe('open');
  });

  it('flush() rejects with AbortError when its signal fires', async () => {
    const client = new WebSocketClient({ url: 'ws://127.0.0.1:9/' });
    client.send('waits for a connection that never comes');
    const controller = new AbortController();
    const flushing = client.flush({ signal: controller.signal });
    controller.abort();
    await expect(flushing).rejects.toMatchObject({ code: 'ERR_NET_ABORTED' });
    await client.close();
  });
});
