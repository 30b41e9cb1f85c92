import type { NetworkError } from '@net/errors';
import { hasTimeout } from '@net/errors/internal';

/** Returned by a read attempt when the queue does not hold enough yet. */
export const NOT_READY: unique symbol = Symbol('not ready');
export type Attempt<T> = () => T | typeof NOT_READY;

/** What a connection needs from a read that waits for data. */
export interface Waiter {
  /** Tries to complete from the queue; true when settled. May throw ProtocolError. */
  attempt(): boolean;
  /** End of stream: settle with the read's end-of-stream value (or error). */
  end(): void;
  fail(error: NetworkError): void;
}

/**
 * A read waiting for data. A class rather than a bundle of closures: a request/response loop
 * creates one per message, so it is on the hot path of every echo.
 */
export class PendingRead<T> implements Waiter {
  #timer: NodeJS.Timeout | undefined;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;

  constructor(
    readonly tryRead: Attempt<T>,
    readonly atEnd: () => T,
    readonly resolve: (value: T) => void,
    readonly reject: (error: Error) => void,
  ) {}

  /** Arms the timeout and the abort signal; `onGiveUp` removes the read from the queue first. */
  arm(
    timeout: number,
    timeoutError: () => Error,
    signal: AbortSignal | undefined,
    abortError: () => Error,
    onGiveUp: () => void,
  ): void {
    if (hasTimeout(timeout)) {
      this.#timer = setTimeout(() => {
        this.#settle();
        onGiveUp();
        this.reject(timeoutError());
      }, timeout);
    }
    if (signal) {
      this.#signal = signal;
      this.#onAbort = () => {
        this.#settle();
        onGiveUp();
        this.reject(abortError());
      };
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  attempt(): boolean {
    const value = this.tryRead();
    if (value === NOT_READY) return false;
    this.#settle();
    this.resolve(value);
    return true;
  }

  end(): void {
    this.#settle();
    try {
      this.resolve(this.atEnd());
    } catch (err) {
      this.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  fail(error: NetworkError): void {
    this.#settle();
    this.reject(error);
  }

  #settle(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#onAbort) this.#signal?.removeEventListener('abort', this.#onAbort);
  }
}
