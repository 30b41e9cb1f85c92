import {
  lstat as localLstat,
  mkdir as localMkdir,
  readdir,
  realpath as localRealpath,
  stat as localStat,
} from 'node:fs/promises';
import { join } from 'node:path';
import type { Connection } from './connection.js';
import { downloadFile, localError, uploadFile } from './file-transfers.js';
import { list, mkdir, stat } from './sftp-ops.js';
import type { RemoteDigest } from './sftp-transfer.js';
import type { ResolvedTransferOptions, TransferOptions } from './transfer-options.js';

/** Options of `uploadDir()` and `downloadDir()`. */
export interface DirectoryTransferOptions extends TransferOptions {
  /**
   * What to do with symbolic links in the tree. `'skip'` leaves them out (listed in the
   * result's `skipped`), like rsync without `-l`: a link may point outside the tree. `'follow'`
   * copies what they point to (a file's content, a directory's tree), like `scp -r`; a link
   * back into a folder already being copied is skipped to avoid loops. @default 'skip'
   */
  symlinks?: 'skip' | 'follow';
  /** Files transferred at once (each file also pipelines its own requests). @default 4 */
  parallelFiles?: number;
}

/** What a directory transfer did, paths relative to the tree's root. */
export interface DirectoryTransferResult {
  files: string[];
  directories: string[];
  /** Symlinks (with 'skip'), loops and special files that were not transferred. */
  skipped: string[];
}

/** Runs `tasks` with at most `limit` at once; the first failure rejects (after the others settle). */
async function runLimited(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let index = 0;
  let failure: unknown;
  const worker = async () => {
    while (index < tasks.length && failure === undefined) {
      const task = tasks[index++]!;
      await task().catch((err: unknown) => {
        failure ??= err;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (failure !== undefined) throw failure;
}

export async function uploadDir(
  connection: Connection,
  localDir: string,
  remoteDir: string,
  options: ResolvedTransferOptions & Pick<DirectoryTransferOptions, 'parallelFiles'>,
  symlinks: 'skip' | 'follow',
  remoteDigest: RemoteDigest,
): Promise<DirectoryTransferResult> {
  const result: DirectoryTransferResult = { files: [], directories: [], skipped: [] };
  const files: Array<() => Promise<void>> = [];
  const visiting = new Set<string>();
  const walk = async (local: string, remote: string, relative: string): Promise<void> => {
    const real = await localRealpath(local);
    if (visiting.has(real)) {
      result.skipped.push(relative);
      return;
    }
    visiting.add(real);
    await mkdir(connection, remote, true);
    if (relative !== '') result.directories.push(relative);
    for (const entry of await readdir(local, { withFileTypes: true })) {
      const childLocal = join(local, entry.name);
      const childRemote = `${remote.replace(/\/+$/, '')}/${entry.name}`;
      const childRelative = relative === '' ? entry.name : `${relative}/${entry.name}`;
      let stats = await localLstat(childLocal);
      if (stats.isSymbolicLink()) {
        const target =
          symlinks === 'follow' ? await localStat(childLocal).catch(() => undefined) : undefined;
        if (!target) {
          result.skipped.push(childRelative);
          continue;
        }
        stats = target;
      }
      if (stats.isDirectory()) await walk(childLocal, childRemote, childRelative);
      else if (stats.isFile()) {
        result.files.push(childRelative);
        files.push(() => uploadFile(connection, childLocal, childRemote, options, remoteDigest));
      } else result.skipped.push(childRelative);
    }
    visiting.delete(real);
  };
  await walk(localDir, remoteDir, '').catch((err: unknown) => {
    throw localError(connection, 'uploadDir', localDir, err);
  });
  await runLimited(files, options.parallelFiles ?? 4);
  return result;
}

export async function downloadDir(
  connection: Connection,
  remoteDir: string,
  localDir: string,
  options: ResolvedTransferOptions & Pick<DirectoryTransferOptions, 'parallelFiles'>,
  symlinks: 'skip' | 'follow',
  remoteDigest: RemoteDigest,
): Promise<DirectoryTransferResult> {
  const result: DirectoryTransferResult = { files: [], directories: [], skipped: [] };
  const files: Array<() => Promise<void>> = [];
  const walk = async (
    remote: string,
    local: string,
    relative: string,
    depth: number,
  ): Promise<void> => {
    // Without a remote realpath per link, a depth bound is what stops symlink loops.
    if (depth > 64) {
      result.skipped.push(relative);
      return;
    }
    await localMkdir(local, { recursive: true });
    if (relative !== '') result.directories.push(relative);
    for (const entry of await list(connection, remote)) {
      const childRemote = `${remote.replace(/\/+$/, '')}/${entry.name}`;
      const childLocal = join(local, entry.name);
      const childRelative = relative === '' ? entry.name : `${relative}/${entry.name}`;
      let type = entry.type;
      if (type === 'symlink') {
        const target =
          symlinks === 'follow'
            ? await stat(connection, childRemote).catch(() => undefined)
            : undefined;
        if (!target) {
          result.skipped.push(childRelative);
          continue;
        }
        type = target.type;
      }
      if (type === 'directory') await walk(childRemote, childLocal, childRelative, depth + 1);
      else if (type === 'file') {
        result.files.push(childRelative);
        files.push(() => downloadFile(connection, childRemote, childLocal, options, remoteDigest));
      } else result.skipped.push(childRelative);
    }
  };
  await walk(remoteDir, localDir, '', 0).catch((err: unknown) => {
    throw localError(connection, 'downloadDir', localDir, err);
  });
  await runLimited(files, options.parallelFiles ?? 4);
  return result;
}
