import { createServer, type Server } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { closedPort } from '@net/test-utils';
import { hasSshd } from '@net/test-utils/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireSshd, startFixture, type Fixture } from './fixtures.js';

requireSshd();

describe('forwardLocal and jump hosts against OpenSSH sshd (or the in-process server without it)', () => {
  let fx: Fixture;
  let bastion: Fixture;
  let http: Server;
  let httpPort: number;
  beforeAll(async () => {
    [fx, bastion] = await Promise.all([startFixture(), startFixture()]);
    http = createServer((req, res) => res.end(`tunnelled ${req.url}`));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    httpPort = (http.address() as AddressInfo).port;
  });
  afterAll(async () => {
    http?.closeAllConnections();
    await new Promise((resolve) => http?.close(resolve));
    await Promise.all([fx?.stop(), bastion?.stop()]);
  });

  it('fetches an HTTP server through the tunnel', async () => {
    await using client = fx.client();
    const forward = await client.forwardLocal({ remoteHost: '127.0.0.1', remotePort: httpPort });
    try {
      expect(forward.port).toBeGreaterThan(0);
      expect(forward.port).not.toBe(httpPort);
      const responses = await Promise.all(
        [1, 2, 3].map((i) =>
          fetch(`http://127.0.0.1:${forward.port}/${i}`, { headers: { connection: 'close' } }).then(
            (r) => r.text(),
          ),
        ),
      );
      expect(responses).toEqual(['tunnelled /1', 'tunnelled /2', 'tunnelled /3']);
    } finally {
      await forward.close();
    }
    // Closed: the local port no longer accepts.
    await expect(fetch(`http://127.0.0.1:${forward.port}/`)).rejects.toThrow();
  });

  it('a forward to a closed port closes the local connection instead of hanging', async () => {
    await using client = fx.client();
    const forward = await client.forwardLocal({
      remoteHost: '127.0.0.1',
      remotePort: await closedPort(),
    });
    try {
      await expect(
        fetch(`http://127.0.0.1:${forward.port}/`, { signal: AbortSignal.timeout(5_000) }),
      ).rejects.toThrow(/fetch failed/);
    } finally {
      await forward.close();
    }
  });

  it.runIf(hasSshd())('connects to one sshd through another (jump host)', async () => {
    const logStart = bastion.sshd.readLog().length;
    await using client = fx.client({ jump: bastion.options() });
    const { stdout } = await client.exec('echo through the bastion');
    expect(stdout).toBe('through the bastion\n');
    await client.writeFile(`/tmp/net-jump-${process.pid}`, 'jumped');
    expect(await client.readFile(`/tmp/net-jump-${process.pid}`, { encoding: 'utf8' })).toBe(
      'jumped',
    );
    await client.remove(`/tmp/net-jump-${process.pid}`);
    // The bastion saw the forwarding request to the target's port.
    expect(bastion.sshd.readLog().slice(logStart)).toMatch(/Accepted publickey/);
  });

  it('the target host key is still verified through a jump host', async () => {
    await using client = fx.client({
      jump: bastion.options(),
      hostKey: { knownHostsPath: bastion.knownHostsPath },
    });
    await expect(client.connect()).rejects.toMatchObject({ code: 'ERR_NET_SSH_HOST_KEY' });
  });

  it('propagates half-close both ways: a client that shuts down its side still gets the reply', async () => {
    // Like `nc -N`: send the request, FIN, then read. The server answers only after our FIN.
    const upper = createNetServer({ allowHalfOpen: true }, (socket) => {
      const parts: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => parts.push(chunk));
      socket.on('end', () => socket.end(Buffer.concat(parts).toString().toUpperCase()));
    });
    await new Promise<void>((resolve) => upper.listen(0, '127.0.0.1', resolve));
    await using client = fx.client();
    const forward = await client.forwardLocal({
      remoteHost: '127.0.0.1',
      remotePort: (upper.address() as AddressInfo).port,
    });
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: forward.port, allowHalfOpen: true });
        const parts: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => parts.push(chunk));
        socket.on('end', () => {
          socket.end();
          resolve(Buffer.concat(parts).toString());
        });
        socket.on('error', reject);
        socket.end('half closed request');
      });
      expect(reply).toBe('HALF CLOSED REQUEST');
    } finally {
      await forward.close();
      await new Promise((resolve) => upper.close(resolve));
    }
  });
});
