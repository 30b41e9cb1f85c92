import { describe, expect, it } from 'vitest';
import { ChannelLimiter } from '../src/channel-limiter.js';

describe('ChannelLimiter', () => {
  it('grants up to its size at once and queues the rest in order', async () => {
    const limiter = new ChannelLimiter(2);
    const order: number[] = [];
    const releases = await Promise.all([limiter.acquire(), limiter.acquire()]);
    const third = limiter.acquire().then((release) => {
      order.push(3);
      return release;
    });
    const fourth = limiter.acquire().then((release) => {
      order.push(4);
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual([]);
    releases[0]();
    releases[0](); // a second call is ignored, not a second slot
    (await third)();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual([3, 4]);
    releases[1]();
    (await fourth)();
    // All four slots were returned: two can be taken at once again, a third waits.
    await Promise.all([limiter.acquire(), limiter.acquire()]);
    let granted = false;
    void limiter.acquire().then(() => (granted = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(granted).toBe(false);
  });

  it('an aborted waiter leaves the queue with AbortError; rejectAll fails every waiter', async () => {
    const limiter = new ChannelLimiter(1);
    const release = await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const other = limiter.acquire();
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ERR_NET_ABORTED' });
    await expect(limiter.acquire(AbortSignal.abort())).rejects.toMatchObject({
      code: 'ERR_NET_ABORTED',
    });
    release();
    (await other)();
    const hold = await limiter.acquire();
    const waiting = limiter.acquire();
    limiter.rejectAll(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    hold();
  });
});
