import { describe, expect, it } from 'vitest';
import { AdaptiveLimit } from '../src/adaptive-limit.js';

// Pure arithmetic: time is passed in, no timers involved.
describe('AdaptiveLimit', () => {
  it('halves to what was in flight on a resource error, then grows back to the maximum', () => {
    const limit = new AdaptiveLimit(256, 1_000);
    limit.onResourceError(100);
    expect(limit.limit).toBe(50);
    limit.onResourceError(1);
    expect(limit.limit).toBe(1);
    expect(limit.lowest).toBe(1);
    let completions = 0;
    while (limit.limit < 256 && completions < 10_000) {
      limit.onCompleted(false, completions);
      completions++;
    }
    expect(limit.limit).toBe(256);
    expect(limit.lowest).toBe(1);
  });

  it('cuts by a quarter when timeouts rise, at most once per cooldown, never below a sixteenth', () => {
    const limit = new AdaptiveLimit(256, 1_000);
    // A few timeouts among many answers change nothing.
    for (let i = 0; i < 100; i++) limit.onCompleted(i % 20 === 0, 0);
    expect(limit.limit).toBe(256);
    // A run of timeouts pushes the smoothed rate over 30 %: one cut within the cooldown.
    for (let i = 0; i < 10; i++) limit.onCompleted(true, 10);
    expect(limit.limit).toBe(192);
    for (let i = 0; i < 10; i++) limit.onCompleted(true, 500);
    expect(limit.limit).toBe(192);
    // Every cooldown period of sustained timeouts cuts again, down to the floor.
    for (let t = 1_010; t < 60_000; t += 1_000) limit.onCompleted(true, t);
    expect(limit.limit).toBe(16);
  });
});
