import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Writes `body` to a temporary file next to `path` and renames it into place only when the
 * whole body arrived, so a failed transfer never leaves a partial file under the name.
 */
export async function saveStream(
  body: Readable,
  path: string,
  options: { signal: AbortSignal; onBytes?: (received: number) => void },
): Promise<number> {
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${randomBytes(4).toString('hex')}.part`,
  );
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      options.onBytes?.(received);
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, counter, createWriteStream(temporary, { flags: 'wx' }), {
      signal: options.signal,
    });
    await rename(temporary, path);
    return received;
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}
