/** What an exponential back-off grows from and up to. */
export interface BackoffOptions {
  /** The bound for the first attempt (ms). */
  initialDelay: number;
  /** The largest bound (ms). */
  maxDelay: number;
  /** Growth per attempt. @default 2 */
  factor?: number;
}

/**
 * The wait before attempt `attempt` (1 for the first retry or reconnect): "full jitter", uniform
 * in `[0, min(maxDelay, initialDelay × factor^(attempt-1)))`. Spreading each wait over the whole
 * window keeps clients that failed together from coming back together (the AWS "exponential
 * backoff and jitter" result).
 *
 * @param random a source of [0, 1) numbers; injectable for tests.
 */
export function fullJitterBackoff(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const factor = options.factor ?? 2;
  // The exponent is capped: past ~50 doublings the bound is maxDelay anyway, and 2 ** 1024 is Infinity.
  const bound = Math.min(
    options.maxDelay,
    options.initialDelay * factor ** Math.min(Math.max(0, attempt - 1), 52),
  );
  return Math.floor(random() * bound);
}

/**
 * HTTP statuses worth retrying for an idempotent request: timeouts, too large (a proxy's
 * transient limit), rate limits and the gateway/server errors that are usually transient.
 */
export const RETRYABLE_STATUS_CODES: ReadonlySet<number> = new Set([
  408, 413, 429, 500, 502, 503, 504,
]);
