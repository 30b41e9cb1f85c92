/**
 * The retry policy: which failures are worth another attempt and how long to wait first.
 * Pure functions, so the arithmetic is testable without a server or a clock.
 */

/** Methods that are safe to repeat: the same request twice has the effect of once (RFC 9110 §9.2.2). */
export const IDEMPOTENT_METHODS: readonly string[] = [
  'GET',
  'HEAD',
  'PUT',
  'DELETE',
  'OPTIONS',
  'TRACE',
];

/** Statuses where the same request may succeed later. */
export const RETRYABLE_STATUS_CODES: readonly number[] = [408, 413, 429, 500, 502, 503, 504];

/** How failed attempts are retried. */
export interface RetryOptions {
  /**
   * Methods that are retried. POST and PATCH are retried only when the call passes
   * `idempotencyKey`, whatever this list says.
   * @default ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']
   */
  methods?: readonly string[];
  /**
   * Response statuses that are retried.
   * @default [408, 413, 429, 500, 502, 503, 504]
   */
  statusCodes?: readonly number[];
  /**
   * The back-off cap of the first retry, in ms; it doubles on each further retry. The wait
   * itself is drawn uniformly from 0 up to the cap ("full jitter").
   * @default 300
   */
  baseDelay?: number;
  /**
   * The largest back-off cap, in ms.
   * @default 30000
   */
  maxDelay?: number;
  /**
   * The longest `Retry-After` that is waited for, in ms. A longer one fails the call at once
   * with RateLimitError (its `retryAfterMs` says how long the server asked for).
   * @default 60000
   */
  maxRetryAfter?: number;
}

/** {@link RetryOptions} with every field present. */
export interface RetryPolicy {
  methods: ReadonlySet<string>;
  statusCodes: ReadonlySet<number>;
  baseDelay: number;
  maxDelay: number;
  maxRetryAfter: number;
}

/** The default retry policy. */
export const retryDefaults = {
  methods: IDEMPOTENT_METHODS,
  statusCodes: RETRYABLE_STATUS_CODES,
  baseDelay: 300,
  maxDelay: 30_000,
  maxRetryAfter: 60_000,
} satisfies Required<RetryOptions>;

/**
 * The wait before retry number `retry` (1 for the first retry): uniform in
 * `[0, min(maxDelay, baseDelay × 2^(retry-1)))`. Full jitter spreads clients that failed
 * together, so they do not come back together (the AWS "exponential backoff and jitter" result).
 *
 * @param random a source of [0, 1) numbers; injectable for tests.
 */
export function backoffDelay(
  retry: number,
  policy: Pick<RetryPolicy, 'baseDelay' | 'maxDelay'>,
  random: () => number = Math.random,
): number {
  // 2 ** 1024 is Infinity; the cap makes the exponent's size irrelevant past ~50.
  const cap = Math.min(policy.maxDelay, policy.baseDelay * 2 ** Math.min(retry - 1, 52));
  return Math.floor(random() * cap);
}

/**
 * Parses `Retry-After` (delay-seconds or an HTTP-date) into ms from `now`. Returns undefined
 * when absent or unparseable; a date in the past is 0.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only an IMF-fixdate-like value counts: Date.parse accepts far more, e.g. "1".
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Whether a method may be retried: listed in the policy, and for POST/PATCH only with an
 * idempotency key (a key makes a repeat safe on a server that honours it).
 */
export function isRetryableMethod(
  method: string,
  policy: RetryPolicy,
  hasIdempotencyKey: boolean,
): boolean {
  if (method === 'POST' || method === 'PATCH') return hasIdempotencyKey;
  return policy.methods.has(method) || hasIdempotencyKey;
}
