import { createHash, randomBytes, type Hash } from 'node:crypto';
import { AbortError } from '@net/errors';
import type { Connection } from './connection.js';
import { transferDefaults, type ResolvedTransferOptions } from './transfer-options.js';
import { sftpCall } from './sftp-ops.js';
import { sftpRequestLimits } from './ssh2-adapter.js';
import { describeTarget, sftpError, sftpStatus, sshError } from './ssh-errors.js';
import type { TransferLanes } from './transfer-lanes.js';

/** Where upload bytes come from: a local file or a Buffer. @internal */
export interface UploadSource {
  size: number;
  /**
   * Reads `length` bytes at `position` (sequential calls, increasing positions). The returned
   * view may be reused by the next call: consume it (ssh2's write copies) before reading on.
   */
  read(position: number, length: number): Promise<Buffer>;
}

/** Where download bytes go: a local file or a Buffer. @internal */
export interface DownloadSink {
  write(data: Buffer, position: number): Promise<void>;
  /** True when the sink keeps the buffers it is given (so they must not be reused). */
  retains?: boolean;
}

/** Bytes asked for by the read sent together with a download's fstat. */
const HEAD_READ = 64 * 1024;

/** Files up to this size are verified by reading them back over SFTP rather than over exec. */
const SMALL_FILE = 64 * 1024;

/** `dir/.name.<random>.part`: hidden, next to the destination, so the final rename stays on one file system. @internal */
export function temporaryName(path: string): string {
  const slash = path.lastIndexOf('/');
  const dir = slash === -1 ? '' : path.slice(0, slash + 1);
  return `${dir}.${path.slice(slash + 1)}.${randomBytes(6).toString('hex')}.part`;
}

/**
 * Runs a windowed pipeline: up to `concurrency` SFTP requests in flight, each started by
 * `startNext()` (which returns false when there is nothing left). Resolves when all settled;
 * rejects on the first failure, on abort, or when the connection is lost.
 */
function pipeline(
  connection: Connection,
  path: string,
  concurrency: number,
  signal: AbortSignal | undefined,
  startNext: (done: (err?: unknown) => void) => boolean | Promise<boolean>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let inFlight = 0;
    let failed = false;
    let pumping = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      cleanup();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const onAbort = () =>
      fail(
        new AbortError(`transfer aborted: ${describeTarget(connection.target)}`, {
          cause: signal?.reason,
        }),
      );
    // A connection lost mid-transfer is an SFTP failure of this path (ERR_NET_SFTP with `path`).
    const unsubscribe = connection.onLost((err) =>
      fail(sftpError(connection.target, 'transfer', path, err)),
    );
    const cleanup = () => {
      signal?.removeEventListener('abort', onAbort);
      unsubscribe();
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (err?: unknown) => {
      inFlight--;
      if (err !== undefined) return fail(err);
      void pump();
    };
    const pump = async (): Promise<void> => {
      if (pumping) return;
      pumping = true;
      // Re-asked on every pump: a short read can add work after the source looked exhausted.
      let exhausted = false;
      try {
        while (!failed && !exhausted && inFlight < concurrency) {
          inFlight++;
          const started = await startNext(done);
          if (!started) {
            inFlight--;
            exhausted = true;
          }
        }
      } catch (err) {
        fail(err);
      } finally {
        pumping = false;
      }
      if (!failed && exhausted && inFlight === 0) {
        cleanup();
        failed = true; // settled
        resolve();
      }
    };
    void pump();
  });
}

/**
 * Opens a remote file; returns its handle. Errors name `reportPath`: the destination the
 * caller asked for, not the temporary name it is written under.
 */
function openRemote(
  connection: Connection,
  path: string,
  flags: 'r' | 'w',
  mode: number,
  reportPath = path,
): Promise<Buffer> {
  return sftpCall<Buffer>(connection, 'open', reportPath, (sftp, cb) =>
    sftp.open(path, flags, { mode }, cb),
  );
}

function closeRemote(connection: Connection, path: string, handle: Buffer): Promise<void> {
  return sftpCall<void>(connection, 'close', path, (sftp, cb) => sftp.close(handle, cb));
}

/** The remote file's SHA-256 computed by the server, or undefined when it cannot (then read back). @internal */
export type RemoteDigest = (path: string, signal?: AbortSignal) => Promise<string | undefined>;

/** Digest of a remote file by reading it back over SFTP: the fallback without remote hashing. @internal */
export async function digestOverSftp(
  connection: Connection,
  path: string,
  options: ResolvedTransferOptions,
): Promise<string> {
  const hash = createHash('sha256');
  await downloadTo(
    connection,
    path,
    { write: async () => undefined },
    { ...options, verify: false, onProgress: undefined },
    undefined,
    hash,
  );
  return hash.digest('hex');
}

async function verifyRemote(
  connection: Connection,
  path: string,
  expectedSize: number,
  localDigest: string | undefined,
  remoteDigest: RemoteDigest,
  options: ResolvedTransferOptions,
  knownSize?: number,
): Promise<void> {
  if (options.verify === false) return;
  const size =
    knownSize ??
    (
      await sftpCall<{ size: number }>(
        connection,
        'stat',
        path,
        (sftp, cb) => sftp.stat(path, cb),
        options.signal,
      )
    ).size;
  if (size !== expectedSize) {
    throw sshError(
      connection.target,
      'ERR_NET_SFTP',
      `verification failed: ${path} has ${size} bytes, expected ${expectedSize}`,
      { path },
    );
  }
  if (options.verify !== 'sha256') return;
  // A file that fits in one read request is cheaper to read back than to hash remotely (an exec
  // channel and a process per file, which dominates a directory of small files).
  const digest =
    (size <= SMALL_FILE ? undefined : await remoteDigest(path, options.signal)) ??
    (await digestOverSftp(connection, path, options));
  if (digest !== localDigest) {
    throw sshError(
      connection.target,
      'ERR_NET_SFTP',
      `verification failed: SHA-256 of ${path} differs`,
      { path },
    );
  }
}

/**
 * Uploads `source` to `remotePath`. Atomic: the bytes go to a temporary name, are verified,
 * and the temporary file is renamed over the destination (posix-rename@openssh.com).
 * @internal
 */
export async function uploadFrom(
  connection: Connection,
  source: UploadSource,
  remotePath: string,
  options: ResolvedTransferOptions,
  remoteDigest: RemoteDigest,
  rename: (from: string, to: string) => Promise<void>,
  remove: (path: string) => Promise<void>,
  knownNew = false,
): Promise<void> {
  const writePath = options.atomic ? temporaryName(remotePath) : remotePath;
  const sftp = await connection.sftp(options.signal);
  // A replaced file keeps its mode (a 0600 file stays 0600) unless `mode` says otherwise; asked
  // for alongside the open. Without `atomic` the file is truncated in place and keeps it anyway;
  // in a folder this transfer created (`knownNew`) there is nothing to keep.
  const keptMode =
    options.mode === undefined && options.atomic && !knownNew
      ? sftpCall<{ mode: number }>(connection, 'stat', remotePath, (s, cb) =>
          s.stat(remotePath, cb),
        ).then(
          (stats) => stats.mode & 0o7777,
          () => undefined,
        )
      : undefined;
  const handle = await openRemote(
    connection,
    writePath,
    'w',
    options.mode ?? transferDefaults.mode,
    remotePath,
  );
  const chunk = Math.min(options.chunkSize, sftpRequestLimits(sftp).write);
  const hash: Hash | undefined = options.verify === 'sha256' ? createHash('sha256') : undefined;
  let offset = 0;
  let transferred = 0;
  let written: Promise<{ size: number }> | undefined;
  try {
    try {
      await pipeline(connection, remotePath, options.concurrency, options.signal, async (done) => {
        if (offset >= source.size) return false;
        const length = Math.min(chunk, source.size - offset);
        const position = offset;
        offset += length;
        // Reads are sequential (the pump awaits them), so the digest sees bytes in order.
        const data = await source.read(position, length);
        hash?.update(data);
        sftp.write(handle, data, 0, data.length, position, (err) => {
          if (err) return done(sftpError(connection.target, 'write', remotePath, err));
          transferred += data.length;
          options.onProgress?.({ transferred, total: source.size });
          done();
        });
        return true;
      });
      // Exact bits, whatever the server's umask did to the mode given at open.
      const mode = options.mode ?? (await keptMode);
      // fsetstat, fstat (the size check) and the close go out back to back: requests on one
      // handle are answered in order, so one round trip serves all three.
      const chmodded =
        mode === undefined
          ? undefined
          : sftpCall(connection, 'chmod', remotePath, (s, cb) => s.fsetstat(handle, { mode }, cb));
      chmodded?.catch(() => undefined);
      written =
        options.verify === false
          ? undefined
          : sftpCall<{ size: number }>(connection, 'fstat', remotePath, (s, cb) =>
              s.fstat(handle, cb),
            );
      written?.catch(() => undefined);
      await chmodded;
    } finally {
      if (!connection.lostError)
        await closeRemote(connection, writePath, handle).catch(() => undefined);
    }
    if (source.size === 0) options.onProgress?.({ transferred: 0, total: 0 });
    await verifyRemote(
      connection,
      writePath,
      source.size,
      hash?.digest('hex'),
      remoteDigest,
      options,
      written === undefined ? undefined : (await written).size,
    );
    if (options.atomic) await rename(writePath, remotePath);
  } catch (err) {
    // Best effort: with the connection gone the temporary file stays (documented); it never
    // carries the destination's name.
    if (options.atomic && !connection.lostError) await remove(writePath).catch(() => undefined);
    throw err;
  }
}

/**
 * Downloads `remotePath` into `sink` with parallel reads; `hash` (when given) is fed the bytes
 * in file order. Returns the number of bytes and the SHA-256 when `verify` is 'sha256'.
 * @internal
 */
export async function downloadTo(
  connection: Connection,
  remotePath: string,
  sink: DownloadSink,
  options: ResolvedTransferOptions,
  lanes?: TransferLanes,
  hash: Hash | undefined = options.verify === 'sha256' ? createHash('sha256') : undefined,
): Promise<{ size: number; digest: string | undefined }> {
  const sftp = await connection.sftp(options.signal);
  const handle = await openRemote(connection, remotePath, 'r', 0);
  let releaseLane: (() => void) | undefined;
  try {
    const chunk = Math.min(options.chunkSize, sftpRequestLimits(sftp).read);
    // The first read goes out with the fstat (one round trip for a small file, not two). Its
    // size is a guess, kept small so that small files get small buffers.
    const headLength = Math.min(chunk, HEAD_READ);
    const headBuffer = Buffer.allocUnsafe(headLength);
    const head = new Promise<number>((resolve, reject) =>
      sftp.read(handle, headBuffer, 0, headLength, 0, (err, bytesRead) =>
        // ssh2 reports end of file as an error with status 1 (EOF): an empty file.
        err ? (sftpStatus(err) === 1 ? resolve(0) : reject(err)) : resolve(bytesRead),
      ),
    );
    head.catch(() => undefined);
    const attrs = await sftpCall<{ size: number }>(connection, 'fstat', remotePath, (s, cb) =>
      s.fstat(handle, cb),
    );
    const size = attrs.size;
    const headRead = await head.catch((err: unknown) => {
      throw sftpError(connection.target, 'read', remotePath, err);
    });
    // Byte ranges still to fetch; a short read puts its remainder back at the front.
    const pending: Array<[number, number]> = [];
    let next = Math.min(headRead, size);
    const ordered = new Map<number, Buffer>();
    const free: Buffer[] = [];
    let hashed = 0;
    let transferred = 0;
    const feed = (position: number, data: Buffer) => {
      if (!hash) return;
      // A copy when it must wait: the buffer itself goes back to the pool once written.
      ordered.set(position, position === hashed ? data : Buffer.from(data));
      for (let part = ordered.get(hashed); part; part = ordered.get(hashed)) {
        ordered.delete(hashed);
        hash.update(part);
        hashed += part.length;
      }
    };
    // More than the head left to fetch: a large file, which waits for a lane (by the size the
    // server reports for the open file, not the one a listing claimed).
    if (next < size) releaseLane = await lanes?.acquire();
    if (next > 0) {
      const data = headBuffer.subarray(0, next);
      feed(0, data);
      await sink.write(data, 0);
      transferred = next;
      options.onProgress?.({ transferred, total: size });
    }
    await pipeline(connection, remotePath, options.concurrency, options.signal, (done) => {
      let range = pending.shift();
      if (!range) {
        if (next >= size) return false;
        range = [next, Math.min(chunk, size - next)];
        next += range[1];
      }
      const [position, length] = range;
      // Buffers come back to a free list once written, unless the sink keeps them.
      const pooled = free.pop();
      // A read buffer is never larger than what is left of the file (small files, small buffers).
      const buffer =
        pooled && pooled.length >= length
          ? pooled
          : Buffer.allocUnsafe(Math.min(chunk, Math.max(length, size - position)));
      sftp.read(handle, buffer, 0, length, position, (err, bytesRead) => {
        if (err) return done(sftpError(connection.target, 'read', remotePath, err));
        if (bytesRead === 0) {
          return done(
            sshError(
              connection.target,
              'ERR_NET_SFTP',
              `SFTP read failed (file shrank during download) for ${remotePath}`,
              { path: remotePath },
            ),
          );
        }
        if (bytesRead < length) pending.unshift([position + bytesRead, length - bytesRead]);
        const data = buffer.subarray(0, bytesRead);
        feed(position, data);
        sink.write(data, position).then(() => {
          if (!sink.retains) free.push(buffer);
          transferred += bytesRead;
          options.onProgress?.({ transferred, total: size });
          done();
        }, done);
      });
      return true;
    });
    if (size === 0) options.onProgress?.({ transferred: 0, total: 0 });
    return { size, digest: options.verify === 'sha256' ? hash?.digest('hex') : undefined };
  } finally {
    releaseLane?.();
    // Nothing depends on a read handle's close: it is not waited for (one round trip less
    // per file); the server answers it before any later request.
    if (!connection.lostError)
      void closeRemote(connection, remotePath, handle).catch(() => undefined);
  }
}
