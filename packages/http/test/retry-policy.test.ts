import { describe, expect, it } from 'vitest';
import { parseRateLimitReset, parseRetryAfter, serverRequestedDelay } from '../src/retry-after.js';
import { isRetryableMethod } from '../src/retry-policy.js';

const methods = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

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

describe('RateLimit reset (draft-ietf-httpapi-ratelimit-headers)', () => {
  it.each([
    [{ 'ratelimit-reset': '30' }, 30_000],
    [{ ratelimit: '"default";r=0;t=12' }, 12_000],
    [{ ratelimit: 'limit=100, remaining=0, reset=7' }, 7_000],
  ])('reads %j', (headers, expected) => {
    expect(parseRateLimitReset(headers)).toBe(expected);
  });

  it('ignores absent or malformed values', () => {
    expect(parseRateLimitReset({})).toBeUndefined();
    expect(parseRateLimitReset({ 'ratelimit-reset': 'soon' })).toBeUndefined();
  });

  it('prefers Retry-After when both are present', () => {
    expect(serverRequestedDelay({ 'retry-after': '2', 'ratelimit-reset': '30' })).toBe(2_000);
    expect(serverRequestedDelay({ 'ratelimit-reset': '30' })).toBe(30_000);
  });
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
