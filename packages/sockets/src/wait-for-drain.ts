import { hasTimeout } from '@net/errors/internal';

/** Why a wait for drain ended without one. */
export interface DrainErrors {
  timedOut(timeout: number): Error;
  aborted(signal: AbortSignal): Error;
}

interface DrainWait {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * The sends of one connection that wait for its socket to drain. The connection settles them
 * all — on `drain`, or with its error the moment the socket fails, closes or is shut for
 * writing — so a waiting `send()` can never outlive its socket (listening for a `close` that had
 * already fired is how a send used to hang forever).
 */
export class DrainWaiters {
  #waits = new Set<DrainWait>();

  get size(): number {
    return this.#waits.size;
  }

  /** Waits for the next `drained()`; rejects after `timeout` ms (Infinity = never) or on abort. */
  wait(timeout: number, signal: AbortSignal | undefined, errors: DrainErrors): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cleanup = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waits.delete(wait);
      };
      const wait: DrainWait = {
        resolve: () => (cleanup(), resolve()),
        reject: (error) => (cleanup(), reject(error)),
      };
      const onAbort = () => wait.reject(errors.aborted(signal!));
      if (hasTimeout(timeout))
        timer = setTimeout(() => wait.reject(errors.timedOut(timeout)), timeout);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waits.add(wait);
    });
  }

  drained(): void {
    for (const wait of [...this.#waits]) wait.resolve();
  }

  failAll(error: Error): void {
    for (const wait of [...this.#waits]) wait.reject(error);
  }
}
