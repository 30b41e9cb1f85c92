import { describe, expect, it } from 'vitest';
import { largeFileLanes } from '../src/transfer-lanes.js';

describe('largeFileLanes', () => {
  it('lets at most `count` holders in at once, hands a released lane to the next waiter in order', async () => {
    const lanes = largeFileLanes(2);
    const order: string[] = [];
    let inside = 0;
    let most = 0;
    const task = async (name: string, release: Promise<void>) => {
      const done = await lanes.acquire();
      inside++;
      most = Math.max(most, inside);
      order.push(name);
      await release;
      inside--;
      done();
      done(); // a second release is a no-op, not a second free lane
    };
    const gates = Array.from({ length: 5 }, () => {
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      return { gate, open };
    });
    const running = gates.map(({ gate }, i) => task(`t${i}`, gate));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['t0', 't1']);
    gates[1]!.open();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['t0', 't1', 't2']);
    for (const { open } of gates) open();
    await Promise.all(running);
    expect(order).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(most).toBe(2);
    // Every lane came back: two can be held at once again, not more.
    const a = await lanes.acquire();
    const b = await lanes.acquire();
    let third = false;
    void lanes.acquire().then(() => (third = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(third).toBe(false);
    a();
    await new Promise((resolve) => setImmediate(resolve));
    expect(third).toBe(true);
    b();
  });
});
