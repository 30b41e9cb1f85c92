import {
  AbortError,
  ConnectionError,
  ErrorCodes,
  HTTPError,
  NetworkError,
  NetworkTimeoutError,
  RateLimitError,
  redactUrl,
} from '@net/errors';
import type { Hooks } from './hooks.js';
import type { Call } from './request-options.js';
import type { Response } from './response.js';
import { backoffDelay, parseRetryAfter } from './retry-policy.js';

/** What one attempt produced: a finished value, or a 4xx/5xx response for the loop to judge. */
export type AttemptOutcome<T> = { value: T } | { status: Response };

export interface LoopHost {
  readonly hooks: Required<Hooks>;
  /** Set when the client is closed: no new attempt starts. */
  readonly closing: AbortSignal;
  /** For tests: the source of jitter. */
  readonly random: () => number;
}

/** Per-attempt facts handed to the attempt function. */
export interface AttemptBudget {
  retryCount: number;
  /** The budget of this attempt in ms (Infinity for none). */
  attemptMs: number;
  /** Set when `attemptMs` was cut to what remains of the total budget. */
  totalMs: number | undefined;
  /** Whether a retryable status would be retried after this attempt. */
  mayRetry: boolean;
}

/**
 * The error a 4xx/5xx response becomes: ky-style message, redacted URL, body snippet. 429 — or
 * any status whose `Retry-After` was too long to wait for (`retryAfterMs` given) — is a
 * RateLimitError; a 429's own Retry-After is read here.
 */
export function httpError(response: Response, retryAfterMs?: number): HTTPError {
  const what = `${response.statusCode}${response.statusMessage ? ` ${response.statusMessage}` : ''}`;
  const message = `Request failed with status code ${what}: ${response.method} ${redactUrl(response.url)}`;
  const init = {
    statusCode: response.statusCode,
    statusMessage: response.statusMessage,
    method: response.method,
    url: response.url,
    headers: response.headers,
    body: response.body,
    response,
  };
  if (retryAfterMs !== undefined) return new RateLimitError(message, { ...init, retryAfterMs });
  if (response.statusCode === 429) {
    return new RateLimitError(message, {
      ...init,
      retryAfterMs: parseRetryAfter(response.headers['retry-after']),
    });
  }
  return new HTTPError(message, init);
}

/** Waits `ms`, or rejects when `signal` or `closing` fires. */
function sleep(ms: number, signal: AbortSignal | undefined, closing: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      closing.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => done(new Error('aborted'));
    const timer = setTimeout(() => done(), ms);
    signal?.addEventListener('abort', onAbort);
    closing.addEventListener('abort', onAbort);
  });
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

/**
 * Runs attempts until one succeeds or the policy says stop. The rules, in order:
 * a non-retryable failure, or the last allowed attempt, ends the call with that failure;
 * `Retry-After` is waited for exactly (no jitter) unless it exceeds `maxRetryAfter` or the
 * remaining total budget — then RateLimitError at once, since waiting cannot help in time;
 * otherwise the wait is exponential back-off with full jitter. A back-off that does not fit in
 * the remaining total budget ends the call now rather than sleeping into a certain timeout.
 */
export async function runWithRetries<T>(
  host: LoopHost,
  call: Call,
  attempt: (budget: AttemptBudget) => Promise<AttemptOutcome<T>>,
  settle: (response: Response) => T,
): Promise<T> {
  const started = call.totalMs === undefined ? 0 : performance.now();
  const remaining = () =>
    call.totalMs === undefined ? Infinity : call.totalMs - (performance.now() - started);
  for (let retryCount = 0; ; retryCount++) {
    if (call.signal?.aborted) throw abortError(call);
    if (host.closing.aborted) throw closedError(call);
    let attemptMs = call.attemptMs;
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
      outcome = await attempt({ retryCount, attemptMs, totalMs, mayRetry });
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
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
        if (call.throwHttpErrors && response.statusCode >= 400) throw httpError(response);
        return settle(response);
      }
      retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      if (
        retryAfterMs !== undefined &&
        (retryAfterMs > call.policy.maxRetryAfter || retryAfterMs >= remaining())
      ) {
        // Waiting cannot help in time: say so now, with how long the server asked for.
        if (!call.throwHttpErrors) return settle(response);
        throw httpError(response, retryAfterMs);
      }
      failure = httpError(response);
    }

    const delayMs = retryAfterMs ?? backoffDelay(retryCount + 1, call.policy, host.random);
    if (delayMs >= remaining()) {
      // Sleeping would use up the budget: end now with what we know.
      if (failure! instanceof HTTPError) {
        if (!call.throwHttpErrors) return settle(failure.response as Response);
        throw failure;
      }
      throw totalTimeout(call, failure!);
    }
    for (const hook of host.hooks.beforeRetry) {
      await hook({
        error: failure!,
        retryCount: retryCount + 1,
        delayMs,
        method: call.method,
        url: call.url,
      });
    }
    if (delayMs > 0) {
      try {
        await sleep(delayMs, call.signal, host.closing);
      } catch {
        if (call.signal?.aborted) throw abortError(call);
        throw closedError(call);
      }
    }
  }
}
