import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkError, SSHError } from '@net/errors';
import { hasSshd } from '@net/test-utils/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireSshd, startFixture } from './fixtures.js';

requireSshd();

describe.runIf(hasSshd())('a server that dies or hangs', () => {
  let local: string;
  beforeAll(() => {
    local = mkdtempSync(join(tmpdir(), 'net-conn-'));
    writeFileSync(join(local, 'src'), Buffer.alloc(8 * 1024 * 1024, 3));
  });
  afterAll(() => rmSync(local, { recursive: true, force: true }));

  it('sshd killed: pending exec calls and later exec and SFTP calls fail typed, nothing hangs', async () => {
    const fx = await startFixture();
    try {
      await using client = fx.client();
      await client.connect();
      const pendingExec = client.exec('sleep 30').catch((err: unknown) => err);
      const pendingEcho = client.exec('sleep 0.2; echo late').catch((err: unknown) => err);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await fx.sshd.kill();
      for (const error of await Promise.all([pendingExec, pendingEcho])) {
        expect(error).toBeInstanceOf(SSHError);
        expect(error).toMatchObject({
          code: 'ERR_NET_SSH',
          retryable: true,
          message: expect.stringMatching(/connection lost/),
        });
      }
      expect(client.connected).toBe(false);
      await expect(client.exec('true')).rejects.toMatchObject({ code: 'ERR_NET_SSH' });
      await expect(client.stat('/')).rejects.toBeInstanceOf(SSHError);
      await expect(client.readFile('/etc/hostname')).rejects.toBeInstanceOf(SSHError);
    } finally {
      await fx.stop();
    }
  });

  it('sshd frozen (no FIN, no RST): keepalive declares the connection dead and pending calls fail', async () => {
    const fx = await startFixture();
    try {
      await using client = fx.client({ keepaliveInterval: 200, keepaliveCountMax: 2 });
      await client.connect();
      const started = Date.now();
      fx.sshd.freeze();
      const results = await Promise.all([
        client.exec('echo never').catch((err: unknown) => err),
        client.upload(join(local, 'src'), `${local}/dst`).catch((err: unknown) => err),
      ]);
      for (const error of results) {
        expect(error).toBeInstanceOf(NetworkError);
        expect(error).toBeInstanceOf(SSHError);
      }
      // Two missed keepalives at 200 ms, with slack for a busy machine — far from hanging.
      expect(Date.now() - started).toBeLessThan(10_000);
      await expect(client.exec('true')).rejects.toBeInstanceOf(SSHError);
    } finally {
      fx.sshd.thaw();
      await fx.stop();
    }
  });

  it('connect() works again after the connection was lost', async () => {
    const fx = await startFixture();
    try {
      await using client = fx.client();
      await client.connect();
      // Kill only the per-connection processes: the listener stays up for the reconnect.
      for (const pid of fx.sshd.connectionPids()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // A short-lived child (the session's shell) may already be gone.
        }
      }
      await expect(client.exec('true')).rejects.toBeInstanceOf(SSHError);
      await client.connect();
      expect((await client.exec('echo again')).stdout).toBe('again\n');
    } finally {
      await fx.stop();
    }
  });
});
