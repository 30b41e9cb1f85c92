import { chmodSync, copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { SSHError } from '@net/errors';
import { hasSshd, startSshd } from '@net/test-utils/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSHClient } from '../src/index.js';
import { requireSshd, startFixture, type Fixture } from './fixtures.js';

requireSshd();

/** Key files, known_hosts and file modes (issue 11, point 10). */
describe('key and known_hosts hygiene, kept modes', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(async () => fx?.stop());

  it('refuses a private key file readable by group or others; checkKeyPermissions: false allows it', async () => {
    const loose = join(fx.dir, 'loose_key');
    copyFileSync(fx.sshd.clientKey.privateKeyPath, loose);
    chmodSync(loose, 0o644);
    await using refused = fx.client({ privateKeyPath: loose });
    const error = await refused.connect().catch((err: unknown) => err);
    expect(error).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
    expect((error as Error).message).toMatch(/accessible by group or others.*chmod 600/);
    await using allowed = fx.client({ privateKeyPath: loose, checkKeyPermissions: false });
    expect((await allowed.exec('echo ok')).stdout).toBe('ok\n');
  });

  it.runIf(hasSshd())(
    'two concurrent first connections meeting different keys under accept-new: one wins, one is refused',
    async () => {
      // One port, two servers: a relay hands the first connection to one sshd, the second to
      // the other, as a man in the middle racing the real server would. Both servers accept the
      // same client key, since which client's connection arrives first is up to the scheduler:
      // only the host keys may differ.
      await using other = await startSshd({ authorizedKeys: [fx.sshd.clientKey.publicKey] });
      const sockets = new Set<Socket>();
      let turn = 0;
      const relay = createServer((socket) => {
        const target = turn++ % 2 === 0 ? fx.sshd.port : other.port;
        const upstream = tcpConnect({ host: '127.0.0.1', port: target });
        sockets.add(socket).add(upstream);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      });
      await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
      try {
        const port = (relay.address() as AddressInfo).port;
        const knownHostsPath = join(fx.dir, 'race_known_hosts');
        const client = (key: string) =>
          new SSHClient({
            ...fx.options(),
            port,
            privateKeyPath: key,
            hostKey: { policy: 'accept-new', knownHostsPath },
          });
        await using a = client(fx.sshd.clientKey.privateKeyPath);
        await using b = client(fx.sshd.clientKey.privateKeyPath);
        const outcomes = await Promise.allSettled([a.connect(), b.connect()]);
        const refused = outcomes.filter((o) => o.status === 'rejected');
        expect(refused).toHaveLength(1);
        expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(SSHError);
        expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
          code: 'ERR_NET_SSH_HOST_KEY',
        });
        expect(readFileSync(knownHostsPath, 'utf8').trim().split('\n')).toHaveLength(1);
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => relay.close(resolve));
      }
    },
  );

  it('a replaced file keeps its mode, on download and on upload; an explicit mode wins', async () => {
    await using client = fx.client();
    const source = join(fx.dir, 'mode-src.txt');
    writeFileSync(source, 'new content');
    const remote = join(fx.dir, 'mode-remote.txt');
    writeFileSync(remote, 'old');
    chmodSync(remote, 0o600);
    await client.upload(source, remote);
    expect(statSync(remote).mode & 0o777).toBe(0o600);
    expect(readFileSync(remote, 'utf8')).toBe('new content');

    const local = join(fx.dir, 'mode-local.txt');
    writeFileSync(local, 'old');
    chmodSync(local, 0o640);
    await client.download(remote, local);
    expect(statSync(local).mode & 0o777).toBe(0o640);

    await client.upload(source, remote, { mode: 0o664 });
    expect(statSync(remote).mode & 0o777).toBe(0o664);
    const fresh = join(fx.dir, 'mode-fresh.txt');
    await client.upload(source, fresh);
    expect(statSync(fresh).mode & 0o777).toBe(0o644);
  });
});
