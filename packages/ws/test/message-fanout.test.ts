import { describe, expect, it } from 'vitest';
import { Message, WebSocketClient, WebSocketError } from '../src/index.js';
import { MessageFanout } from '../src/message-fanout.js';
import { iteratorOverflowError } from '../src/client-errors.js';

const url = 'ws://127.0.0.1:9/';
const overflow = (
  unread: number,
  bytes: number,
  limits: { highWaterMark: number; highWaterBytes: number },
) => iteratorOverflowError(url, unread, bytes, limits);
const limits = (highWaterMark: number, highWaterBytes = 1 << 24) => ({
  highWaterMark,
  highWaterBytes,
});

describe('MessageFanout', () => {
  it('reports pressure when the first iterator fills up and relief when the last drains', async () => {
    const reports: boolean[] = [];
    const fanout = new MessageFanout((full) => reports.push(full), true, overflow);
    const a = fanout.open(limits(4), false);
    const b = fanout.open(limits(4), false);
    for (let i = 0; i < 4; i++) fanout.push(new Message(`m${i}`, false));
    expect(reports).toEqual([true]);
    expect(fanout.full).toBe(true);
    for (let i = 0; i < 3; i++) await a.next();
    expect(reports).toEqual([true]);
    for (let i = 0; i < 3; i++) await b.next();
    expect(reports).toEqual([true, false]);
    expect(fanout.full).toBe(false);
  });

  it('reports pressure at highWaterBytes and relief at a quarter of it', async () => {
    const reports: boolean[] = [];
    const fanout = new MessageFanout((full) => reports.push(full), true, overflow);
    const it = fanout.open(limits(1000, 1000), false);
    for (let i = 0; i < 3; i++) fanout.push(new Message(new Uint8Array(300), true));
    expect(reports).toEqual([]);
    fanout.push(new Message('x'.repeat(100), false)); // 1000: at the bound
    expect(reports).toEqual([true]);
    await it.next();
    await it.next();
    expect(reports).toEqual([true]); // 400 left: more than a quarter
    await it.next();
    expect(reports).toEqual([true, false]);
  });

  it('without pausing (browsers), fails the iterator loudly at its bound instead of growing', async () => {
    const reports: boolean[] = [];
    const fanout = new MessageFanout((full) => reports.push(full), false, overflow);
    const small = fanout.open(limits(3), false);
    const bytes = fanout.open(limits(1000, 250), false);
    const roomy = fanout.open(limits(1000), false);
    for (let i = 0; i < 10; i++) fanout.push(new Message(new Uint8Array(100), true));
    // No pressure: nothing can be paused, so the heartbeat must keep running.
    expect(reports).toEqual([]);
    for (let i = 0; i < 3; i++) expect((await small.next()).done).toBe(false);
    const error = await small.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebSocketError);
    expect(error).toMatchObject({ code: 'ERR_NET_WS_QUEUE_FULL', retryable: false });
    expect((error as Error).message).toMatch(/highWaterMark 3/);
    expect(await small.next()).toEqual({ value: undefined, done: true });
    for (let i = 0; i < 3; i++) expect((await bytes.next()).done).toBe(false);
    await expect(bytes.next()).rejects.toMatchObject({ code: 'ERR_NET_WS_QUEUE_FULL' });
    for (let i = 0; i < 10; i++) expect((await roomy.next()).done).toBe(false);
  });

  it('ends every iterator with the closing error and hands out ended ones after close', async () => {
    const fanout = new MessageFanout(() => {}, true, overflow);
    const open = fanout.open(limits(10), false);
    const error = new Error('closed');
    fanout.end(error);
    await expect(open.next()).rejects.toBe(error);
    await expect(fanout.open(limits(10), true).next()).resolves.toEqual({
      value: undefined,
      done: true,
    });
  });

  it('rejects bounds that are not positive integers, and unknown keys', () => {
    const client = new WebSocketClient({ url: 'ws://127.0.0.1:9/' });
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => client.messages({ highWaterMark: bad })).toThrow(RangeError);
      expect(() => client.messages({ highWaterBytes: bad })).toThrow(RangeError);
    }
    expect(() => client.messages({ highWaterMark: '2' as unknown as number })).toThrow(TypeError);
    expect(() => client.messages({ highWaterByte: 5 } as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_VALUE',
        message: expect.stringContaining("Did you mean 'highWaterBytes'?"),
      }),
    );
  });
});
