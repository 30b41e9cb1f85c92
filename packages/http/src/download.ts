/** `download()`: a GET streamed into a temporary file that is renamed into place when complete. */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, open, rename, rm, stat } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { checkFunction, invalidArgType } from '@net/errors/internal';
import { limitBody } from './attempt.js';
import type { Attempt, AttemptEngine } from './attempt-engine.js';
import { attemptHead } from './head-attempt.js';
import { REQUEST_KEYS, type Call, type Progress, type RequestOptions } from './request-options.js';
import type { AttemptOutcome, AttemptBudget } from './retry-loop.js';

/** Options of `download()`: those of a GET, plus progress. */
export interface DownloadOptions extends Omit<
  RequestOptions,
  'json' | 'body' | 'form' | 'throwHttpErrors' | 'onUploadProgress'
> {
  /** Called as the body arrives (same as `onDownloadProgress`). @default undefined */
  onProgress?: (progress: Progress) => void;
}

const DOWNLOAD_KEYS = [
  ...REQUEST_KEYS.filter(
    (k) => !['json', 'body', 'form', 'throwHttpErrors', 'onUploadProgress'].includes(k),
  ),
  'onProgress',
];

/** What `download()` resolves with once the file is in place. */
export interface DownloadResult {
  /** The destination path. */
  path: string;
  /** Bytes written. */
  bytes: number;
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The final URL, after redirects. */
  url: string;
  retryCount: number;
}

/** A name next to the destination (same directory, so the rename cannot cross devices). */
function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
}

/** The permission bits of an existing destination, so a replacement keeps them. */
async function existingMode(path: string): Promise<number | undefined> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? stats.mode & 0o7777 : undefined;
  } catch {
    return undefined;
  }
}

async function writeAtomically(
  engine: AttemptEngine,
  attempt: Attempt,
  path: string,
): Promise<number> {
  const { stream } = attempt;
  const temp = temporaryPath(path);
  let networkError: unknown;
  stream.once('error', (err) => (networkError = err));
  // Before any data listener: the body stays paused (buffered by got) while this looks.
  const mode = await existingMode(path);
  let bytes = 0;
  stream.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  limitBody(stream, attempt.call.maxResponseSize);
  try {
    // 'wx': never write through a name someone else created in the meantime.
    const file = createWriteStream(temp, { flags: 'wx', mode: mode ?? 0o666 });
    let diskError: unknown;
    file.once('error', (err) => (diskError = err));
    try {
      await pipeline(stream, file);
    } catch (err) {
      // A disk error (ENOSPC, EACCES …) stays what it is; only network failures are mapped.
      // Node 22's pipeline destroys the file stream with the source's error, so the file can
      // emit the network error too: only an error the file raised on its own is a disk error.
      const fromNetwork = err === networkError || err === stream.errored;
      throw err === diskError && !fromNetwork ? err : engine.fail(attempt, err);
    }
    // The umask applied at creation may have narrowed the mode: set it exactly.
    if (mode !== undefined) await chmod(temp, mode);
    // Data must be on disk before the name points at it, or a crash can leave an empty file.
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    return bytes;
  } catch (err) {
    stream.destroy();
    await rm(temp, { force: true });
    throw err;
  }
}

async function downloadAttempt(
  engine: AttemptEngine,
  call: Call,
  budget: AttemptBudget,
  path: string,
): Promise<AttemptOutcome<DownloadResult>> {
  const outcome = await attemptHead(engine, call, budget);
  if ('status' in outcome) return outcome;
  const { head, attempt } = outcome;
  let bytes: number;
  try {
    bytes = await writeAtomically(engine, attempt, path);
  } finally {
    engine.settle(attempt);
  }
  return {
    value: {
      path,
      bytes,
      statusCode: head.statusCode,
      headers: head.headers,
      url: head.url,
      retryCount: budget.retryCount,
    },
  };
}

/** @internal See `HTTPClient.download()`. */
export function downloadToFile(
  engine: AttemptEngine,
  url: unknown,
  path: unknown,
  given: unknown,
): Promise<DownloadResult> {
  if (typeof path !== 'string' || path === '')
    throw invalidArgType('path', 'a non-empty string', path);
  const options = (given ?? {}) as DownloadOptions;
  const call = engine.prepare('GET', url, options, {
    keys: DOWNLOAD_KEYS,
    maxResponseSize: Infinity,
  });
  const onProgress =
    options.onProgress === undefined
      ? undefined
      : checkFunction<(p: Progress) => void>('onProgress', options.onProgress);
  // Saving an error page under the destination name would be a silent failure.
  call.throwHttpErrors = true;
  if (onProgress) call.onDownloadProgress = onProgress;
  return engine.run<DownloadResult>(
    call,
    (budget) => downloadAttempt(engine, call, budget, path),
    () => {
      throw new Error('unreachable: downloads always throw on HTTP errors');
    },
  );
}
