import { Waiters } from './waiters.js';

/** How often pending flushes look at the socket's `bufferedAmount`: no event reports it draining. */
const POLL_MS = 5;

/**
 * The promises of `flush()`: they resolve together once `isFlushed()` holds. A poll timer runs
 * only while one is pending, so an idle client holds no timer.
 */
export class FlushWatch {
  readonly #waiters = new Waiters();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly isFlushed: () => boolean) {}

  get pending(): boolean {
    return this.#waiters.size > 0;
  }

  wait(signal: AbortSignal | undefined, onAbort: () => Error): Promise<void> {
    if (this.isFlushed()) return Promise.resolve();
    this.#timer ??= setInterval(() => this.check(), POLL_MS);
    return this.#waiters.wait(signal, () => {
      this.#stopIfIdle();
      return onAbort();
    });
  }

  /** Call when the answer may have changed (an ack, an open). */
  check(): void {
    if (this.#waiters.size > 0 && this.isFlushed()) this.#waiters.resolveAll();
    this.#stopIfIdle();
  }

  rejectAll(error: Error): void {
    this.#waiters.rejectAll(error);
    this.#stopIfIdle();
  }

  #stopIfIdle(): void {
    if (this.#waiters.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
