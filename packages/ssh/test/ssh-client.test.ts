import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConnectionError, NetworkTimeoutError, SSHError } from '@net/errors';
import { closedPort, expectNoLeakedHandles, snapshotHandles } from '@net/test-utils';
import { generateKeyPair, hasSshd } from '@net/test-utils/ssh';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireSshd, startFixture, type Fixture } from './fixtures.js';

requireSshd();

describe('SSHClient connect and authentication against OpenSSH sshd (or the in-process server without it)', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(() => fx?.stop());

  it('authenticates with a key file and closes without leaking handles', async () => {
    const before = snapshotHandles();
    const client = fx.client();
    await client.connect();
    expect(client.connected).toBe(true);
    expect((await client.exec('id -un')).stdout.trim()).toBe(fx.sshd.username);
    await client.close();
    await client.close();
    expect(client.connected).toBe(false);
    await expectNoLeakedHandles(before);
  });

  it('authenticates with a key given as a Buffer and as a string', async () => {
    for (const privateKey of [
      Buffer.from(fx.sshd.clientKey.privateKey),
      fx.sshd.clientKey.privateKey,
    ]) {
      await using client = fx.client({ privateKeyPath: undefined, privateKey });
      await client.connect();
      expect(client.connected).toBe(true);
    }
  });

  it.runIf(hasSshd())('authenticates with a passphrase-protected key', async () => {
    const { privateKeyPath, passphrase } = fx.sshd.encryptedClientKey;
    await using client = fx.client({ privateKeyPath, passphrase });
    expect((await client.exec('echo enc')).stdout).toBe('enc\n');
    // Without the passphrase the key cannot be used: a clear error before any connection.
    await using missing = fx.client({ privateKeyPath });
    await expect(missing.connect()).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
      message: expect.stringMatching(/privateKeyPath.*passphrase/),
    });
  });

  it('authenticates through ssh-agent', async () => {
    const socket = join(fx.dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 100 && !existsSync(socket); i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      execFileSync('ssh-add', ['-q', fx.sshd.clientKey.privateKeyPath], {
        env: { ...process.env, SSH_AUTH_SOCK: socket },
        stdio: 'ignore',
      });
      await using client = fx.client({ privateKeyPath: undefined, agent: socket });
      expect((await client.exec('echo agent')).stdout).toBe('agent\n');
    } finally {
      agent.kill();
    }
  });

  it('a key the server does not know fails with SSHError ERR_NET_SSH_AUTH', async () => {
    const stranger = generateKeyPair(fx.dir, `stranger-${Date.now()}`);
    await using client = fx.client({ privateKeyPath: stranger.privateKeyPath });
    const error = await client.connect().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SSHError);
    expect(error).toMatchObject({
      code: 'ERR_NET_SSH_AUTH',
      host: '127.0.0.1',
      port: fx.sshd.port,
      username: fx.sshd.username,
    });
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(client.connected).toBe(false);
  });

  it('a password the server does not accept fails with ERR_NET_SSH_AUTH', async () => {
    // This sshd allows only public keys; see password.test.ts for a server that takes passwords.
    await using client = fx.client({ privateKeyPath: undefined, password: 'wrong-password' });
    await expect(client.connect()).rejects.toMatchObject({ code: 'ERR_NET_SSH_AUTH' });
  });

  it('refused connections are ConnectionError, with nothing listening', async () => {
    await using client = fx.client({ port: await closedPort() });
    const error = await client.connect().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'ERR_NET_CONNECTION_REFUSED' });
  });

  it('a server that never speaks SSH times out with NetworkTimeoutError', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      await using client = fx.client({ port, readyTimeout: 400 });
      const started = Date.now();
      const error = await client.connect().catch((err: unknown) => err);
      expect(error).toBeInstanceOf(NetworkTimeoutError);
      // TCP was accepted: the time ran out in the SSH handshake, not in connecting.
      expect(error).toMatchObject({ phase: 'handshake', timeoutMs: 400 });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('connect() can be aborted', async () => {
    await using client = fx.client();
    await expect(client.connect({ signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ERR_NET_ABORTED',
    });
  });

  it.runIf(hasSshd())('util.inspect of a client shows the target, never the secrets', () => {
    const client = fx.client({
      privateKeyPath: undefined,
      privateKey: fx.sshd.encryptedClientKey.privateKey,
      passphrase: fx.sshd.encryptedClientKey.passphrase,
      password: 'pw-S3CRET',
    });
    const text = `${inspect(client, { depth: 10, showHidden: true })} ${JSON.stringify(client)}`;
    expect(text).toContain(`127.0.0.1:${fx.sshd.port}`);
    expect(text).not.toContain('pw-S3CRET');
    expect(text).not.toContain(fx.sshd.encryptedClientKey.passphrase);
    expect(text).not.toContain(
      readFileSync(fx.sshd.encryptedClientKey.privateKeyPath, 'utf8').split('\n')[1],
    );
  });
});
