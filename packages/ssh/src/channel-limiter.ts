import { AbortError } from '@net/errors';

/** Successful opens in a row after which a lowered limit is raised by one again. */
const RAISE_AFTER = 8;

/**
 * A counting semaphore for SSH session channels that learns the server's real limit.
 * OpenSSH refuses channels beyond `MaxSessions` (10 by default, often 2 on locked-down hosts)
 * and Dropbear has its own; the client cannot ask. So `maxChannels` is an upper bound: when the
 * server refuses an open, the limit drops to what is open right now and the refused operation
 * queues again; after {@link RAISE_AFTER} clean opens it rises by one, up to `maxChannels`.
 * Slots taken with `reserve()` (the SFTP session) are held for the connection's life.
 * @internal
 */
export class ChannelLimiter {
  readonly #max: number;
  #limit: number;
  #active = 0;
  #reserved = 0;
  #cleanOpens = 0;
  readonly #waiters: Array<{ grant: () => void; reject: (err: Error) => void }> = [];

  constructor(max: number) {
    this.#max = max;
    this.#limit = max;
  }

  /** The number of channels currently allowed (transient + reserved). */
  get limit(): number {
    return this.#limit;
  }

  /** Channels currently held, reserved ones included. */
  get active(): number {
    return this.#active;
  }

  /** Waits for a channel slot; the returned function gives it back (idempotent). */
  acquire(signal?: AbortSignal, front = false): Promise<() => void> {
    if (signal?.aborted)
      return Promise.reject(
        new AbortError('waiting for an SSH channel aborted', { cause: signal.reason }),
      );
    if (this.#waiters.length === 0 && this.#active < this.#limit) {
      this.#active++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#releaser());
        },
        reject: (err: Error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        reject(new AbortError('waiting for an SSH channel aborted', { cause: signal?.reason }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (front) this.#waiters.unshift(waiter);
      else this.#waiters.push(waiter);
    });
  }

  /** Takes a slot for the connection's lifetime (the SFTP session); may exceed the limit. */
  reserve(): void {
    this.#active++;
    this.#reserved++;
    if (this.#limit < this.#reserved + 1) this.#limit = Math.min(this.#max, this.#reserved + 1);
  }

  /** Gives back a reserved slot (the SFTP session closed). */
  unreserve(): void {
    if (this.#reserved === 0) return;
    this.#reserved--;
    this.#active--;
    this.#pump();
  }

  /**
   * The server refused a channel while `active` (this one included) were held: it allows at
   * most `active - 1`. Returns false when nothing else is open, so waiting for a release would
   * not help (the caller then backs off and retries, or fails).
   */
  refused(): boolean {
    this.#cleanOpens = 0;
    const others = this.#active - 1;
    if (others <= this.#reserved) return false;
    this.#limit = Math.max(this.#reserved + 1, others);
    return true;
  }

  /** A channel opened: after enough clean opens, allow one more again. */
  opened(): void {
    if (this.#limit >= this.#max) return;
    if (++this.#cleanOpens >= RAISE_AFTER) {
      this.#cleanOpens = 0;
      this.#limit++;
      this.#pump();
    }
  }

  /** Fails every waiter (the connection is gone). */
  rejectAll(err: Error): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(err);
  }

  #pump(): void {
    while (this.#active < this.#limit && this.#waiters.length > 0) {
      this.#active++;
      this.#waiters.shift()!.grant();
    }
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#pump();
    };
  }
}
