import { constants } from 'node:fs';
import { lstat, rename, unlink } from 'node:fs/promises';
import { AbortError, NetworkError } from '@net/errors';
import type { Connection } from './connection.js';
import { chmodFile, closeFile, fileSize, openFile, readInto, writeAll } from './local-files.js';
import { remove as removeRemote, rename as renameRemote } from './sftp-ops.js';
import {
  digestOverSftp,
  downloadTo,
  temporaryName,
  uploadFrom,
  type DownloadSink,
  type RemoteDigest,
  type UploadSource,
} from './sftp-transfer.js';
import { sshError } from './ssh-errors.js';
import { LARGE_FILE_LANES, SMALL_FILE_BYTES, type TransferLanes } from './transfer-lanes.js';
import { transferDefaults, type ResolvedTransferOptions } from './transfer-options.js';

/** Local file system failures (a missing source, an unwritable folder) as ERR_NET_SFTP with the path. @internal */
export function localError(
  connection: Connection,
  operation: string,
  path: string,
  err: unknown,
): Error {
  if (err instanceof NetworkError) return err;
  const { code = 'error', path: failedPath = path } = err as NodeJS.ErrnoException;
  return sshError(
    connection.target,
    'ERR_NET_SFTP',
    `${operation} failed (local ${code}) for ${failedPath}`,
    { cause: err, path: failedPath },
  );
}

/** Local reads for uploads happen in blocks of this size. */
const BLOCK = 1024 * 1024;

/**
 * The first read of an upload: a file that reads shorter than this is whole after one read
 * (a regular file reads short only at its end), so it needs no fstat and no block buffer.
 */
const HEAD = SMALL_FILE_BYTES;

/**
 * Buffers of one size reused across files, at most `spares` of them kept: ssh2 copies a WRITE's
 * payload when it is sent, so a read buffer is free again once its upload settles. Bounded, so
 * a burst of uploads cannot pin memory.
 */
class BufferPool {
  readonly #spare: Buffer[] = [];
  constructor(
    readonly size: number,
    private readonly spares: number,
  ) {}

  take(): Buffer {
    return this.#spare.pop() ?? Buffer.allocUnsafe(this.size);
  }

  give(buffer: Buffer): void {
    if (this.#spare.length < this.spares) this.#spare.push(buffer);
  }
}

/** Head buffers: a directory of small files would otherwise allocate 64 KiB per file. */
const heads = new BufferPool(HEAD, 64);

/**
 * Full-size read blocks: each fresh one is 1 MiB outside the JavaScript heap, and V8 answers
 * that growth with a full garbage collection every few dozen blocks (a tree of 1 MiB files
 * allocated one per file). As many spares as large files move at once.
 */
const blocks = new BufferPool(BLOCK, LARGE_FILE_LANES);

/** An upload source over bytes already in memory. */
function bufferSource(data: Buffer): UploadSource {
  return {
    size: data.length,
    read: async (position, length) => data.subarray(position, position + length),
  };
}

/**
 * An upload source over a local file read in 1 MiB blocks, handing out request-sized slices.
 * One reused block buffer: ssh2 copies each WRITE's payload synchronously, so a view handed to
 * sftp.write() may be overwritten by the next read. Fewer, larger fs reads and no per-chunk
 * allocation keep the garbage collector out of the transfer.
 */
async function blockSource(
  connection: Connection,
  fd: number,
  localPath: string,
  options: ResolvedTransferOptions,
): Promise<UploadSource & { release: () => void }> {
  const size = await fileSize(fd);
  const length = Math.max(1, Math.min(size, Math.max(BLOCK, options.chunkSize)));
  const pooled = length === blocks.size;
  const block = pooled ? blocks.take() : Buffer.allocUnsafe(length);
  let blockStart = 0;
  let blockEnd = 0;
  return {
    release: () => {
      if (pooled) blocks.give(block);
    },
    size,
    read: async (position, length) => {
      if (position < blockStart || position + length > blockEnd) {
        const want = Math.min(block.length, size - position);
        let filled = 0;
        while (filled < want) {
          const bytesRead = await readInto(fd, block, filled, want - filled, position + filled);
          if (bytesRead === 0)
            throw localError(
              connection,
              'upload',
              localPath,
              Object.assign(new Error('file shrank'), { code: 'ESHRANK' }),
            );
          filled += bytesRead;
        }
        blockStart = position;
        blockEnd = position + filled;
      }
      return block.subarray(position - blockStart, position - blockStart + length);
    },
  };
}

/**
 * Upload of a local file. In a directory transfer, `lanes` bounds how many large files move at
 * once (a small one never waits for a lane).
 * @internal
 */
export async function uploadFile(
  connection: Connection,
  localPath: string,
  remotePath: string,
  options: ResolvedTransferOptions,
  remoteDigest: RemoteDigest,
  knownNew = false,
  lanes?: TransferLanes,
): Promise<void> {
  const fd = await openFile(localPath, 'r').catch((err: unknown) => {
    throw localError(connection, 'upload', localPath, err);
  });
  const head = heads.take();
  let releaseLane: (() => void) | undefined;
  let releaseBlock: (() => void) | undefined;
  try {
    const headRead = await readInto(fd, head, 0, HEAD, 0).catch((err: unknown) => {
      throw localError(connection, 'upload', localPath, err);
    });
    let source: UploadSource;
    if (headRead < HEAD) source = bufferSource(head.subarray(0, headRead));
    else {
      releaseLane = await lanes?.acquire();
      const blocks = await blockSource(connection, fd, localPath, options);
      releaseBlock = blocks.release;
      source = blocks;
    }
    await uploadFrom(
      connection,
      source,
      remotePath,
      options,
      remoteDigest,
      (from, to) => renameRemote(connection, from, to, true),
      (path) => removeRemote(connection, path),
      knownNew,
    );
  } finally {
    releaseBlock?.();
    releaseLane?.();
    heads.give(head);
    // A read-only descriptor: nothing to lose in its close.
    await closeFile(fd).catch(() => undefined);
  }
}

/** Upload of a Buffer (writeFile). @internal */
export async function uploadBuffer(
  connection: Connection,
  data: Buffer,
  remotePath: string,
  options: ResolvedTransferOptions,
  remoteDigest: RemoteDigest,
): Promise<void> {
  await uploadFrom(
    connection,
    bufferSource(data),
    remotePath,
    options,
    remoteDigest,
    (from, to) => renameRemote(connection, from, to, true),
    (path) => removeRemote(connection, path),
  );
}

/** The remote SHA-256 by the chain: the server's own hash command, else reading back over SFTP. */
async function remoteDigestOf(
  connection: Connection,
  remotePath: string,
  pending: Promise<string | undefined>,
  options: ResolvedTransferOptions,
): Promise<string> {
  return (await pending) ?? (await digestOverSftp(connection, remotePath, options));
}

/** Fails a transfer whose remote SHA-256 differs from the bytes hashed as they went through. */
function assertSameDigest(
  connection: Connection,
  remotePath: string,
  local: string | undefined,
  remote: string,
): void {
  if (remote !== local) {
    throw sshError(
      connection.target,
      'ERR_NET_SFTP',
      `verification failed: SHA-256 of ${remotePath} differs`,
      { path: remotePath },
    );
  }
}

/**
 * Download into a local file: a temporary sibling renamed into place when complete.
 * `knownNew`: the destination's folder was created by this transfer, so there is no file
 * there whose mode to keep.
 * @internal
 */
export async function downloadFile(
  connection: Connection,
  remotePath: string,
  localPath: string,
  options: ResolvedTransferOptions,
  remoteDigest: RemoteDigest,
  noFollow = false,
  knownNew = false,
  lanes?: TransferLanes,
): Promise<void> {
  if (options.signal?.aborted)
    throw new AbortError(`download aborted: ${remotePath}`, { cause: options.signal.reason });
  const writePath = options.atomic ? temporaryName(localPath) : localPath;
  // A replaced file keeps its mode (a 0600 file stays 0600) unless `mode` says otherwise.
  const mode =
    options.mode ??
    (options.atomic && !knownNew
      ? await lstat(localPath).then(
          (s) => (s.isFile() ? s.mode & 0o7777 : undefined),
          () => undefined,
        )
      : undefined);
  // The temporary name is created exclusively (never through something planted under it); a
  // direct write in a directory transfer does not follow a symlink at the destination.
  const flags = options.atomic
    ? 'wx'
    : noFollow
      ? constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW
      : 'w';
  const fd = await openFile(writePath, flags, mode ?? transferDefaults.mode).catch(
    (err: unknown) => {
      throw localError(connection, 'download', localPath, err);
    },
  );
  let closed = false;
  try {
    // Exact bits, whatever the umask did to the mode given at open.
    if (mode !== undefined) await chmodFile(fd, mode);
    const sink: DownloadSink = { write: (data, position) => writeAll(fd, data, position) };
    // The remote digest is computed while the bytes travel.
    const digestPromise =
      options.verify === 'sha256' ? remoteDigest(remotePath, options.signal) : undefined;
    digestPromise?.catch(() => undefined);
    const { size, digest } = await downloadTo(connection, remotePath, sink, options, lanes);
    // The file as written, asked of the open descriptor (no second path lookup).
    const written = options.verify === false ? size : await fileSize(fd);
    closed = true;
    await closeFile(fd);
    if (written !== size) {
      throw sshError(
        connection.target,
        'ERR_NET_SFTP',
        `verification failed: ${localPath} has ${written} bytes, expected ${size}`,
        { path: remotePath },
      );
    }
    if (digestPromise)
      assertSameDigest(
        connection,
        remotePath,
        digest,
        await remoteDigestOf(connection, remotePath, digestPromise, options),
      );
    if (options.atomic)
      await rename(writePath, localPath).catch((err: unknown) => {
        throw localError(connection, 'download', localPath, err);
      });
  } catch (err) {
    if (!closed) await closeFile(fd).catch(() => undefined);
    if (options.atomic) await unlink(writePath).catch(() => undefined);
    throw err;
  }
}

/** Download into memory (readFile). @internal */
export async function downloadBuffer(
  connection: Connection,
  remotePath: string,
  options: ResolvedTransferOptions,
  remoteDigest: RemoteDigest,
): Promise<Buffer> {
  const parts: Array<[number, Buffer]> = [];
  const sink = {
    write: async (data: Buffer, position: number) => void parts.push([position, data]),
    retains: true,
  };
  const { digest } = await downloadTo(connection, remotePath, sink, options);
  if (options.verify === 'sha256')
    assertSameDigest(
      connection,
      remotePath,
      digest,
      await remoteDigestOf(
        connection,
        remotePath,
        remoteDigest(remotePath, options.signal),
        options,
      ),
    );
  parts.sort((a, b) => a[0] - b[0]);
  return Buffer.concat(parts.map(([, data]) => data));
}
