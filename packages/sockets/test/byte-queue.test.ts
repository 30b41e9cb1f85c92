import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteQueue } from '../src/byte-queue.js';

describe('ByteQueue', () => {
  it('finds a needle anywhere, including across chunk boundaries, like Buffer.indexOf on the whole', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 8 }), { maxLength: 10 }),
        fc.uint8Array({ minLength: 1, maxLength: 3 }),
        fc.nat(20),
        fc.nat(5),
        (chunks, needle, from, skipped) => {
          const queue = new ByteQueue();
          for (const chunk of chunks) queue.push(Buffer.from(chunk));
          const whole = Buffer.concat(chunks.map((c) => Buffer.from(c))).subarray(
            Math.min(skipped, queue.length),
          );
          queue.skip(skipped);
          const expected = from > whole.length ? -1 : whole.indexOf(Buffer.from(needle), from);
          expect(queue.indexOf(Buffer.from(needle), from)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('takes bytes across chunks in order and counts what was consumed', () => {
    const queue = new ByteQueue();
    queue.push(Buffer.from('abc'));
    queue.push(Buffer.from('def'));
    expect(queue.take(2).toString()).toBe('ab');
    expect(queue.take(3).toString()).toBe('cde');
    expect(queue.peekUIntBE(1)).toBe('f'.charCodeAt(0));
    expect(queue.length).toBe(1);
    expect(queue.consumed).toBe(5);
    expect(() => queue.take(2)).toThrow(RangeError);
  });
});
