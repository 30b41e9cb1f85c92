import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  createWriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbortError, SSHError } from '@net/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SSHClient, TransferProgress } from '../src/index.js';
import { requireSshd, startFixture, type Fixture } from './fixtures.js';

requireSshd();

const MB = 1024 * 1024;

/** Writes `size` pseudo-random bytes (a 1 MiB random block repeated with a counter) and returns the SHA-256. */
async function writeRandomFile(path: string, size: number): Promise<string> {
  const block = randomBytes(MB);
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let written = 0, i = 0; written < size; i++) {
    const chunk = Buffer.from(block.subarray(0, Math.min(MB, size - written)));
    chunk.writeUInt32BE(i, 0);
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    written += chunk.length;
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return hash.digest('hex');
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('upload and download against OpenSSH sshd (or the in-process server without it)', () => {
  let fx: Fixture;
  let client: SSHClient;
  let local: string;
  let remote: string;
  beforeAll(async () => {
    fx = await startFixture();
    client = fx.client();
    await client.connect();
    local = mkdtempSync(join(tmpdir(), 'net-xfer-local-'));
    remote = mkdtempSync(join(tmpdir(), 'net-xfer-remote-'));
  });
  afterAll(async () => {
    await client?.close();
    await fx?.stop();
    rmSync(local, { recursive: true, force: true });
    rmSync(remote, { recursive: true, force: true });
  });

  it('round-trips files at the first-read boundary (64 KiB) byte for byte, up and down', async () => {
    // An upload's first read is 64 KiB: shorter is the whole file, exactly 64 KiB or more
    // takes the fstat and block path. Both sides of the edge, and an empty file.
    for (const size of [0, 1, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 3 * 64 * 1024 + 7]) {
      const data = randomBytes(size);
      writeFileSync(join(local, `edge-${size}`), data);
      await client.upload(join(local, `edge-${size}`), `${remote}/edge-${size}`);
      expect(readFileSync(join(remote, `edge-${size}`)).equals(data)).toBe(true);
      await client.download(`${remote}/edge-${size}`, join(local, `edge-${size}-back`));
      expect(readFileSync(join(local, `edge-${size}-back`)).equals(data)).toBe(true);
      for (const path of [
        join(local, `edge-${size}`),
        join(local, `edge-${size}-back`),
        join(remote, `edge-${size}`),
      ])
        rmSync(path);
    }
  });

  it('uploads and downloads 100 MB with SHA-256 verification and progress', async () => {
    const size = 100 * MB;
    const digest = await writeRandomFile(join(local, 'big'), size);
    const up: TransferProgress[] = [];
    await client.upload(join(local, 'big'), `${remote}/big`, {
      verify: 'sha256',
      onProgress: (p) => up.push(p),
    });
    expect(sha256File(join(remote, 'big'))).toBe(digest);
    expect(up.length).toBeGreaterThan(10);
    expect(up.at(-1)).toEqual({ transferred: size, total: size });
    expect(up.every((p, i) => i === 0 || p.transferred > up[i - 1]!.transferred)).toBe(true);

    const down: TransferProgress[] = [];
    await client.download(`${remote}/big`, join(local, 'big-back'), {
      verify: 'sha256',
      onProgress: (p) => down.push(p),
    });
    expect(sha256File(join(local, 'big-back'))).toBe(digest);
    expect(down.at(-1)).toEqual({ transferred: size, total: size });
    expect(readdirSync(local).sort()).toEqual(['big', 'big-back']);
    expect(readdirSync(remote)).toEqual(['big']);
    rmSync(join(local, 'big-back'));
    rmSync(join(remote, 'big'));
  });

  it('transfers empty files and files smaller than one chunk, non-atomically too', async () => {
    writeFileSync(join(local, 'empty'), '');
    writeFileSync(join(local, 'small'), 'small file');
    for (const atomic of [true, false]) {
      const progress: TransferProgress[] = [];
      await client.upload(join(local, 'empty'), `${remote}/empty`, {
        atomic,
        onProgress: (p) => progress.push(p),
      });
      expect(progress.at(-1)).toEqual({ transferred: 0, total: 0 });
      await client.upload(join(local, 'small'), `${remote}/small`, {
        atomic,
        verify: 'sha256',
        chunkSize: 512,
      });
      await client.download(`${remote}/small`, join(local, 'small-back'), {
        atomic,
        verify: 'sha256',
      });
      expect(readFileSync(join(local, 'small-back'), 'utf8')).toBe('small file');
      expect(readFileSync(join(remote, 'empty'), 'utf8')).toBe('');
    }
  });

  it('an aborted upload leaves nothing under the destination name and removes its temporary file', async () => {
    await writeRandomFile(join(local, 'abort-src'), 20 * MB);
    const controller = new AbortController();
    const error = await client
      .upload(join(local, 'abort-src'), `${remote}/aborted`, {
        signal: controller.signal,
        onProgress: (p) => p.transferred > 2 * MB && controller.abort(),
      })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(AbortError);
    expect(readdirSync(remote).filter((name) => name.includes('aborted'))).toEqual([]);
  });

  it('a missing local source is ERR_NET_SFTP with the local path', async () => {
    await expect(client.upload(join(local, 'nope'), `${remote}/nope`)).rejects.toMatchObject({
      code: 'ERR_NET_SFTP',
      path: join(local, 'nope'),
    });
  });

  it('a missing remote folder is ERR_NET_SFTP naming the destination, not the temporary file', async () => {
    writeFileSync(join(local, 'tiny'), 'tiny');
    const error = await client
      .upload(join(local, 'tiny'), `${remote}/no-such-dir/tiny`)
      .catch((err: unknown) => err);
    expect(error).toMatchObject({
      code: 'ERR_NET_SFTP',
      path: `${remote}/no-such-dir/tiny`,
      message: expect.stringContaining('no such file'),
    });
    expect((error as Error).message).not.toContain('.part');
  });
});

describe('transfers interrupted by the server dying', () => {
  let local: string;
  let remote: string;
  beforeAll(async () => {
    local = mkdtempSync(join(tmpdir(), 'net-cut-local-'));
    remote = mkdtempSync(join(tmpdir(), 'net-cut-remote-'));
    await writeRandomFile(join(local, 'src'), 40 * MB);
    writeFileSync(join(remote, 'src'), readFileSync(join(local, 'src')));
  });
  afterAll(() => {
    rmSync(local, { recursive: true, force: true });
    rmSync(remote, { recursive: true, force: true });
  });

  it('upload: sshd killed mid-transfer → SSHError, no file under the destination name', async () => {
    const fx = await startFixture();
    try {
      await using client = fx.client();
      let killed = false;
      const error = await client
        .upload(join(local, 'src'), `${remote}/dest`, {
          onProgress: (p) => {
            if (!killed && p.transferred > 4 * MB) {
              killed = true;
              void fx.sshd.kill();
            }
          },
        })
        .catch((err: unknown) => err);
      expect(killed).toBe(true);
      expect(error).toBeInstanceOf(SSHError);
      // The README's promise: a transfer that fails is ERR_NET_SFTP with the path.
      expect(error).toMatchObject({ code: 'ERR_NET_SFTP', path: `${remote}/dest` });
      expect((error as Error).cause).toMatchObject({ code: 'ERR_NET_SSH' });
      expect(existsSync(join(remote, 'dest'))).toBe(false);
      // The server could not be asked to delete the temporary file: it stays, hidden, under a
      // name that marks it as partial (documented in the README).
      expect(
        readdirSync(remote)
          .filter((n) => n !== 'src')
          .every((n) => /^\.dest\.[0-9a-f]+\.part$/.test(n)),
      ).toBe(true);
      // Later operations on the dead connection fail fast and typed.
      await expect(client.exec('true')).rejects.toBeInstanceOf(SSHError);
    } finally {
      await fx.stop();
    }
  });

  it('download: sshd killed mid-transfer → SSHError, no local file and no temporary left', async () => {
    const fx = await startFixture();
    try {
      await using client = fx.client();
      let killed = false;
      const error = await client
        .download(`${remote}/src`, join(local, 'dest'), {
          onProgress: (p) => {
            if (!killed && p.transferred > 4 * MB) {
              killed = true;
              void fx.sshd.kill();
            }
          },
        })
        .catch((err: unknown) => err);
      expect(killed).toBe(true);
      expect(error).toBeInstanceOf(SSHError);
      expect(error).toMatchObject({ code: 'ERR_NET_SFTP', path: `${remote}/src` });
      expect(readdirSync(local)).toEqual(['src']);
    } finally {
      await fx.stop();
    }
  });
});
