import { join, relative, resolve, sep } from 'node:path';

/**
 * Whether a name from a server's directory listing is a plain entry name that can be joined
 * onto a local directory without leaving it: not empty, not `.` or `..`, no `/`, no NUL (and
 * on Windows no `\` or `:`, which are separators or stream names there). A hostile server can
 * list anything; the names are never trusted.
 * @internal
 */
export function isSafeEntryName(name: string): boolean {
  if (name === '' || name === '.' || name === '..') return false;
  if (name.includes('/') || name.includes('\0')) return false;
  if (process.platform === 'win32' && /[\\:]/.test(name)) return false;
  return true;
}

/** `root` joined with `name`, or undefined when the result would not be strictly inside `root`. @internal */
export function childInside(root: string, parent: string, name: string): string | undefined {
  if (!isSafeEntryName(name)) return undefined;
  const child = join(parent, name);
  const fromRoot = relative(resolve(root), resolve(child));
  if (fromRoot === '' || fromRoot.startsWith(`..${sep}`) || fromRoot === '..') return undefined;
  return child;
}
