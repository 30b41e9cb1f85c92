import { AbortError } from '../abort-error.js';
import { hasTimeout, MAX_TIMER_MS } from './timeout.js';

/** The AbortError for a signal that fired, with the signal's reason as `cause`. */
export function abortErrorFor(signal: AbortSignal, what = 'The operation'): AbortError {
  return new AbortError(`${what} was aborted`, { cause: signal.reason });
}

/** Throws the AbortError for `signal` when it has already fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw abortErrorFor(signal, what);
}

/** One deadline: a timer and a caller's signal, whichever fires first, cleaned up once. */
export interface Deadline {
  /** Aborts when the timer fires, the caller's signal fires, or `cancel()` is called. */
  readonly signal: AbortSignal;
  /** Settles (rejects) only when the deadline fires; never resolves. Safe to leave unawaited. */
  readonly expired: Promise<never>;
  /** Stops the timer and detaches from the caller's signal. Idempotent. */
  clear(): void;
}

export interface DeadlineOptions {
  /** Resolved timeout in ms; `Infinity` (or undefined) for none. */
  timeout?: number;
  /** The caller's signal. */
  signal?: AbortSignal;
  /** The error to reject with when the timer fires (e.g. a NetworkTimeoutError with its phase). */
  onTimeout: () => Error;
  /** The error when the caller's signal fires. @default an AbortError with the reason as cause */
  onAbort?: (signal: AbortSignal) => Error;
}

/**
 * Starts a deadline. Use it as the one place an operation's timer and the caller's abort are
 * wired, instead of a hand-written `setTimeout` + `addEventListener('abort')` per call site:
 *
 * @example
 * const deadline = startDeadline({ timeout, signal, onTimeout: () => new NetworkTimeoutError(…) });
 * try { return await Promise.race([work(deadline.signal), deadline.expired]); }
 * finally { deadline.clear(); }
 */
export function startDeadline(options: DeadlineOptions): Deadline {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let rejectExpired!: (error: Error) => void;
  const expired = new Promise<never>((_resolve, reject) => {
    rejectExpired = reject;
  });
  // Nobody may be racing the promise when the deadline fires after the work settled.
  expired.catch(() => {});
  const { signal: callerSignal } = options;
  const fire = (error: Error): void => {
    if (controller.signal.aborted) return;
    clear();
    controller.abort(error);
    rejectExpired(error);
  };
  const onCallerAbort = (): void => {
    fire(options.onAbort ? options.onAbort(callerSignal!) : abortErrorFor(callerSignal!));
  };
  function clear(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    callerSignal?.removeEventListener('abort', onCallerAbort);
  }
  if (callerSignal?.aborted) {
    onCallerAbort();
  } else {
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    if (hasTimeout(options.timeout)) {
      timer = setTimeout(() => fire(options.onTimeout()), Math.min(options.timeout, MAX_TIMER_MS));
    }
  }
  return { signal: controller.signal, expired, clear };
}

/**
 * Runs `work` under a deadline: resolves with its result, or rejects with the timeout/abort
 * error as soon as the deadline fires (the work sees its `signal` abort and should clean up).
 */
export async function withDeadline<T>(
  options: DeadlineOptions,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = startDeadline(options);
  try {
    return await Promise.race([work(deadline.signal), deadline.expired]);
  } finally {
    deadline.clear();
  }
}

/** Waits `ms`, or rejects with an AbortError as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortErrorFor(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortErrorFor(signal!));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.min(Math.max(0, ms), MAX_TIMER_MS),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
