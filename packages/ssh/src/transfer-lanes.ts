/**
 * How many large files a directory transfer moves at once.
 *
 * A directory transfer runs up to `parallelFiles` files at once, which is what a tree of small
 * files needs: each costs a few round trips and almost no memory, so the more of them share the
 * SFTP session's round trips, the faster the tree goes. A large file is different: it keeps up
 * to `concurrency` requests of `chunkSize` bytes in flight (4 MiB with the defaults), so a tree of
 * large files under the same bound would hold parallelFiles × 4 MiB. Large files therefore also
 * take one of a few lanes, which bounds that memory whatever `parallelFiles` says; the session
 * is saturated by a handful of large files anyway.
 * @internal
 */
export class TransferLanes {
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(count: number) {
    this.#free = Math.max(1, count);
  }

  /** Resolves with a release function once a lane is free. */
  async acquire(): Promise<() => void> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // The lane passes straight to the next waiter, or back to the pool.
      if (next) next();
      else this.#free++;
    };
  }
}

/** Large files moving at once in one directory transfer (see {@link TransferLanes}). @internal */
export const LARGE_FILE_LANES = 16;

/** Files up to this size count as small: they fit in the first read of an upload. @internal */
export const SMALL_FILE_BYTES = 64 * 1024;
