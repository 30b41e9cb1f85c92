import { constants } from 'node:fs';
import { lstat, open, rename, stat, unlink } from 'node:fs/promises';
import { AbortError, NetworkError } from '@net/errors';
import type { Connection } from './connection.js';
import { remove as removeRemote, rename as renameRemote } from './sftp-ops.js';
import {
  digestOverSftp,
  downloadTo,
  temporaryName,
  uploadFrom,
  type DownloadSink,
  type RemoteDigest,
} from './sftp-transfer.js';
import { sshError } from './ssh-errors.js';
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

/** Upload of a local file. Reads it in 1 MiB blocks, handing out request-sized slices. @internal */
export async function uploadFile(
  connection: Connection,
  localPath: string,
  remotePath: string,
  options: ResolvedTransferOptions,
  remoteDigest: RemoteDigest,
  knownNew = false,
): Promise<void> {
  const file = await open(localPath, 'r').catch((err: unknown) => {
    throw localError(connection, 'upload', localPath, err);
  });
  try {
    const { size } = await file.stat();
    // One reused block buffer: ssh2 copies each WRITE's payload synchronously, so a view
    // handed to sftp.write() may be overwritten by the next read. Fewer, larger fs reads and
    // no per-chunk allocation keep the garbage collector out of the transfer.
    // Never larger than the file: a 1 MiB block per 4 KiB file would keep the garbage
    // collector busy in a directory transfer. Small ones come from Node's shared pool.
    const block = Buffer.allocUnsafe(
      Math.max(1, Math.min(size, Math.max(BLOCK, options.chunkSize))),
    );
    let blockStart = 0;
    let blockEnd = 0;
    const source = {
      size,
      read: async (position: number, length: number): Promise<Buffer> => {
        if (position < blockStart || position + length > blockEnd) {
          const want = Math.min(block.length, size - position);
          let filled = 0;
          while (filled < want) {
            const { bytesRead } = await file.read(block, filled, want - filled, position + filled);
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
    await file.close();
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
    {
      size: data.length,
      read: async (position, length) => data.subarray(position, position + length),
    },
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

/** Download into a local file: a temporary sibling renamed into place when complete. @internal */
export async function downloadFile(
  connection: Connection,
  remotePath: string,
  localPath: string,
  options: ResolvedTransferOptions,
  remoteDigest: RemoteDigest,
  noFollow = false,
): Promise<void> {
  if (options.signal?.aborted)
    throw new AbortError(`download aborted: ${remotePath}`, { cause: options.signal.reason });
  const writePath = options.atomic ? temporaryName(localPath) : localPath;
  // A replaced file keeps its mode (a 0600 file stays 0600) unless `mode` says otherwise.
  const mode =
    options.mode ??
    (options.atomic
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
  const file = await open(writePath, flags, mode ?? transferDefaults.mode).catch((err: unknown) => {
    throw localError(connection, 'download', localPath, err);
  });
  let closed = false;
  try {
    // Exact bits, whatever the umask did to the mode given at open.
    if (mode !== undefined) await file.chmod(mode);
    const sink: DownloadSink = {
      write: async (data, position) => {
        let written = 0;
        while (written < data.length) {
          const { bytesWritten } = await file.write(
            data,
            written,
            data.length - written,
            position + written,
          );
          written += bytesWritten;
        }
      },
    };
    // The remote digest is computed while the bytes travel.
    const digestPromise =
      options.verify === 'sha256' ? remoteDigest(remotePath, options.signal) : undefined;
    digestPromise?.catch(() => undefined);
    const { size, digest } = await downloadTo(connection, remotePath, sink, options);
    closed = true;
    await file.close();
    if (options.verify !== false) {
      const { size: written } = await stat(writePath);
      if (written !== size) {
        throw sshError(
          connection.target,
          'ERR_NET_SFTP',
          `verification failed: ${localPath} has ${written} bytes, expected ${size}`,
          { path: remotePath },
        );
      }
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
    if (!closed) await file.close().catch(() => undefined);
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
