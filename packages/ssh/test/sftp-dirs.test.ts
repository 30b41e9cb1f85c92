import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  lstatSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SSHClient } from '../src/index.js';
import { requireSshd, startFixture, type Fixture } from './fixtures.js';
import { expectSameTree, writeMixedTree } from './trees.js';

requireSshd();

/** Every path under `dir` with a type letter: f file, d directory, l symlink. */
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      const stats = lstatSync(path);
      const rel = `${prefix}${name}`;
      if (stats.isSymbolicLink()) return [`l ${rel}`];
      if (stats.isDirectory()) return [`d ${rel}`, ...tree(path, `${rel}/`)];
      return [`f ${rel}`];
    });
}

describe('uploadDir and downloadDir against OpenSSH sshd (or the in-process server without it)', () => {
  let fx: Fixture;
  let client: SSHClient;
  let work: string;
  let source: string;
  beforeAll(async () => {
    fx = await startFixture();
    client = fx.client();
    work = mkdtempSync(join(tmpdir(), 'net-dirs-'));
    source = join(work, 'source');
    mkdirSync(join(source, 'a', 'b', 'c'), { recursive: true });
    mkdirSync(join(source, 'empty'));
    mkdirSync(join(source, 'a', 'also-empty'));
    writeFileSync(join(source, 'top.txt'), 'top');
    writeFileSync(join(source, 'a', 'one.bin'), Buffer.alloc(300_000, 1));
    writeFileSync(join(source, 'a', 'b', 'c', 'deep.txt'), 'deep');
    symlinkSync('top.txt', join(source, 'link-to-file'));
    symlinkSync('a', join(source, 'link-to-dir'));
    symlinkSync('missing', join(source, 'dangling'));
  });
  afterAll(async () => {
    await client?.close();
    await fx?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const regularTree = [
    'd a',
    'd a/also-empty',
    'd a/b',
    'd a/b/c',
    'f a/b/c/deep.txt',
    'f a/one.bin',
    'd empty',
    'f top.txt',
  ];

  it('uploads a tree with nested and empty folders; symlinks are skipped and reported by default', async () => {
    const result = await client.uploadDir(source, `${work}/up`, { verify: 'sha256' });
    expect(tree(join(work, 'up'))).toEqual(regularTree);
    expect(result.files.sort()).toEqual(['a/b/c/deep.txt', 'a/one.bin', 'top.txt']);
    expect(result.directories).toContain('empty');
    expect(result.skipped.sort()).toEqual(['dangling', 'link-to-dir', 'link-to-file']);
    expect(readFileSync(join(work, 'up', 'a', 'one.bin')).equals(Buffer.alloc(300_000, 1))).toBe(
      true,
    );
  });

  it("downloads it back identically, and symlinks: 'follow' copies what links point to", async () => {
    const result = await client.downloadDir(`${work}/up`, join(work, 'down'));
    expect(tree(join(work, 'down'))).toEqual(regularTree);
    expect(result.files).toHaveLength(3);

    const followed = await client.downloadDir(source, join(work, 'followed'), {
      symlinks: 'follow',
    });
    const paths = tree(join(work, 'followed'));
    expect(paths).toContain('f link-to-file');
    expect(paths).toContain('f link-to-dir/b/c/deep.txt');
    expect(readFileSync(join(work, 'followed', 'link-to-file'), 'utf8')).toBe('top');
    expect(followed.skipped).toEqual(['dangling']);
  });

  it('round-trips 284 files of mixed sizes byte for byte (more than the files and lanes run at once)', async () => {
    const mixed = join(work, 'mixed');
    const files = writeMixedTree(mixed);
    const up = await client.uploadDir(mixed, `${work}/mixed-up`);
    expect(up.files.sort()).toEqual([...files].sort());
    expectSameTree(mixed, join(work, 'mixed-up'), expect);
    const down = await client.downloadDir(`${work}/mixed-up`, join(work, 'mixed-down'));
    expect(down.files.length).toBe(files.length);
    expectSameTree(mixed, join(work, 'mixed-down'), expect);
  });

  it('a missing local or remote tree is ERR_NET_SFTP with the path', async () => {
    await expect(client.uploadDir(join(work, 'absent'), `${work}/x`)).rejects.toMatchObject({
      code: 'ERR_NET_SFTP',
      path: join(work, 'absent'),
    });
    await expect(client.downloadDir(`${work}/absent`, join(work, 'y'))).rejects.toMatchObject({
      code: 'ERR_NET_SFTP',
      path: `${work}/absent`,
    });
  });

  it("uploadDir with symlinks: 'follow' copies targets and skips dangling links", async () => {
    const result = await client.uploadDir(source, `${work}/up-follow`, { symlinks: 'follow' });
    expect(tree(join(work, 'up-follow'))).toContain('f link-to-dir/one.bin');
    expect(result.skipped).toEqual(['dangling']);
  });
});
