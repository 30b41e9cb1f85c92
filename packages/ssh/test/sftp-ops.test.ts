import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SSHError } from '@net/errors';
import { hasSshd } from '@net/test-utils/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SSHClient } from '../src/index.js';
import { requireSshd, startFixture, type Fixture } from './fixtures.js';

requireSshd();

describe('SFTP file operations against OpenSSH sshd (or the in-process server without it)', () => {
  let fx: Fixture;
  let client: SSHClient;
  let root: string; // a scratch folder the "remote" side works in (same machine)
  beforeAll(async () => {
    fx = await startFixture();
    client = fx.client();
    root = mkdtempSync(join(tmpdir(), 'net-sftp-'));
  });
  afterAll(async () => {
    await client?.close();
    await fx?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('connects on first use and writes, reads, stats and lists', async () => {
    expect(client.connected).toBe(false);
    await client.writeFile(`${root}/a.txt`, 'hello');
    expect(client.connected).toBe(true);
    expect(await client.readFile(`${root}/a.txt`, { encoding: 'utf8' })).toBe('hello');
    expect(await client.readFile(`${root}/a.txt`)).toEqual(Buffer.from('hello'));
    const stats = await client.stat(`${root}/a.txt`);
    expect(stats).toMatchObject({ type: 'file', size: 5 });
    expect(stats.mtimeMs).toBeGreaterThan(Date.now() - 60_000);
    await client.mkdir(`${root}/dir`);
    const names = (await client.list(root)).map((e) => [e.name, e.type]);
    expect(names).toEqual([
      ['a.txt', 'file'],
      ['dir', 'directory'],
    ]);
  });

  it('writeFile is atomic: no temporary files are left and an existing file is replaced', async () => {
    await client.writeFile(`${root}/replace.txt`, 'one');
    await client.writeFile(`${root}/replace.txt`, Buffer.from('two'), { verify: 'sha256' });
    expect(await client.readFile(`${root}/replace.txt`, { encoding: 'utf8' })).toBe('two');
    expect((await client.list(root)).some((e) => e.name.endsWith('.part'))).toBe(false);
  });

  it('exists, realpath, rename, chmod and remove', async () => {
    await client.writeFile(`${root}/r1`, 'x');
    expect(await client.exists(`${root}/r1`)).toBe(true);
    expect(await client.exists(`${root}/missing`)).toBe(false);
    expect(await client.realpath(`${root}/dir/../r1`)).toBe(`${root}/r1`);
    await client.rename(`${root}/r1`, `${root}/r2`);
    expect(await client.exists(`${root}/r1`)).toBe(false);
    await client.writeFile(`${root}/r3`, 'y');
    await expect(client.rename(`${root}/r2`, `${root}/r3`)).rejects.toMatchObject({
      code: 'ERR_NET_SFTP',
    });
    await client.rename(`${root}/r2`, `${root}/r3`, { overwrite: true });
    expect(await client.readFile(`${root}/r3`, { encoding: 'utf8' })).toBe('x');
    await client.chmod(`${root}/r3`, 0o600);
    expect((await client.stat(`${root}/r3`)).mode & 0o777).toBe(0o600);
    await client.remove(`${root}/r3`);
    expect(await client.exists(`${root}/r3`)).toBe(false);
  });

  it('mkdir and rmdir, recursive and not', async () => {
    await client.mkdir(`${root}/deep/a/b/c`, { recursive: true });
    await client.mkdir(`${root}/deep/a/b/c`, { recursive: true });
    await client.writeFile(`${root}/deep/a/b/c/f`, 'f');
    await expect(client.mkdir(`${root}/deep`)).rejects.toMatchObject({
      code: 'ERR_NET_SFTP',
      path: `${root}/deep`,
    });
    await expect(client.rmdir(`${root}/deep`)).rejects.toMatchObject({ code: 'ERR_NET_SFTP' });
    await client.rmdir(`${root}/deep`, { recursive: true });
    expect(await client.exists(`${root}/deep`)).toBe(false);
  });

  it('lists symlinks as symlinks and stat follows them', async () => {
    mkdirSync(join(root, 'links'));
    writeFileSync(join(root, 'links', 'target'), 'target');
    symlinkSync('target', join(root, 'links', 'link'));
    const entries = await client.list(`${root}/links`);
    expect(entries.find((e) => e.name === 'link')?.type).toBe('symlink');
    expect((await client.stat(`${root}/links/link`)).type).toBe('file');
  });

  it('a missing file is ERR_NET_SFTP "no such file" with the path', async () => {
    const error = await client.readFile(`${root}/nope`).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SSHError);
    expect(error).toMatchObject({
      code: 'ERR_NET_SFTP',
      path: `${root}/nope`,
      message: expect.stringMatching(/no such file/),
    });
    await expect(client.stat(`${root}/nope`)).rejects.toMatchObject({
      code: 'ERR_NET_SFTP',
      path: `${root}/nope`,
    });
    await expect(client.download(`${root}/nope`, join(root, 'local-nope'))).rejects.toMatchObject({
      code: 'ERR_NET_SFTP',
      path: `${root}/nope`,
    });
  });

  it('permission denied is ERR_NET_SFTP with the path', async () => {
    // The tests run as root, which bypasses file modes; /proc/1/environ is read-only even for root.
    const path = process.getuid?.() === 0 ? '/proc/1/environ' : '/etc/shadow';
    const error = await client.writeFile(path, 'x', { atomic: false }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SSHError);
    expect(error).toMatchObject({
      code: 'ERR_NET_SFTP',
      path,
      message: expect.stringContaining(`(permission denied) for ${path}`),
    });
  });

  it('every operation takes a signal: an aborted one rejects with AbortError before any request', async () => {
    const signal = AbortSignal.abort(new Error('stop'));
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['list', () => client.list(root, { signal })],
      ['stat', () => client.stat(root, { signal })],
      ['exists', () => client.exists(root, { signal })],
      ['mkdir', () => client.mkdir(`${root}/never`, { signal })],
      ['rmdir', () => client.rmdir(`${root}/never`, { signal })],
      ['remove', () => client.remove(`${root}/never`, { signal })],
      ['rename', () => client.rename(`${root}/a`, `${root}/b`, { signal })],
      ['chmod', () => client.chmod(root, 0o755, { signal })],
      ['realpath', () => client.realpath(root, { signal })],
    ];
    for (const [name, call] of calls) {
      const error = await call().catch((err: unknown) => err);
      expect(error, name).toMatchObject({ code: 'ERR_NET_ABORTED' });
    }
    expect(await client.exists(`${root}/never`)).toBe(false);
    await expect(client.stat(root, { sigal: signal } as never)).rejects.toThrow(
      /Did you mean 'signal'/,
    );
  });

  it.runIf(hasSshd())('a signal ends a call the server does not answer', async () => {
    await client.stat(root);
    fx.sshd.freeze();
    try {
      const started = Date.now();
      const error = await client
        .stat(root, { signal: AbortSignal.timeout(300) })
        .catch((err: unknown) => err);
      expect(error).toMatchObject({ code: 'ERR_NET_ABORTED' });
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      fx.sshd.thaw();
    }
    expect((await client.stat(root)).type).toBe('directory');
  });
});
