import { describe, expect, it } from 'vitest';
import { backoffDelay, isRetryableMethod, parseRetryAfter } from '../src/retry-policy.js';

const policy = { baseDelay: 300, maxDelay: 30_000 };
const methods = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

describe('backoffDelay', () => {
  it.each([
    // retry, random, expected: floor(random × min(maxDelay, 300 × 2^(retry-1)))
    [1, 0, 0],
    [1, 0.5, 150],
    [1, 0.999, 299],
    [2, 0.5, 300],
    [3, 0.5, 600],
    [4, 0.25, 600],
    [8, 0.5, 15_000],
    [9, 0.5, 15_000], // 300 × 256 = 76 800, capped at 30 000
    [200, 0.999, 29_970], // a huge exponent stays capped, never Infinity or NaN
  ])('retry %i with random %d waits %i ms', (retry, random, expected) => {
    expect(backoffDelay(retry, policy, () => random)).toBe(expected);
  });

  it('draws from the full range [0, cap) — full jitter, not equal jitter', () => {
    const draws = Array.from({ length: 2000 }, () => backoffDelay(3, policy));
    expect(Math.min(...draws)).toBeLessThan(60); // would be ≥ 600 with equal jitter
    expect(Math.max(...draws)).toBeGreaterThan(1100);
    expect(Math.max(...draws)).toBeLessThan(1200);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  it.each([
    ['120', 120_000],
    ['0', 0],
    [' 5 ', 5_000],
    ['Thu, 26 Nov 2026 12:00:30 GMT', 30_000],
    ['Thu, 26 Nov 2026 11:59:00 GMT', 0], // in the past
    [['7', '9'], 7_000],
  ])('reads %j as %i ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it.each([[undefined], [''], ['-1'], ['1.5'], ['soon'], ['Thu, 99 Foo']])(
    'ignores %j',
    (value) => {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    },
  );
});

describe('isRetryableMethod', () => {
  const p = {
    methods,
    statusCodes: new Set<number>(),
    baseDelay: 1,
    maxDelay: 1,
    maxRetryAfter: 1,
  };
  it.each(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE'])('retries %s', (m) => {
    expect(isRetryableMethod(m, p, false)).toBe(true);
  });
  it.each(['POST', 'PATCH'])('retries %s only with an idempotency key', (m) => {
    expect(isRetryableMethod(m, p, false)).toBe(false);
    expect(isRetryableMethod(m, p, true)).toBe(true);
  });
  it('never retries POST because the policy lists it — only a key makes it safe', () => {
    expect(isRetryableMethod('POST', { ...p, methods: new Set(['POST']) }, false)).toBe(false);
  });
});
