import { describe, expect, it } from 'vitest';
import { Message } from '../src/index.js';
import { MessageFanout } from '../src/message-fanout.js';

describe('MessageFanout', () => {
  it('reports pressure when the first iterator fills up and relief when the last drains', async () => {
    const reports: boolean[] = [];
    const fanout = new MessageFanout((full) => reports.push(full));
    const a = fanout.open(4, false);
    const b = fanout.open(4, false);
    for (let i = 0; i < 4; i++) fanout.push(new Message(`m${i}`, false));
    expect(reports).toEqual([true]);
    expect(fanout.full).toBe(true);
    for (let i = 0; i < 3; i++) await a.next();
    expect(reports).toEqual([true]);
    for (let i = 0; i < 3; i++) await b.next();
    expect(reports).toEqual([true, false]);
    expect(fanout.full).toBe(false);
  });

  it('ends every iterator with the closing error and hands out ended ones after close', async () => {
    const fanout = new MessageFanout(() => {});
    const open = fanout.open(undefined, false);
    const error = new Error('closed');
    fanout.end(error);
    await expect(open.next()).rejects.toBe(error);
    await expect(fanout.open(undefined, true).next()).resolves.toEqual({
      value: undefined,
      done: true,
    });
  });

  it('rejects a highWaterMark that is not a positive integer', () => {
    const fanout = new MessageFanout(() => {});
    for (const bad of [0, -1, 1.5, Number.NaN, '2' as unknown as number]) {
      expect(() => fanout.open(bad, false)).toThrow(RangeError);
    }
  });
});
