import { fullJitterBackoff, sleep } from '@net/errors/internal';
import type { ResolvedOptions } from './options.js';

/**
 * Whether and when the client replaces a dropped connection: the policy (`shouldReconnect`,
 * `maxAttempts`), the attempts made since the last open, and the one pending back-off timer.
 * Kept out of the client so its state machine reads as transitions, not counting.
 */
export class ReconnectSchedule {
  #attempt = 0;
  /** Aborts the pending back-off sleep. */
  #pending: AbortController | undefined;

  constructor(private readonly options: ResolvedOptions['reconnect']) {}

  /** Whether a connection that closed with `code` is to be replaced. */
  allows(code: number): boolean {
    const r = this.options;
    if (r === false || r.maxAttempts === 0) return false;
    try {
      return r.shouldReconnect(code) === true;
    } catch {
      // A throwing predicate is the app's bug; closing for good cannot turn it into a loop.
      return false;
    }
  }

  /**
   * Arms the timer that runs `start` for the next attempt and returns that attempt's number and
   * delay, or `undefined` when the attempts are used up (or reconnecting is off).
   */
  next(start: () => void): { attempt: number; delay: number } | undefined {
    const r = this.options;
    if (r === false || this.#attempt >= r.maxAttempts) return undefined;
    const attempt = ++this.#attempt;
    const delay = fullJitterBackoff(attempt, r);
    const pending = new AbortController();
    this.#pending = pending;
    sleep(delay, pending.signal).then(
      () => {
        if (this.#pending === pending) this.#pending = undefined;
        start();
      },
      // Cancelled: the client closed or connected another way.
      () => {},
    );
    return { attempt, delay };
  }

  /** A connection opened: the next drop starts counting (and backing off) from 1 again. */
  reset(): void {
    this.#attempt = 0;
  }

  cancel(): void {
    this.#pending?.abort();
    this.#pending = undefined;
  }
}
