import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/index.js';

const options = { initialDelay: 100, maxDelay: 1_000, factor: 2 };

describe('backoffDelay', () => {
  it('grows the jitter window exponentially up to maxDelay', () => {
    const top = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, options, top))).toEqual([
      99, 199, 399, 799, 999, 999, 999,
    ]);
  });

  it('draws each delay uniformly from the whole window (full jitter)', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    expect(backoffDelay(3, options, () => 0.5)).toBe(200);
    const draws = Array.from({ length: 2_000 }, () => backoffDelay(4, options));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(800);
    // Spread over the window, not clustered: both halves are well populated.
    const low = draws.filter((d) => d < 400).length;
    expect(low).toBeGreaterThan(800);
    expect(low).toBeLessThan(1_200);
  });
});
