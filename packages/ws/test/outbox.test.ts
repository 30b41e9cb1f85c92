import { describe, expect, it } from 'vitest';
import { Outbox } from '../src/outbox.js';

const entry = (seq: number) => ({ frame: `m${seq}`, bytes: 2, seq, data: seq });

describe('Outbox', () => {
  it('writes in order and forgets written entries outside ack mode', () => {
    const box = new Outbox(10, 100);
    [1, 2, 3].forEach((n) => box.push(entry(n)));
    const written: unknown[] = [];
    box.writeAll((f) => written.push(f), false);
    expect(written).toEqual(['m1', 'm2', 'm3']);
    expect(box.size).toBe(0);
    expect(box.bytes).toBe(0);
  });

  it('in ack mode keeps written entries until acknowledged and rewrites them after rewind', () => {
    const box = new Outbox(10, 100);
    [1, 2, 3].forEach((n) => box.push(entry(n)));
    box.writeAll(() => {}, true);
    expect(box.unwritten).toBe(0);
    box.acknowledge(2);
    expect(box.size).toBe(1);
    box.push(entry(4));
    box.rewind();
    const written: unknown[] = [];
    box.writeAll((f) => written.push(f), true);
    expect(written).toEqual(['m3', 'm4']);
    expect(box.drain()).toEqual([3, 4]);
  });

  it('stays correct across compaction of a long queue', () => {
    const box = new Outbox(10_000, 1e9);
    for (let n = 1; n <= 5_000; n++) box.push(entry(n));
    box.writeAll(() => {}, true);
    box.acknowledge(4_000);
    expect(box.size).toBe(1_000);
    expect(box.drain()[0]).toBe(4_001);
  });

  it('checks both bounds', () => {
    const box = new Outbox(2, 5);
    expect(box.fits(5)).toBe(true);
    expect(box.fits(6)).toBe(false);
    box.push(entry(1));
    box.push(entry(2));
    expect(box.fits(0)).toBe(false);
  });
});
