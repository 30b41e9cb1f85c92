/**
 * Local file operations on plain descriptors through the callback API of node:fs, promisified.
 *
 * A directory transfer does a handful of file operations per file, and for small files those
 * operations, not the bytes, are the work: measured on 2 000 files of 4 KiB, an
 * open/read/close through `fs/promises` FileHandles costs 50–90 µs of CPU per file, the same
 * through the callback API 17–22 µs (no FileHandle object with its close tracking and
 * finalizer, one plain request per call).
 * @internal
 */
import { close, fchmod, fstat, open, read, write } from 'node:fs';
import { promisify } from 'node:util';

export const openFile = promisify(open);
export const closeFile = promisify(close);
export const chmodFile = promisify(fchmod);
const statFile = promisify(fstat);
const readFile = promisify(read);
const writeFile = promisify(write);

export async function fileSize(fd: number): Promise<number> {
  return (await statFile(fd)).size;
}

/** Reads up to `length` bytes at `position` into `buffer` at `offset`; resolves with the count. */
export async function readInto(
  fd: number,
  buffer: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  return (await readFile(fd, buffer, offset, length, position)).bytesRead;
}

/** Writes all of `data` at `position` (looping over short writes). */
export async function writeAll(fd: number, data: Buffer, position: number): Promise<void> {
  for (let written = 0; written < data.length;) {
    const { bytesWritten } = await writeFile(
      fd,
      data,
      written,
      data.length - written,
      position + written,
    );
    written += bytesWritten;
  }
}
