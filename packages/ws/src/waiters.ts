interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Promises waiting for one condition (open, flushed), settled all at once; each may abort on its own. */
export class Waiters {
  // Created on first use: most clients never wait, and an idle connection should stay small.
  #set: Set<Waiter> | undefined;

  get size(): number {
    return this.#set?.size ?? 0;
  }

  /** `onAbort` runs after this waiter is removed and returns the rejection. */
  wait(signal: AbortSignal | undefined, onAbort: () => Error): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const abort = () => {
        this.#set?.delete(waiter);
        reject(onAbort());
      };
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', abort);
          resolve();
        },
        reject: (error: Error) => {
          signal?.removeEventListener('abort', abort);
          reject(error);
        },
      };
      (this.#set ??= new Set()).add(waiter);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  resolveAll(): void {
    const waiters = this.#set;
    if (waiters === undefined || waiters.size === 0) return;
    this.#set = undefined;
    for (const w of waiters) w.resolve();
  }

  rejectAll(error: Error): void {
    const waiters = this.#set;
    if (waiters === undefined || waiters.size === 0) return;
    this.#set = undefined;
    for (const w of waiters) w.reject(error);
  }
}
