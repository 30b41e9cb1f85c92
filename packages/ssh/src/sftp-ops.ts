import { abortErrorFor, throwIfAborted } from '@net/errors/internal';
import type { SFTPWrapper, Stats } from 'ssh2';
import { isSafeEntryName } from './remote-names.js';
import { hasPosixRename } from './ssh2-adapter.js';
import type { Connection } from './connection.js';
import { sftpError, sftpStatus } from './ssh-errors.js';

/** What kind of file system entry a path is. */
export type FileType = 'file' | 'directory' | 'symlink' | 'other';

/** Attributes of a remote path. Times are milliseconds since the epoch. */
export interface FileStats {
  type: FileType;
  size: number;
  /** Permission and type bits, as in `fs.Stats.mode`. */
  mode: number;
  uid: number;
  gid: number;
  atimeMs: number;
  mtimeMs: number;
}

/** One entry of {@link list}. */
export interface FileEntry extends FileStats {
  name: string;
}

/** SFTP status: no such file. @internal */
export const NO_SUCH_FILE = 2;

/** @internal */
export function typeOf(stats: Stats): FileType {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

/** @internal */
export function toFileStats(stats: Stats): FileStats {
  return {
    type: typeOf(stats),
    size: stats.size,
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    atimeMs: stats.atime * 1000,
    mtimeMs: stats.mtime * 1000,
  };
}

/**
 * Runs one SFTP request: `call` gets the SFTP session and ssh2's callback; errors become
 * SSHError ERR_NET_SFTP with the path, a connection lost meanwhile settles the promise instead
 * of leaving it pending, and `signal` rejects it with AbortError (the request itself cannot be
 * recalled from the server; its answer is ignored).
 * @internal
 */
export async function sftpCall<T>(
  connection: Connection,
  operation: string,
  path: string,
  call: (sftp: SFTPWrapper, cb: (err: unknown, value?: T) => void) => void,
  signal?: AbortSignal,
): Promise<T> {
  throwIfAborted(signal, `SFTP ${operation} of ${path}`);
  const sftp = connection.sftpNow ?? (await connection.sftp(signal));
  return new Promise<T>((resolve, reject) => {
    if (connection.lostError)
      return reject(sftpError(connection.target, operation, path, connection.lostError));
    const settle = () => {
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      settle();
      reject(abortErrorFor(signal!, `SFTP ${operation} of ${path}`));
    };
    const unsubscribe = connection.onLost((err) => {
      settle();
      reject(sftpError(connection.target, operation, path, err));
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      call(sftp, (err, value) => {
        settle();
        if (err) reject(sftpError(connection.target, operation, path, err));
        else resolve(value as T);
      });
    } catch (err) {
      settle();
      reject(sftpError(connection.target, operation, path, err));
    }
  });
}

/** @internal */
export function stat(
  connection: Connection,
  path: string,
  signal?: AbortSignal,
): Promise<FileStats> {
  return sftpCall<Stats>(connection, 'stat', path, (sftp, cb) => sftp.stat(path, cb), signal).then(
    toFileStats,
  );
}

/** @internal */
export function lstat(
  connection: Connection,
  path: string,
  signal?: AbortSignal,
): Promise<FileStats> {
  return sftpCall<Stats>(
    connection,
    'lstat',
    path,
    (sftp, cb) => sftp.lstat(path, cb),
    signal,
  ).then(toFileStats);
}

/** @internal */
export async function exists(
  connection: Connection,
  path: string,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    await lstat(connection, path, signal);
    return true;
  } catch (err) {
    if (sftpStatus((err as Error).cause) === NO_SUCH_FILE) return false;
    throw err;
  }
}

/** Raw directory entries, `.` and `..` left out, unsorted. Names are the server's, unchecked. @internal */
export async function readdir(
  connection: Connection,
  path: string,
  signal?: AbortSignal,
): Promise<FileEntry[]> {
  const entries = await sftpCall<Array<{ filename: string; attrs: Stats }>>(
    connection,
    'readdir',
    path,
    (sftp, cb) => sftp.readdir(path, cb),
    signal,
  );
  return entries
    .filter((entry) => entry.filename !== '.' && entry.filename !== '..')
    .map((entry) => ({ name: entry.filename, ...toFileStats(entry.attrs) }));
}

/** @internal */
export async function list(
  connection: Connection,
  path: string,
  signal?: AbortSignal,
): Promise<FileEntry[]> {
  return (await readdir(connection, path, signal)).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

/** @internal */
export async function mkdir(
  connection: Connection,
  path: string,
  recursive: boolean,
  mode?: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const attrs = mode === undefined ? {} : { mode };
  if (!recursive) {
    await sftpCall(connection, 'mkdir', path, (sftp, cb) => sftp.mkdir(path, attrs, cb), signal);
    return true;
  }
  // Whether the last folder was created by this call (so it held nothing before).
  let created = false;
  // Create each missing ancestor in turn, like `mkdir -p`; an existing directory is fine.
  const absolute = path.startsWith('/');
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  let current = absolute ? '' : '.';
  for (const part of parts) {
    current = `${current}/${part}`;
    const here = current;
    const existing = await lstat(connection, here, signal).catch((err: Error) => {
      if (sftpStatus(err.cause) === NO_SUCH_FILE) return undefined;
      throw err;
    });
    created = false;
    if (existing?.type === 'directory') continue;
    if (existing)
      throw sftpError(connection.target, 'mkdir', here, new Error('a non-directory is in the way'));
    await sftpCall(
      connection,
      'mkdir',
      here,
      (sftp, cb) => sftp.mkdir(here, attrs, cb),
      signal,
    ).then(
      () => (created = true),
      async (err: Error) => {
        // Another writer may have created it meanwhile.
        if ((await lstat(connection, here, signal).catch(() => undefined))?.type !== 'directory')
          throw err;
      },
    );
  }
  return created;
}

/** @internal */
export async function rmdir(
  connection: Connection,
  path: string,
  recursive: boolean,
  signal?: AbortSignal,
): Promise<void> {
  if (recursive) {
    for (const entry of await readdir(connection, path, signal)) {
      // Names from the server: one that is not a plain name could point elsewhere.
      if (!isSafeEntryName(entry.name))
        throw sftpError(
          connection.target,
          'rmdir',
          `${path}/${entry.name}`,
          new Error('unsafe name in listing'),
        );
      const child = `${path.replace(/\/+$/, '')}/${entry.name}`;
      if (entry.type === 'directory') await rmdir(connection, child, true, signal);
      else await remove(connection, child, signal);
    }
  }
  await sftpCall(connection, 'rmdir', path, (sftp, cb) => sftp.rmdir(path, cb), signal);
}

/** @internal */
export async function remove(
  connection: Connection,
  path: string,
  signal?: AbortSignal,
): Promise<void> {
  await sftpCall(connection, 'remove', path, (sftp, cb) => sftp.unlink(path, cb), signal);
}

/**
 * Renames `from` to `to`. With `overwrite`, an existing target is replaced — atomically through
 * posix-rename@openssh.com when the server has it, otherwise by removing the target first.
 * @internal
 */
export async function rename(
  connection: Connection,
  from: string,
  to: string,
  overwrite: boolean,
  signal?: AbortSignal,
): Promise<void> {
  const sftp = await connection.sftp(signal);
  if (overwrite && hasPosixRename(sftp)) {
    await sftpCall(connection, 'rename', to, (s, cb) => s.ext_openssh_rename(from, to, cb), signal);
    return;
  }
  if (overwrite) {
    await remove(connection, to, signal).catch((err: Error) => {
      if (sftpStatus(err.cause) !== NO_SUCH_FILE) throw err;
    });
  }
  await sftpCall(connection, 'rename', to, (s, cb) => s.rename(from, to, cb), signal);
}

/** @internal */
export async function chmod(
  connection: Connection,
  path: string,
  mode: number,
  signal?: AbortSignal,
): Promise<void> {
  await sftpCall(connection, 'chmod', path, (sftp, cb) => sftp.chmod(path, mode, cb), signal);
}

/** @internal */
export function realpath(
  connection: Connection,
  path: string,
  signal?: AbortSignal,
): Promise<string> {
  return sftpCall<string>(
    connection,
    'realpath',
    path,
    (sftp, cb) => sftp.realpath(path, cb),
    signal,
  );
}
