import {
  AbortError,
  ConnectionError,
  ErrorCodes,
  HTTPError,
  NetworkError,
  NetworkTimeoutError,
  redactUrl,
} from '@net/errors';
import { fullJitterBackoff, sleep } from '@net/errors/internal';
import type { RetryInfo } from './hooks.js';
import { httpError } from './http-error.js';
import { isRefusedStream, MAX_REFUSED_REPLAYS } from './refused-stream.js';
import type { Call } from './request-options.js';
import type { Response } from './response.js';
import { serverRequestedDelay } from './retry-after.js';

/** @internal What one attempt produced: a finished value, or a 4xx/5xx response for the loop to judge. */
export type AttemptOutcome<T> = { value: T } | { status: Response };

/** @internal What the loop needs from its owner: plain data and functions, no back-reference to a client. */
export interface LoopHost {
  readonly beforeRetry: ReadonlyArray<(info: RetryInfo) => void | Promise<void>>;
  /** Set when the client is closed: no new attempt starts. */
  readonly closing: AbortSignal;
  /** The source of jitter. */
  random(): number;
  /** The exact secret values `call` carries (for redacting error bodies). */
  secretsOf(call: Call): string[];
}

/** @internal Per-attempt facts handed to the attempt function. */
export interface AttemptBudget {
  retryCount: number;
  /** The budget of this attempt in ms (Infinity for none). */
  attemptMs: number;
  /** Set when `attemptMs` was cut to what remains of the total budget. */
  totalMs: number | undefined;
  /** Whether a retryable status would be retried after this attempt. */
  mayRetry: boolean;
}

function closedError(call: Call): ConnectionError {
  return new ConnectionError(`HTTPClient was closed: ${call.method} ${redactUrl(call.href)}`, {
    code: ErrorCodes.CONNECTION_CLOSED,
    host: call.url.hostname,
    protocol: 'http',
    retryable: false,
  });
}

function abortError(call: Call): AbortError {
  return new AbortError(`Request aborted: ${call.method} ${redactUrl(call.href)}`, {
    cause: call.signal?.reason,
  });
}

function totalTimeout(call: Call, cause: unknown): NetworkTimeoutError {
  return new NetworkTimeoutError(
    `Request timed out after the total budget of ${call.totalMs} ms: ${call.method} ${redactUrl(call.href)}`,
    { cause, timeoutMs: call.totalMs, phase: 'total' },
  );
}

function attemptTimeout(call: Call): NetworkTimeoutError {
  return new NetworkTimeoutError(
    `Request timed out after ${call.attemptMs} ms (its HTTP/2 streams kept being refused): ${call.method} ${redactUrl(call.href)}`,
    { timeoutMs: call.attemptMs, phase: 'response' },
  );
}

/**
 * @internal
 * Runs attempts until one succeeds or the policy says stop. The rules, in order:
 * a stream the HTTP/2 server refused unprocessed is replayed at once (any method, not counted
 * as a retry, bounded); a non-retryable failure, or the last allowed attempt, ends the call
 * with that failure; `Retry-After` (or `RateLimit-Reset`) is waited for exactly (no jitter)
 * unless it exceeds `maxRetryAfter` or the remaining total budget — then RateLimitError at
 * once, since waiting cannot help in time; otherwise the wait is exponential back-off with full
 * jitter. A back-off that does not fit in the remaining total budget ends the call now rather
 * than sleeping into a certain timeout.
 */
export async function runWithRetries<T>(
  host: LoopHost,
  call: Call,
  attempt: (budget: AttemptBudget) => Promise<AttemptOutcome<T>>,
  settle: (response: Response) => T,
  /** The result of a first attempt the caller already made (see AttemptEngine.run). */
  first?: { outcome: AttemptOutcome<T> } | { error: unknown },
): Promise<T> {
  const bounded = Number.isFinite(call.totalMs);
  const started = bounded ? performance.now() : 0;
  const remaining = () => (bounded ? call.totalMs - (performance.now() - started) : Infinity);
  const fail = (response: Response, retryAfterMs?: number) =>
    httpError(response, host.secretsOf(call), retryAfterMs);
  let replays = 0;
  // Replays of refused streams share the budget of the attempt they replay.
  // (When the caller made the first attempt, it began just before this.)
  let attemptStarted = performance.now();
  let replaying = false;
  for (let retryCount = 0; ; retryCount++) {
    if (call.signal?.aborted) throw abortError(call);
    if (host.closing.aborted) throw closedError(call);
    let attemptMs = call.attemptMs;
    if (replaying && Number.isFinite(attemptMs)) {
      attemptMs -= performance.now() - attemptStarted;
      if (attemptMs < 1) throw attemptTimeout(call);
    } else if (!replaying && Number.isFinite(attemptMs)) {
      attemptStarted = performance.now();
    }
    replaying = false;
    let totalMs: number | undefined;
    const left = remaining();
    if (left <= 0) throw totalTimeout(call, undefined);
    if (left <= attemptMs) {
      // What is left of the total is tighter than the attempt budget: when it fires, it is the total.
      attemptMs = Math.max(1, Math.floor(left));
      totalMs = call.totalMs;
    }
    const mayRetry = retryCount < call.maxRetries;

    let failure: NetworkError;
    let retryAfterMs: number | undefined;
    let outcome: AttemptOutcome<T> | undefined;
    try {
      if (first === undefined) {
        outcome = await attempt({ retryCount, attemptMs, totalMs, mayRetry });
      } else {
        const given = first;
        first = undefined;
        if ('error' in given) throw given.error;
        outcome = given.outcome;
      }
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      if (isRefusedStream(err) && replays < MAX_REFUSED_REPLAYS && !host.closing.aborted) {
        // Never processed by the server (RFC 9113 §8.7): not a failed attempt.
        replays++;
        retryCount--;
        replaying = true;
        continue;
      }
      const final =
        err instanceof AbortError || (err instanceof NetworkTimeoutError && err.phase === 'total');
      if (!mayRetry || !err.retryable || final) throw err;
      if (host.closing.aborted) throw closedError(call);
      failure = err;
    }
    if (outcome !== undefined) {
      if ('value' in outcome) return outcome.value;
      const response = outcome.status;
      if (!mayRetry || !call.policy.statusCodes.has(response.statusCode)) {
        if (call.throwHttpErrors && response.statusCode >= 400) throw fail(response);
        return settle(response);
      }
      retryAfterMs = serverRequestedDelay(response.headers);
      if (
        retryAfterMs !== undefined &&
        (retryAfterMs > call.policy.maxRetryAfter || retryAfterMs >= remaining())
      ) {
        // Waiting cannot help in time: say so now, with how long the server asked for.
        if (!call.throwHttpErrors) return settle(response);
        throw fail(response, retryAfterMs);
      }
      failure = fail(response);
    }

    const delayMs =
      retryAfterMs ??
      fullJitterBackoff(
        retryCount + 1,
        { initialDelay: call.policy.baseDelay, maxDelay: call.policy.maxDelay },
        () => host.random(),
      );
    if (delayMs >= remaining()) {
      // Sleeping would use up the budget: end now with what we know.
      if (failure! instanceof HTTPError) {
        if (!call.throwHttpErrors) return settle(failure.response as Response);
        throw failure;
      }
      throw totalTimeout(call, failure!);
    }
    for (const hook of host.beforeRetry) {
      await hook({
        error: failure!,
        retryCount: retryCount + 1,
        delayMs,
        method: call.method,
        url: call.url,
      });
    }
    if (delayMs > 0) {
      const signal = call.signal ? AbortSignal.any([call.signal, host.closing]) : host.closing;
      try {
        await sleep(delayMs, signal);
      } catch {
        if (call.signal?.aborted) throw abortError(call);
        throw closedError(call);
      }
    }
  }
}
