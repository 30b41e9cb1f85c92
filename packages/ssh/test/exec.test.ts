import { readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { AbortError, NetworkTimeoutError, SSHError } from '@net/errors';
import { hasSshd } from '@net/test-utils/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteArgv, type SSHClient } from '../src/index.js';
import { requireSshd, startFixture, type Fixture } from './fixtures.js';

requireSshd();

describe('exec against OpenSSH sshd (or the in-process server without it)', () => {
  let fx: Fixture;
  let client: SSHClient;
  beforeAll(async () => {
    fx = await startFixture({ maxSessions: 10 });
    client = fx.client();
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    await fx?.stop();
  });

  /**
   * Whether a process whose command line is `marker` still runs. The "remote" server is this
   * machine, so /proc is read directly (no dependence on pgrep being installed).
   */
  async function running(marker: string): Promise<boolean> {
    const wanted = marker.split(' ').join('\0');
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/cmdline`, 'latin1').replace(/\0$/, '') === wanted)
          return true;
      } catch {
        // The process ended while we looked.
      }
    }
    return false;
  }

  async function waitRunning(marker: string): Promise<boolean> {
    for (let i = 0; i < 60; i++) {
      if (await running(marker)) return true;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return false;
  }

  async function waitGone(marker: string): Promise<boolean> {
    for (let i = 0; i < 50; i++) {
      if (!(await running(marker))) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  }

  it('returns stdout, stderr and the exit code', async () => {
    const result = await client.exec('echo out; echo err >&2; exit 3');
    expect(result).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 3, signal: null });
  });

  it('delivers argv elements literally, whatever they contain', async () => {
    const args = [
      'a b',
      `it's "quoted"`,
      '$(echo injected)',
      'x; echo pwned',
      'line1\nline2',
      '*',
      '',
      '`id`',
      '\\n',
    ];
    const { stdout } = await client.exec(['printf', '%s\\n', ...args]);
    expect(stdout).toBe(args.map((a) => `${a}\n`).join(''));
  });

  it('feeds stdin from a string, a Buffer and a stream', async () => {
    expect((await client.exec('cat', { stdin: 'hello' })).stdout).toBe('hello');
    expect((await client.exec('wc -c', { stdin: Buffer.alloc(1000, 1) })).stdout.trim()).toBe(
      '1000',
    );
    expect((await client.exec('cat', { stdin: Readable.from(['a', 'b', 'c']) })).stdout).toBe(
      'abc',
    );
  });

  it('applies env and cwd', async () => {
    const { stdout } = await client.exec('printf "%s|%s|%s" "$GREETING" "$OTHER" "$(pwd)"', {
      env: { GREETING: "hi 'there' $(x)", OTHER: '' },
      cwd: '/tmp',
    });
    expect(stdout).toBe("hi 'there' $(x)||/tmp");
    await expect(client.exec('true', { cwd: '/nonexistent-dir' })).resolves.toMatchObject({
      exitCode: expect.any(Number),
    });
    expect((await client.exec('true', { cwd: '/nonexistent-dir' })).exitCode).not.toBe(0);
  });

  it('reports a command ended by a signal', async () => {
    const result = await client.exec('kill -TERM $$');
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe('SIGTERM');
  });

  it('timeout ends the remote command with NetworkTimeoutError', async () => {
    // A compound command: the shell forks sleep, so only a process-group signal ends both.
    const marker = 'sleep 41.0701';
    const pending = client
      .exec(`${marker}; echo never`, { timeout: 2_000 })
      .catch((err: unknown) => err);
    expect(await waitRunning(marker)).toBe(true);
    const error = await pending;
    expect(error).toBeInstanceOf(NetworkTimeoutError);
    expect(error).toMatchObject({ code: 'ERR_NET_TIMEOUT', timeoutMs: 2_000 });
    expect(await waitGone(marker)).toBe(true);
  });

  it('an AbortSignal ends the remote command with AbortError', async () => {
    const marker = 'sleep 41.0702';
    const controller = new AbortController();
    const pending = client.exec(marker, { signal: controller.signal });
    expect(await waitRunning(marker)).toBe(true);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(await waitGone(marker)).toBe(true);
    await expect(client.exec('true', { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ERR_NET_ABORTED',
    });
  });

  it.runIf(hasSshd())('a timeout also ends a command running on a pty', async () => {
    const marker = 'sleep 41.0703';
    const pending = client.exec(marker, { pty: true, timeout: 2_000 }).catch((err: unknown) => err);
    expect(await waitRunning(marker)).toBe(true);
    expect(await pending).toBeInstanceOf(NetworkTimeoutError);
    expect(await waitGone(marker)).toBe(true);
  });

  it('check: true turns a non-zero exit into SSHError ERR_NET_SSH_EXEC', async () => {
    const error = await client
      .exec(['sh', '-c', 'exit 7'], { check: true })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SSHError);
    expect(error).toMatchObject({
      code: 'ERR_NET_SSH_EXEC',
      exitCode: 7,
      signal: null,
      host: '127.0.0.1',
    });
    await expect(client.exec('true', { check: true })).resolves.toMatchObject({ exitCode: 0 });
  });

  it('streams 50 MB through onStdout without collecting it', async () => {
    let bytes = 0;
    let chunks = 0;
    const result = await client.exec('head -c 52428800 /dev/zero', {
      onStdout: (chunk) => {
        bytes += chunk.length;
        chunks++;
      },
    });
    expect(bytes).toBe(52_428_800);
    expect(chunks).toBeGreaterThan(100);
    expect(result.stdout).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it("returns non-UTF-8 output intact with encoding: 'buffer'", async () => {
    const result = await client.exec(['printf', '\\377\\376\\000\\200'], { encoding: 'buffer' });
    expect(Buffer.isBuffer(result.stdout)).toBe(true);
    expect([...result.stdout]).toEqual([0xff, 0xfe, 0x00, 0x80]);
  });

  it.runIf(hasSshd())('allocates a pseudo-terminal with pty: true', async () => {
    const { stdout } = await client.exec('tty', { pty: true });
    expect(stdout).toMatch(/\/dev\/pts\//);
    const { exitCode } = await client.exec('tty');
    expect(exitCode).not.toBe(0);
  });

  it('runs 30 concurrent commands on one connection against MaxSessions 10', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => client.exec(`sleep 0.0$((RANDOM % 5)); echo ${i}`)),
    );
    expect(results.map((r) => r.stdout.trim())).toEqual(
      Array.from({ length: 30 }, (_, i) => String(i)),
    );
    expect(results.every((r) => r.exitCode === 0)).toBe(true);
  });

  it('maxBuffer bounds collected output: the command is ended and the error names the stream', async () => {
    const marker = 'sleep 41.0704';
    const error = await client
      .exec(`head -c 50000000 /dev/zero; ${marker}`, { maxBuffer: 1024 * 1024 })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SSHError);
    expect(error).toMatchObject({ code: 'ERR_NET_SSH_EXEC' });
    expect((error as Error).message).toMatch(/stdout exceeded maxBuffer \(1048576 bytes\)/);
    const stderrError = await client
      .exec('head -c 3000000 /dev/zero >&2', { maxBuffer: 1024 * 1024 })
      .catch((err: unknown) => err);
    expect((stderrError as Error).message).toMatch(/stderr exceeded maxBuffer/);
    expect(await waitGone(marker)).toBe(true);
    // Streaming callbacks stay unbounded, and the client is still usable.
    let bytes = 0;
    await client.exec('head -c 3000000 /dev/zero', {
      maxBuffer: 1024,
      onStdout: (chunk) => (bytes += chunk.length),
    });
    expect(bytes).toBe(3_000_000);
  });

  it('a NUL byte in argv, env or cwd is a TypeError before any I/O; the client stays usable', async () => {
    for (const [command, options] of [
      [['echo', 'a\0b'], {}],
      ['echo \0', {}],
      ['true', { env: { X: 'a\0b' } }],
      ['true', { cwd: '/tmp\0/x' }],
    ] as const) {
      await expect(client.exec(command as never, options)).rejects.toMatchObject({
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
      });
    }
    expect((await client.exec('echo alive')).stdout).toBe('alive\n');
  });

  it('unknown option keys and bad timeouts are rejected; timeout 0 and Infinity mean no limit', async () => {
    await expect(client.exec('true', { timout: 5 } as never)).rejects.toThrow(
      /Did you mean 'timeout'/,
    );
    await expect(client.exec('true', { timeout: -1 })).rejects.toMatchObject({
      name: 'RangeError',
    });
    expect((await client.exec('echo 0', { timeout: 0 })).stdout).toBe('0\n');
    expect((await client.exec('echo inf', { timeout: Infinity })).stdout).toBe('inf\n');
  });

  it.each(['sh', 'bash', 'zsh'])(
    'argv quoting delivers every element literally under %s, =word and ~ included',
    async (shell) => {
      const args = ['=ls', '~', '~root', 'a=b', '%1', '^x', '#c', '!!', '{a,b}', '[x]', "'", '-n'];
      const inner = quoteArgv(['printf', '%s|', ...args]);
      const { stdout, exitCode } = await client.exec([shell, '-c', inner]);
      expect(exitCode).toBe(0);
      expect(stdout).toBe(args.map((a) => `${a}|`).join(''));
    },
  );
});
