import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkTimeoutError, SSHError } from '@net/errors';
import {
  canCreateUsers,
  createTestUser,
  hasSshd,
  startSshd,
  type TestSshd,
  type TestSshdOptions,
  type TestUser,
} from '@net/test-utils/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSHClient, type SSHClientOptions } from '../src/index.js';
import { skipNotice, waitFor } from './peers.js';

/**
 * OpenSSH configured the way real servers are (issue 11): a non-root account with password and
 * key login, `MaxSessions 2`, `ForceCommand internal-sftp`, and no SFTP subsystem at all.
 */
if (!hasSshd()) skipNotice('OpenSSH configurations', '/usr/sbin/sshd is not installed');

async function serverWith(options: TestSshdOptions) {
  const sshd = await startSshd(options);
  const dir = mkdtempSync(join(tmpdir(), 'net-ssh-cfg-'));
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, `${sshd.knownHostsLine}\n`);
  const options_ = (extra: Partial<SSHClientOptions> = {}): SSHClientOptions => ({
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKeyPath: sshd.clientKey.privateKeyPath,
    hostKey: { knownHostsPath },
    readyTimeout: 15_000,
    ...extra,
  });
  return {
    sshd,
    dir,
    options: options_,
    stop: async () => {
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.runIf(hasSshd())('OpenSSH with MaxSessions 2', () => {
  let server: Awaited<ReturnType<typeof serverWith>>;
  beforeAll(async () => {
    server = await serverWith({ maxSessions: 2 });
  });
  afterAll(async () => server?.stop());

  it('30 concurrent exec calls all succeed with the default maxChannels', async () => {
    await using client = new SSHClient(server.options());
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => client.exec(`sleep 0.05; echo ${i}`)),
    );
    expect(results.map((r) => r.stdout.trim())).toEqual(
      Array.from({ length: 30 }, (_, i) => String(i)),
    );
  });

  it('and while the SFTP session holds one of the two sessions', async () => {
    await using client = new SSHClient(server.options());
    const path = join(server.dir, 'limit.txt');
    await client.writeFile(path, 'x');
    const results = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => client.exec(`echo ${i}`)),
      client.readFile(path, { encoding: 'utf8' }),
    ]);
    expect(results.at(-1)).toBe('x');
    expect(results.slice(0, 20).map((r) => (r as { stdout: string }).stdout.trim())).toEqual(
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
  });
});

describe.runIf(hasSshd())('OpenSSH with ForceCommand internal-sftp (an SFTP-only account)', () => {
  let server: Awaited<ReturnType<typeof serverWith>>;
  beforeAll(async () => {
    server = await serverWith({ forceCommand: 'internal-sftp' });
  });
  afterAll(async () => server?.stop());

  it("verify: 'sha256' works both ways (by reading back over SFTP)", async () => {
    await using client = new SSHClient(server.options());
    const data = Buffer.from('sftp-only '.repeat(10_000));
    const local = join(server.dir, 'local.bin');
    writeFileSync(local, data);
    const remote = join(server.dir, 'remote.bin');
    await client.upload(local, remote, { verify: 'sha256' });
    const back = join(server.dir, 'back.bin');
    await client.download(remote, back, { verify: 'sha256' });
    expect(statSync(back).size).toBe(data.length);
    // exec is answered by the forced internal-sftp, never by a shell.
    const result = await client.exec('echo hello');
    expect(result.stdout).not.toContain('hello');
  });
});

describe.runIf(hasSshd())('OpenSSH without a Subsystem sftp (an exec-only server)', () => {
  let server: Awaited<ReturnType<typeof serverWith>>;
  beforeAll(async () => {
    server = await serverWith({ sftp: false });
  });
  afterAll(async () => server?.stop());

  it('connect() and exec work; an SFTP call fails with ERR_NET_SFTP; exec still works after', async () => {
    await using client = new SSHClient(server.options());
    await client.connect();
    expect((await client.exec(['printf', '%s', 'exec only'])).stdout).toBe('exec only');
    const error = await client.list('/').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SSHError);
    expect(error).toMatchObject({ code: 'ERR_NET_SFTP' });
    expect((error as Error).message).toMatch(/SFTP/);
    expect((await client.exec('echo still')).stdout).toBe('still\n');
  });
});

describe.runIf(hasSshd() && canCreateUsers())('OpenSSH, a non-root account', () => {
  let server: Awaited<ReturnType<typeof serverWith>>;
  let user: TestUser;
  let sshd: TestSshd;
  beforeAll(async () => {
    user = createTestUser('/bin/bash');
    server = await serverWith({
      passwordAuthentication: true,
      authorizedKeys: [user.clientKey.publicKey],
    });
    sshd = server.sshd;
  });
  afterAll(async () => {
    await server?.stop();
    user?.remove();
  });

  it('logs in with a password and with a key', async () => {
    await using byPassword = new SSHClient(
      server.options({
        username: user.username,
        privateKeyPath: undefined,
        password: user.password,
      }),
    );
    expect((await byPassword.exec('id -un')).stdout.trim()).toBe(user.username);
    await using byKey = new SSHClient(
      server.options({ username: user.username, privateKeyPath: user.clientKey.privateKeyPath }),
    );
    expect((await byKey.exec('id -un')).stdout.trim()).toBe(user.username);
    expect(sshd.readLog()).toMatch(/Accepted password/);
  });

  it('a timeout and an abort end every process of the command', async () => {
    await using client = new SSHClient(
      server.options({ username: user.username, privateKeyPath: user.clientKey.privateKeyPath }),
    );
    const marker = 'sleep 43.0101';
    const pending = client
      .exec(`${marker}; echo never`, { timeout: 1_500 })
      .catch((err: unknown) => err);
    expect(await waitFor(marker, true)).toBe(true);
    expect(await pending).toBeInstanceOf(NetworkTimeoutError);
    expect(await waitFor(marker, false)).toBe(true);

    const marker2 = 'sleep 43.0102';
    const controller = new AbortController();
    const aborted = client.exec(`${marker2} | cat`, { signal: controller.signal });
    expect(await waitFor(marker2, true)).toBe(true);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ERR_NET_ABORTED' });
    expect(await waitFor(marker2, false)).toBe(true);
  });

  it("verify: 'sha256' works for names with a newline and a backslash", async () => {
    await using client = new SSHClient(
      server.options({ username: user.username, privateKeyPath: user.clientKey.privateKeyPath }),
    );
    for (const name of ['new\nline.txt', 'back\\slash.txt']) {
      const remote = `${user.home}/${name}`;
      await client.writeFile(remote, `content of ${name}`, { verify: 'sha256' });
      expect(await client.readFile(remote, { encoding: 'utf8', verify: 'sha256' })).toBe(
        `content of ${name}`,
      );
    }
  });
});

if (hasSshd() && !canCreateUsers())
  skipNotice('OpenSSH non-root account tests', 'creating a user needs root');
