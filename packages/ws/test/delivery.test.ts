import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { WebSocketError } from '@net/errors';
import { startWsServer } from '@net/test-utils/ws';
import { describe, expect, it } from 'vitest';
import { WebSocketClient, type AckOptions, type WebSocketCloseEvent } from '../src/index.js';

const fast = { initialDelay: 20, maxDelay: 100, factor: 2 };

/** The app-level protocol of these tests: frames `{ seq, data }`, acks `{ ack: seq }`. */
const acks: AckOptions = {
  wrap: (seq, data) => ({ seq, data }),
  ackOf: (m) => m.json<{ ack?: number }>().ack,
};

function isQueueFull(err: unknown): boolean {
  return err instanceof WebSocketError && err.code === 'ERR_NET_WS_QUEUE_FULL';
}

describe('delivery', () => {
  it('throws ERR_NET_WS_QUEUE_FULL when maxMessages are waiting', () => {
    const client = new WebSocketClient({ url: 'ws://127.0.0.1:9/', queue: { maxMessages: 3 } });
    client.send(1);
    client.send(2);
    client.send(3);
    expect(() => client.send(4)).toThrow(WebSocketError);
    expect(() => client.send(4)).toThrow(
      expect.objectContaining({ code: 'ERR_NET_WS_QUEUE_FULL', retryable: true }),
    );
    expect(client.queued).toBe(3);
  });

  it('counts maxBytes in UTF-8 bytes of the frames', () => {
    const client = new WebSocketClient({ url: 'ws://127.0.0.1:9/', queue: { maxBytes: 10 } });
    client.send('12345678');
    expect(() => client.send('éa')).toThrow(
      expect.objectContaining({ code: 'ERR_NET_WS_QUEUE_FULL' }),
    );
    client.send('é');
    expect(client.bufferedAmount).toBe(10);
    expect(() => client.send(new Uint8Array(1))).toThrow(
      expect.objectContaining({ code: 'ERR_NET_WS_QUEUE_FULL' }),
    );
  });

  it('delivers what was sent while the server was down exactly once, in order, after reconnecting', async () => {
    await using server = await startWsServer();
    const got: string[] = [];
    server.handle((socket) => socket.on('message', (d) => got.push(d.toString())));
    await using client = new WebSocketClient({ url: server.url, reconnect: fast });
    await client.connect();
    client.send('before');
    await client.flush();
    await expect.poll(() => got.length).toBe(1);
    await server.stop();
    await expect.poll(() => client.state).toBe('reconnecting');
    for (let i = 0; i < 100; i++) client.send(`queued ${i}`);
    expect(client.queued).toBe(100);
    await server.start();
    await client.flush();
    await expect.poll(() => got.length).toBe(101);
    expect(got).toEqual(['before', ...Array.from({ length: 100 }, (_, i) => `queued ${i}`)]);
  });

  it('without acks, does not re-send a message written into a connection that then died', async () => {
    await using server = await startWsServer();
    const got: string[] = [];
    let connections = 0;
    server.handle((socket) => {
      const first = ++connections === 1;
      socket.on('message', (d) => {
        got.push(d.toString());
        if (first) socket.terminate(); // dies right after reading the message
      });
    });
    await using client = new WebSocketClient({ url: server.url, reconnect: fast });
    const opened = new Promise<void>((resolve) =>
      client.on('open', (e) => e.reconnected && resolve()),
    );
    await client.connect();
    client.send('in flight');
    await opened;
    client.send('next');
    await client.flush();
    await expect.poll(() => got).toEqual(['in flight', 'next']);
  });

  it('with acks, re-sends an unacknowledged message after reconnecting (the server sees it twice)', async () => {
    await using server = await startWsServer();
    const seqs: number[] = [];
    let connections = 0;
    server.handle((socket) => {
      const first = ++connections === 1;
      socket.on('message', (d) => {
        const { seq } = JSON.parse(d.toString()) as { seq: number };
        seqs.push(seq);
        if (first)
          socket.terminate(); // dies before acknowledging
        else socket.send(JSON.stringify({ ack: seq }));
      });
    });
    await using client = new WebSocketClient({ url: server.url, reconnect: fast, acks });
    await client.connect();
    client.send('in flight');
    expect(client.queued).toBe(1);
    await expect.poll(() => seqs.length).toBe(2);
    client.send('next');
    await client.flush();
    expect(seqs).toEqual([1, 1, 2]);
    expect(client.queued).toBe(0);
  });

  it('with acks, keeps unacknowledged messages within the queue bounds', async () => {
    await using server = await startWsServer({ onConnection: () => {} }); // never acknowledges
    await using client = new WebSocketClient({ url: server.url, acks, queue: { maxMessages: 2 } });
    await client.connect();
    client.send('a');
    client.send('b');
    expect(() => client.send('c')).toThrow(
      expect.objectContaining({ code: 'ERR_NET_WS_QUEUE_FULL' }),
    );
  });

  it('passes ack messages to listeners only with deliverAcks', async () => {
    await using server = await startWsServer({
      onConnection: (socket) =>
        socket.on('message', (d) => {
          const { seq } = JSON.parse(d.toString()) as { seq: number };
          socket.send(JSON.stringify({ ack: seq }));
          socket.send('not an ack');
        }),
    });
    for (const deliverAcks of [false, true]) {
      await using client = new WebSocketClient({ url: server.url, acks: { ...acks, deliverAcks } });
      const seen: string[] = [];
      client.on('message', (m) => seen.push(m.text()));
      await client.connect();
      client.send('x');
      await client.flush();
      await expect.poll(() => seen.includes('not an ack')).toBe(true);
      expect(seen).toEqual(deliverAcks ? ['{"ack":1}', 'not an ack'] : ['not an ack']);
    }
  });

  it('hands queued messages back in the final close event', async () => {
    const client = new WebSocketClient({ url: 'ws://127.0.0.1:9/', acks });
    client.send({ a: 1 });
    client.send('two');
    const closed = new Promise<WebSocketCloseEvent>((resolve) => client.on('close', resolve));
    await client.close();
    expect((await closed).discarded).toEqual([{ a: 1 }, 'two']);
  });

  it('with acks and a deduplicating server, delivers 10 000 messages exactly once and in order across 5 restarts', async () => {
    await using server = await startWsServer();
    // The server's durable state: it survives restarts, as a database would.
    let lastSeq = 0;
    const delivered: number[] = [];
    let duplicates = 0;
    let outOfOrder = 0;
    const restarts: Array<Promise<void>> = [];
    const restart = async () => {
      await server.stop(); // abrupt: connections dropped without close frames
      await new Promise((r) => setTimeout(r, 30));
      await server.start();
    };
    // The worst moment to die: right after processing a message, before acknowledging it.
    const crashAfter = new Set([1_500, 3_100, 4_700, 6_300, 7_900]);
    server.handle((socket) => {
      socket.on('message', (d) => {
        const { seq, data } = JSON.parse(d.toString()) as { seq: number; data: number };
        if (seq <= lastSeq) duplicates++;
        else if (seq !== lastSeq + 1) outOfOrder++;
        else {
          lastSeq = seq;
          delivered.push(data);
          if (crashAfter.delete(seq)) {
            restarts.push(restart());
            return;
          }
        }
        socket.send(JSON.stringify({ ack: lastSeq }));
      });
    });
    await using client = new WebSocketClient({ url: server.url, reconnect: fast, acks });
    let reconnects = 0;
    client.on('open', (e) => e.reconnected && reconnects++);
    await client.connect();

    let queueFull = 0;
    for (let n = 1; n <= 10_000;) {
      try {
        client.send(n);
      } catch (err) {
        if (!isQueueFull(err)) throw err;
        queueFull++;
        await client.flush();
        continue;
      }
      if (n % 25 === 0) await yieldToLoop();
      n++;
    }
    await Promise.all(restarts);
    await client.flush();
    console.log(
      `10 000 messages, 5 restarts: ${duplicates} duplicates dropped by the server, ${queueFull} QUEUE_FULL waits`,
    );
    expect(restarts).toHaveLength(5);
    expect(reconnects).toBeGreaterThanOrEqual(5);
    expect(duplicates).toBeGreaterThanOrEqual(5); // each crash lost an ack, so at least that message came again
    expect(outOfOrder).toBe(0);
    expect(delivered).toHaveLength(10_000);
    expect(delivered).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
  });
});
