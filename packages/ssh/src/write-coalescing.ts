import type { Writable } from 'node:stream';

/**
 * Makes every write to `stream` issued in one turn of the event loop go out together.
 *
 * ssh2 hands each SSH packet to its own `write()`, so every SFTP request, window adjustment and
 * channel message is a separate send system call. A directory transfer answers a batch of
 * server replies with a batch of new requests in the same turn (dozens of files in flight), and on a
 * fast link those sends, not the bytes, are what the client spends its CPU on. Corking at the
 * first write and uncorking once the turn is over (after its I/O callbacks, next ticks and
 * promise continuations) turns the batch into one `writev`. Nothing waits longer than the
 * current turn; an idle loop reaches the uncork at once.
 *
 * Patches the instance's `write` (our own socket, not an ssh2 internal).
 * @internal
 */
export function coalesceWrites(stream: Writable): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    stream.uncork();
  };
  stream.write = function coalescedWrite(...args: unknown[]) {
    if (!corked && !stream.destroyed) {
      corked = true;
      stream.cork();
      setImmediate(uncork);
    }
    return write(...args);
  } as Writable['write'];
}
