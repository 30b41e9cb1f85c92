import { describe, expect, it } from 'vitest';
import { WebSocketClient } from '../src/index.js';
import { ReconnectSchedule } from '../src/reconnect-schedule.js';

const policy = (overrides: Partial<typeof WebSocketClient.defaults.reconnect> = {}) => ({
  ...WebSocketClient.defaults.reconnect,
  initialDelay: 1,
  maxDelay: 1,
  maxAttempts: 2,
  ...overrides,
});

describe('ReconnectSchedule', () => {
  it('numbers attempts, runs each after its delay, stops at maxAttempts and counts again after reset', async () => {
    const schedule = new ReconnectSchedule(policy());
    let started = 0;
    const ran = () =>
      new Promise<void>((resolve) => {
        const next = schedule.next(() => {
          started++;
          resolve();
        });
        expect(next?.delay).toBeGreaterThanOrEqual(0);
        expect(next?.delay).toBeLessThanOrEqual(1);
      });
    await ran();
    await ran();
    expect(started).toBe(2);
    expect(schedule.next(() => started++)).toBeUndefined();
    schedule.reset();
    const next = schedule.next(() => started++);
    schedule.cancel();
    expect(next?.attempt).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toBe(2);
  });

  it('asks shouldReconnect and treats a throwing predicate or reconnect: false as no', () => {
    expect(new ReconnectSchedule(policy()).allows(1006)).toBe(true);
    expect(new ReconnectSchedule(policy()).allows(1000)).toBe(false);
    const throwing = policy({
      shouldReconnect: () => {
        throw new Error('app bug');
      },
    });
    expect(new ReconnectSchedule(throwing).allows(1006)).toBe(false);
    expect(new ReconnectSchedule(policy({ maxAttempts: 0 })).allows(1006)).toBe(false);
    expect(new ReconnectSchedule(false).allows(1006)).toBe(false);
    expect(new ReconnectSchedule(false).next(() => {})).toBeUndefined();
  });
});
