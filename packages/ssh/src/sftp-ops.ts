import type { Stats } from 'ssh2';
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

/** SFTP status: no such file. */
export const NO_SUCH_FILE = 2;

export function typeOf(stats: Stats): FileType {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

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
 * Runs one SFTP request: `call` gets ssh2's callback; errors become SSHError ERR_NET_SFTP with
 * the path, and a connection lost meanwhile settles the promise instead of leaving it pending.
 */
export function sftpCall<T>(
  connection: Connection,
  operation: string,
  path: string,
  call: (cb: (err: unknown, value?: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (connection.lostError)
      return reject(sftpError(connection.target, operation, path, connection.lostError));
    const unsubscribe = connection.onLost((err) =>
      reject(sftpError(connection.target, operation, path, err)),
    );
    try {
      call((err, value) => {
        unsubscribe();
        if (err) reject(sftpError(connection.target, operation, path, err));
        else resolve(value as T);
      });
    } catch (err) {
      unsubscribe();
      reject(sftpError(connection.target, operation, path, err));
    }
  });
}

export function stat(connection: Connection, path: string): Promise<FileStats> {
  return sftpCall<Stats>(connection, 'stat', path, (cb) => connection.sftp.stat(path, cb)).then(
    toFileStats,
  );
}

export function lstat(connection: Connection, path: string): Promise<FileStats> {
  return sftpCall<Stats>(connection, 'lstat', path, (cb) => connection.sftp.lstat(path, cb)).then(
    toFileStats,
  );
}

export async function exists(connection: Connection, path: string): Promise<boolean> {
  try {
    await lstat(connection, path);
    return true;
  } catch (err) {
    if (sftpStatus((err as Error).cause) === NO_SUCH_FILE) return false;
    throw err;
  }
}

export async function list(connection: Connection, path: string): Promise<FileEntry[]> {
  const entries = await sftpCall<Array<{ filename: string; attrs: Stats }>>(
    connection,
    'readdir',
    path,
    (cb) => connection.sftp.readdir(path, cb),
  );
  return entries
    .filter((entry) => entry.filename !== '.' && entry.filename !== '..')
    .map((entry) => ({ name: entry.filename, ...toFileStats(entry.attrs) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function mkdir(
  connection: Connection,
  path: string,
  recursive: boolean,
  mode?: number,
): Promise<void> {
  const attrs = mode === undefined ? {} : { mode };
  if (!recursive) {
    await sftpCall(connection, 'mkdir', path, (cb) => connection.sftp.mkdir(path, attrs, cb));
    return;
  }
  // Create each missing ancestor in turn, like `mkdir -p`; an existing directory is fine.
  const absolute = path.startsWith('/');
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  let current = absolute ? '' : '.';
  for (const part of parts) {
    current = `${current}/${part}`;
    const existing = await lstat(connection, current).catch((err: Error) => {
      if (sftpStatus(err.cause) === NO_SUCH_FILE) return undefined;
      throw err;
    });
    if (existing?.type === 'directory') continue;
    if (existing)
      throw sftpError(
        connection.target,
        'mkdir',
        current,
        new Error('a non-directory is in the way'),
      );
    await sftpCall(connection, 'mkdir', current, (cb) =>
      connection.sftp.mkdir(current, attrs, cb),
    ).catch(async (err: Error) => {
      // Another writer may have created it meanwhile.
      if ((await lstat(connection, current).catch(() => undefined))?.type !== 'directory')
        throw err;
    });
  }
}

export async function rmdir(
  connection: Connection,
  path: string,
  recursive: boolean,
): Promise<void> {
  if (recursive) {
    for (const entry of await list(connection, path)) {
      const child = `${path.replace(/\/+$/, '')}/${entry.name}`;
      if (entry.type === 'directory') await rmdir(connection, child, true);
      else await remove(connection, child);
    }
  }
  await sftpCall(connection, 'rmdir', path, (cb) => connection.sftp.rmdir(path, cb));
}

export async function remove(connection: Connection, path: string): Promise<void> {
  await sftpCall(connection, 'remove', path, (cb) => connection.sftp.unlink(path, cb));
}

/** True when the server offers OpenSSH's POSIX rename (overwrites the target atomically). */
export function hasPosixRename(connection: Connection): boolean {
  return (
    (connection.sftp as unknown as { _extensions?: Record<string, string> })._extensions?.[
      'posix-rename@openssh.com'
    ] === '1'
  );
}

/**
 * Renames `from` to `to`. With `overwrite`, an existing target is replaced — atomically through
 * posix-rename@openssh.com when the server has it, otherwise by removing the target first.
 */
export async function rename(
  connection: Connection,
  from: string,
  to: string,
  overwrite: boolean,
): Promise<void> {
  if (overwrite && hasPosixRename(connection)) {
    await sftpCall(connection, 'rename', to, (cb) =>
      connection.sftp.ext_openssh_rename(from, to, cb),
    );
    return;
  }
  if (overwrite) {
    await remove(connection, to).catch((err: Error) => {
      if (sftpStatus(err.cause) !== NO_SUCH_FILE) throw err;
    });
  }
  await sftpCall(connection, 'rename', to, (cb) => connection.sftp.rename(from, to, cb));
}

export async function chmod(connection: Connection, path: string, mode: number): Promise<void> {
  await sftpCall(connection, 'chmod', path, (cb) => connection.sftp.chmod(path, mode, cb));
}

export function realpath(connection: Connection, path: string): Promise<string> {
  return sftpCall<string>(connection, 'realpath', path, (cb) => connection.sftp.realpath(path, cb));
}
