import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { invalidArgType } from '@net/errors';
import { BODY_SNIPPET_BYTES } from '@net/errors/internal';
import type { PlainResponse, Progress, Request as GotRequest } from 'got';
import { drain, readHead } from './attempt.js';
import type { AttemptContext } from './map-error.js';
import { mapError } from './map-error.js';
import { prepareCall, type Call, type RequestOptions } from './request-options.js';
import type { Response } from './response.js';
import { runWithRetries, type AttemptBudget, type LoopHost } from './retry-loop.js';
import type { ResolvedOptions } from './options.js';

/** Options of `download()`: those of a GET, plus progress. */
export interface DownloadOptions extends Omit<
  RequestOptions,
  'json' | 'body' | 'form' | 'throwHttpErrors' | 'onUploadProgress'
> {
  /** Called as the body arrives (same as `onDownloadProgress`). @default undefined */
  onProgress?: (progress: Progress) => void;
}

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

/** The parts of HTTPClient a download drives; kept narrow so the two files stay decoupled. */
export interface DownloadHost extends LoopHost {
  readonly resolved: ResolvedOptions;
  prepareAttempt(call: Call, budget: AttemptBudget): Promise<void>;
  startAttempt(call: Call, budget: AttemptBudget): GotRequest;
  settled(stream: GotRequest): void;
  errorContext(call: Call, budget: AttemptBudget): AttemptContext;
  toResponse(call: Call, raw: PlainResponse, body: Buffer, retryCount: number): Promise<Response>;
}

/** A name next to the destination (same directory, so the rename cannot cross devices). */
function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
}

async function writeAtomically(
  stream: GotRequest,
  path: string,
  context: AttemptContext,
): Promise<number> {
  const temp = temporaryPath(path);
  let bytes = 0;
  stream.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  try {
    // 'wx': never write through a name someone else created in the meantime.
    const file = createWriteStream(temp, { flags: 'wx' });
    let diskError: unknown;
    let networkError: unknown;
    file.once('error', (err) => (diskError = err));
    stream.once('error', (err) => (networkError = err));
    try {
      await pipeline(stream, file);
    } catch (err) {
      // A disk error (ENOSPC, EACCES …) stays what it is; only network failures are mapped.
      // Node 22's pipeline destroys the file stream with the source's error, so the file can
      // emit the network error too: only an error the file raised on its own is a disk error.
      throw err === diskError && err !== networkError ? err : mapError(err, context);
    }
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

/** See `HTTPClient.download()`. */
export async function downloadToFile(
  host: DownloadHost,
  url: string | URL,
  path: string,
  options: DownloadOptions,
): Promise<DownloadResult> {
  if (typeof path !== 'string' || path === '')
    throw invalidArgType('path', 'a non-empty string', path);
  if (options?.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw invalidArgType('onProgress', 'a function', options.onProgress);
  }
  const call = prepareCall(host.resolved, 'GET', url, {
    ...options,
    // Saving an error page under the destination name would be a silent failure.
    throwHttpErrors: true,
    onDownloadProgress: options.onProgress ?? options.onDownloadProgress,
  });
  return runWithRetries<DownloadResult>(
    host,
    call,
    async (budget) => {
      await host.prepareAttempt(call, budget);
      const stream = host.startAttempt(call, budget);
      const context = host.errorContext(call, budget);
      let raw: PlainResponse;
      try {
        raw = await readHead(stream);
        if (raw.statusCode >= 400) {
          const snippet = await drain(stream, BODY_SNIPPET_BYTES);
          host.settled(stream);
          return { status: await host.toResponse(call, raw, snippet, budget.retryCount) };
        }
      } catch (err) {
        host.settled(stream);
        stream.destroy();
        throw mapError(err, context);
      }
      let bytes: number;
      try {
        bytes = await writeAtomically(stream, path, context);
      } finally {
        host.settled(stream);
      }
      return {
        value: {
          path,
          bytes,
          statusCode: raw.statusCode,
          headers: raw.headers,
          url: raw.url,
          retryCount: budget.retryCount,
        },
      };
    },
    () => {
      throw new Error('unreachable: downloads always throw on HTTP errors');
    },
  );
}
