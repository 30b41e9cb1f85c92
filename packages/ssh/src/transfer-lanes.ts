import { ChannelLimiter } from './channel-limiter.js';

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
export type TransferLanes = Pick<ChannelLimiter, 'acquire'>;

/** Large files moving at once in one directory transfer. @internal */
export const LARGE_FILE_LANES = 16;

/** Files up to this size count as small: they fit in the first read of an upload. @internal */
export const SMALL_FILE_BYTES = 64 * 1024;

/**
 * The lanes of one directory transfer: the same counting semaphore as session channels, whose
 * server-driven lowering is simply never triggered here.
 * @internal
 */
export function largeFileLanes(parallelFiles: number): TransferLanes {
  return new ChannelLimiter(Math.min(LARGE_FILE_LANES, parallelFiles));
}
