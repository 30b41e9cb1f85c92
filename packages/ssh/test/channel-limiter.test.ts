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

  it('learns a lower limit from a refusal, queues, and raises it again after clean opens', async () => {
    const limiter = new ChannelLimiter(8);
    const held = await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    // The third open was refused: the server allows two.
    expect(limiter.refused()).toBe(true);
    expect(limiter.limit).toBe(2);
    held[2]();
    let granted = false;
    const waiting = limiter.acquire(undefined, true).then((release) => {
      granted = true;
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(granted).toBe(false);
    held[0]();
    (await waiting)();
    for (let i = 0; i < 8; i++) limiter.opened();
    expect(limiter.limit).toBe(3);
    // Alone and refused: waiting for a release would not help.
    const single = new ChannelLimiter(4);
    const only = await single.acquire();
    expect(single.refused()).toBe(false);
    only();
  });

  it('keeps the SFTP reservation out of what a refusal can take away', async () => {
    const limiter = new ChannelLimiter(2);
    limiter.reserve();
    const exec = await limiter.acquire();
    expect(limiter.refused()).toBe(false);
    expect(limiter.limit).toBe(2);
    exec();
    limiter.unreserve();
    expect(limiter.active).toBe(0);
  });
});
