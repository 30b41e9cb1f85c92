import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * A tree of many files of mixed sizes: more small files than a directory transfer runs at once
 * (64) and more large ones (over 64 KiB, some over the 1 MiB read block) than it has lanes
 * for (16), in 10 folders. Returns the relative paths.
 */
export function writeMixedTree(root: string): string[] {
  const files: string[] = [];
  const sizes = [
    ...Array.from({ length: 260 }, (_, i) => i * 31), // 0 … ~8 KiB
    ...Array.from({ length: 20 }, (_, i) => 64 * 1024 + i * 9_973), // just over the first read
    ...Array.from({ length: 4 }, (_, i) => 1024 * 1024 + 1 + i * 300_007), // past one block
  ];
  sizes.forEach((size, i) => {
    const rel = `d${i % 10}/f${i}.bin`;
    mkdirSync(join(root, `d${i % 10}`), { recursive: true });
    writeFileSync(join(root, rel), randomBytes(size));
    files.push(rel);
  });
  return files;
}

/** Every file under `root`, relative, sorted. */
function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? listFiles(root, join(dir, entry.name))
        : [relative(root, join(dir, entry.name))],
    )
    .sort();
}

/** The files under `b` are exactly those under `a`, byte for byte (no temporary left over). */
export function expectSameTree(
  a: string,
  b: string,
  expect: (value: unknown) => { toEqual(other: unknown): void; toBe(other: unknown): void },
): void {
  const files = listFiles(a);
  expect(listFiles(b)).toEqual(files);
  for (const file of files)
    expect(readFileSync(join(a, file)).equals(readFileSync(join(b, file)))).toBe(true);
}
