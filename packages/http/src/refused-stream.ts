/**
 * HTTP/2 streams the server never processed: refused with REFUSED_STREAM, above a GOAWAY's
 * last-stream-id, or never opened because the session had received GOAWAY. RFC 9113 §8.7 says
 * such a request can be retried whatever its method; the retry loop replays them on a fresh
 * session without counting them as failed attempts, at most {@link MAX_REFUSED_REPLAYS} times
 * per call, within the budget of the attempt they replay and within the total budget. (A server
 * that rotates connections every few requests, under many requests in flight, refuses a given
 * stream many times in a row: each new session takes a handful, so the bound is generous.)
 */
import type { NetworkError } from '@net/errors';

/** @internal A call replays refused streams at most this many times (a server refusing forever is a failure). */
export const MAX_REFUSED_REPLAYS = 500;

const refused = new WeakSet<object>();

/** @internal */
export function markRefused<E extends NetworkError>(err: E): E {
  refused.add(err);
  return err;
}

/** @internal */
export function isRefusedStream(err: unknown): boolean {
  return typeof err === 'object' && err !== null && refused.has(err);
}
