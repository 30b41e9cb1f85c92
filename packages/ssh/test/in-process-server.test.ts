import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SSHError } from '@net/errors';
import { startInProcessSshServer, type InProcessSshServer } from '@net/test-utils/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSHClient, type SSHClientOptions } from '../src/index.js';

/**
 * Password login and a smoke run of every feature against the in-process ssh2 server, which
 * is also what a machine without OpenSSH's sshd tests against. Password login is tested here
 * rather than against sshd because sshd would need a system password for the test user —
 * root on the build machine — and setting root's password is not something a test may do.
 */
describe('against the in-process ssh2 server (password login, no-sshd fallback)', () => {
  let server: InProcessSshServer;
  let dir: string;
  let knownHostsPath: string;
  let http: Server;
  beforeAll(async () => {
    server = await startInProcessSshServer({ password: 'correct horse' });
    dir = mkdtempSync(join(tmpdir(), 'net-ssh-inproc-'));
    knownHostsPath = join(dir, 'known_hosts');
    writeFileSync(knownHostsPath, `${server.knownHostsLine}\n`);
    http = createServer((_req, res) => res.end('hello through ssh2'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    http?.closeAllConnections();
    await new Promise((resolve) => http?.close(resolve));
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const options = (extra: Partial<SSHClientOptions> = {}): SSHClientOptions => ({
    host: server.host,
    port: server.port,
    username: server.username,
    password: server.password,
    hostKey: { knownHostsPath },
    ...extra,
  });

  it('logs in with a password', async () => {
    await using client = new SSHClient(options());
    expect((await client.exec(['printf', '%s', 'a b'])).stdout).toBe('a b');
    expect(server.authAttempts).toContain('password:accepted');
  });

  it('a wrong password is SSHError ERR_NET_SSH_AUTH', async () => {
    await using client = new SSHClient(options({ password: 'wrong horse' }));
    const error = await client.connect().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SSHError);
    expect(error).toMatchObject({ code: 'ERR_NET_SSH_AUTH' });
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain('wrong horse');
    expect(server.authAttempts).toContain('password:rejected');
  });

  it('logs in with a key, runs exec, and moves files both ways atomically', async () => {
    await using client = new SSHClient(
      options({ password: undefined, privateKey: server.clientKey.privateKey }),
    );
    const result = await client.exec('echo out; echo err >&2; exit 4', { env: { X: '1' } });
    expect(result).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 4, signal: null });
    writeFileSync(join(dir, 'src'), Buffer.alloc(3 * 1024 * 1024, 5));
    await client.upload(join(dir, 'src'), `${dir}/uploaded`, { verify: 'sha256' });
    await client.download(`${dir}/uploaded`, join(dir, 'downloaded'), { verify: 'sha256' });
    expect(readFileSync(join(dir, 'downloaded')).equals(readFileSync(join(dir, 'src')))).toBe(true);
    await client.mkdir(`${dir}/a/b`, { recursive: true });
    expect((await client.list(`${dir}/a`)).map((e) => e.name)).toEqual(['b']);
    await expect(client.stat(`${dir}/missing`)).rejects.toMatchObject({
      code: 'ERR_NET_SFTP',
      path: `${dir}/missing`,
    });
  });

  it('forwards a local port', async () => {
    await using client = new SSHClient(options());
    const forward = await client.forwardLocal({
      remoteHost: '127.0.0.1',
      remotePort: (http.address() as AddressInfo).port,
    });
    try {
      const body = await fetch(`http://127.0.0.1:${forward.port}/`, {
        headers: { connection: 'close' },
      }).then((r) => r.text());
      expect(body).toBe('hello through ssh2');
    } finally {
      await forward.close();
    }
  });
});
