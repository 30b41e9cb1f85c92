import { AbortError } from '@net/errors';

/**
 * A counting semaphore for SSH channels. OpenSSH refuses channels beyond `MaxSessions`
 * (10 by default) per connection; queueing here turns "30 concurrent exec calls" into
 * 30 successes instead of 22 failures.
 */
export class ChannelLimiter {
  #free: number;
  readonly #waiters: Array<{ grant: () => void; reject: (err: unknown) => void }> = [];

  constructor(size: number) {
    this.#free = size;
  }

  /** Waits for a channel slot; the returned function gives it back (call it exactly once). */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted)
      return Promise.reject(
        new AbortError('waiting for an SSH channel aborted', { cause: signal.reason }),
      );
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#releaser());
        },
        reject,
      };
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        reject(new AbortError('waiting for an SSH channel aborted', { cause: signal?.reason }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Fails every waiter (the connection is gone). */
  rejectAll(err: unknown): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(err);
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next) next.grant();
      else this.#free++;
    };
  }
}
