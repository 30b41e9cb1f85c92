import {
  lstat as localLstat,
  mkdir as localMkdir,
  readdir as localReaddir,
  realpath as localRealpath,
  stat as localStat,
} from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Connection } from './connection.js';
import { downloadFile, localError, uploadFile } from './file-transfers.js';
import { isSafeEntryName } from './remote-names.js';
import { largeFileLanes } from './transfer-lanes.js';
import { mkdir, readdir, realpath, stat } from './sftp-ops.js';
import type { RemoteDigest } from './sftp-transfer.js';
import { sshError } from './ssh-errors.js';
import type { ResolvedTransferOptions, TransferOptions } from './transfer-options.js';

/** Options of `uploadDir()` and `downloadDir()`. */
export interface DirectoryTransferOptions extends TransferOptions {
  /**
   * What to do with symbolic links in the source tree. `'skip'` leaves them out (listed in the
   * result's `skipped`), like rsync without `-l`. `'follow'` copies what they point to (a
   * file's content, a directory's tree) — but only when the target lies inside the source
   * tree: a link that leads out of it, or back into a folder already being copied, is skipped.
   * @default 'skip'
   */
  symlinks?: 'skip' | 'follow';
  /**
   * Files transferred at once over the one SFTP session (each file also pipelines its own
   * requests). Files over 64 KiB also take one of at most 16 lanes, so a tree of large files
   * holds at most 16 × `concurrency` × `chunkSize` bytes in flight (64 MiB with the defaults).
   * @default 64
   */
  parallelFiles?: number;
}

/** What a directory transfer did, paths relative to the tree's root. */
export interface DirectoryTransferResult {
  files: string[];
  directories: string[];
  /** Symlinks (with 'skip' or leading out of the tree), loops and special files not transferred. */
  skipped: string[];
}

/** @internal */
export type ResolvedDirectoryOptions = ResolvedTransferOptions & {
  symlinks: 'skip' | 'follow';
  parallelFiles: number;
};

/** The most entries a downloadDir listing may hold in all. */
const MAX_ENTRIES = 1_000_000;

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

/** True when `path` is `root` or below it (both absolute, normalised). */
function within(root: string, path: string, separator: string): boolean {
  return path === root || path.startsWith(root.endsWith(separator) ? root : root + separator);
}

function joinRemote(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, '')}/${name}`;
}

/** @internal */
export async function uploadDir(
  connection: Connection,
  localDir: string,
  remoteDir: string,
  options: ResolvedDirectoryOptions,
  remoteDigest: RemoteDigest,
): Promise<DirectoryTransferResult> {
  const result: DirectoryTransferResult = { files: [], directories: [], skipped: [] };
  const files: Array<() => Promise<void>> = [];
  const dirs: string[] = [];
  const lanes = largeFileLanes(options.parallelFiles);
  // Folders this transfer created: nothing in them to keep the mode of.
  const fresh = new Set<string>();
  const visiting = new Set<string>();
  let root = '';
  const walk = async (local: string, remote: string, rel: string): Promise<void> => {
    const real = await localRealpath(local);
    if (rel === '') root = real;
    if (visiting.has(real)) {
      result.skipped.push(rel);
      return;
    }
    visiting.add(real);
    dirs.push(remote);
    if (rel !== '') result.directories.push(rel);
    const entries = await localReaddir(local, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childLocal = join(local, entry.name);
      const childRemote = joinRemote(remote, entry.name);
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      // The listing's own types (no lstat per entry: in a tree of small files those calls
      // cost as much as the transfer); Node lstats the entries a file system leaves untyped.
      let kind: { isDirectory(): boolean; isFile(): boolean } = entry;
      if (entry.isSymbolicLink()) {
        // Followed only into the tree being copied: a link must not export /etc/shadow.
        const target =
          options.symlinks === 'follow'
            ? await localRealpath(childLocal).catch(() => undefined)
            : undefined;
        if (target === undefined || !within(root, target, sep)) {
          result.skipped.push(childRel);
          continue;
        }
        kind = await localStat(target);
      }
      if (kind.isDirectory()) await walk(childLocal, childRemote, childRel);
      else if (kind.isFile()) {
        result.files.push(childRel);
        files.push(() =>
          uploadFile(
            connection,
            childLocal,
            childRemote,
            options,
            remoteDigest,
            fresh.has(remote),
            lanes,
          ),
        );
      } else result.skipped.push(childRel);
    }
    visiting.delete(real);
  };
  await walk(localDir, remoteDir, '').catch((err: unknown) => {
    throw localError(connection, 'uploadDir', localDir, err);
  });
  for (const dir of dirs)
    if (await mkdir(connection, dir, true, undefined, options.signal)) fresh.add(dir);
  await runLimited(files, options.parallelFiles);
  return result;
}

/**
 * Downloads a remote tree. The whole listing is read and checked before anything is written:
 * a name that is not a plain entry name (`..`, `.`, empty, containing `/` or NUL) fails the
 * transfer with ERR_NET_SFTP naming it, and every local path is checked to lie inside
 * `localDir`. Symlinks are followed (with 'follow') only when their target, as the server
 * resolves it, lies inside the remote tree.
 * @internal
 */
export async function downloadDir(
  connection: Connection,
  remoteDir: string,
  localDir: string,
  options: ResolvedDirectoryOptions,
  remoteDigest: RemoteDigest,
): Promise<DirectoryTransferResult> {
  const result: DirectoryTransferResult = { files: [], directories: [], skipped: [] };
  const localRoot = resolve(localDir);
  const dirs: string[] = [localRoot];
  const files: Array<{ remote: string; local: string }> = [];
  const lanes = largeFileLanes(options.parallelFiles);
  const remoteRoot = options.symlinks === 'follow' ? await realpath(connection, remoteDir) : '';
  // The directories being walked (ancestors of the current one): a link back into one of them
  // is a loop. A link to a sibling tree is copied (again), as `scp -r` does.
  const visiting = new Set<string>();
  let entriesSeen = 0;
  const refuse = (path: string, why: string) =>
    sshError(connection.target, 'ERR_NET_SFTP', `downloadDir refused ${why} for ${path}`, { path });

  const walk = async (remote: string, local: string, rel: string, depth: number): Promise<void> => {
    // A server can present an endless tree (a loop through links, or generated listings).
    if (depth > 64) throw refuse(remote, 'a tree deeper than 64 levels');
    let real: string | undefined;
    if (options.symlinks === 'follow') {
      real = await realpath(connection, remote, options.signal);
      if (visiting.has(real)) {
        result.skipped.push(rel);
        return;
      }
      visiting.add(real);
    }
    if (rel !== '') {
      dirs.push(local);
      result.directories.push(rel);
    }
    const entries = await readdir(connection, remote, options.signal);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // Bounded memory whatever the server lists (links can multiply a tree).
    entriesSeen += entries.length;
    if (entriesSeen > MAX_ENTRIES) throw refuse(remote, `more than ${MAX_ENTRIES} entries`);
    for (const entry of entries) {
      const childRemote = joinRemote(remote, entry.name);
      if (!isSafeEntryName(entry.name)) throw refuse(childRemote, 'an unsafe name in a listing');
      const childLocal = join(local, entry.name);
      const fromRoot = relative(localRoot, childLocal);
      if (fromRoot === '' || fromRoot === '..' || fromRoot.startsWith(`..${sep}`))
        throw refuse(childRemote, 'a name leading out of the destination');
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      let type = entry.type;
      if (type === 'symlink') {
        if (options.symlinks !== 'follow') {
          result.skipped.push(childRel);
          continue;
        }
        const target = await realpath(connection, childRemote, options.signal).catch(
          () => undefined,
        );
        if (target === undefined || !within(remoteRoot, target, '/')) {
          result.skipped.push(childRel);
          continue;
        }
        const targetStats = await stat(connection, target, options.signal).catch(() => undefined);
        if (targetStats === undefined) {
          result.skipped.push(childRel); // dangling
          continue;
        }
        type = targetStats.type;
      }
      if (type === 'directory') await walk(childRemote, childLocal, childRel, depth + 1);
      else if (type === 'file') {
        result.files.push(childRel);
        files.push({ remote: childRemote, local: childLocal });
      } else result.skipped.push(childRel);
    }
    if (real !== undefined) visiting.delete(real);
  };
  await walk(remoteDir, localRoot, '', 0);
  // Directories are created one level at a time without following anything already there: a
  // symlink planted in the destination must not carry the tree elsewhere.
  // Folders this transfer created: no file in them whose mode to keep.
  const fresh = new Set<string>();
  for (const dir of dirs) {
    await localMkdir(dir, { recursive: dir === localRoot })
      .then((created) => {
        // A recursive mkdir returns undefined when the folder was there already.
        if (dir !== localRoot || created !== undefined) fresh.add(dir);
      })
      .catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
        if (!(await localLstat(dir)).isDirectory()) throw err;
      })
      .catch((err: unknown) => {
        throw localError(connection, 'downloadDir', dir, err);
      });
  }
  await runLimited(
    files.map(
      ({ remote, local }) =>
        () =>
          downloadFile(
            connection,
            remote,
            local,
            options,
            remoteDigest,
            true,
            fresh.has(dirname(local)),
            lanes,
          ),
    ),
    options.parallelFiles,
  );
  return result;
}
