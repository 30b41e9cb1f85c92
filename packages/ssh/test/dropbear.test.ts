import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbortError, NetworkTimeoutError, SSHError } from '@net/errors';
import {
  canCreateUsers,
  createTestUser,
  hasDropbear,
  startDropbear,
  type TestDropbear,
  type TestUser,
} from '@net/test-utils/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSHClient, type SSHClientOptions } from '../src/index.js';
import { skipNotice, waitFor } from './peers.js';
import { expectSameTree, writeMixedTree } from './trees.js';

/**
 * Debian's Dropbear (issue 11): exec, SFTP through OpenSSH's sftp-server, host keys, password
 * and key login, killing on timeout/abort (Dropbear has no process group per session), and
 * concurrency with its default options. Dropbear logs in real users only: a throw-away one.
 */
const runs = hasDropbear() && canCreateUsers();
if (!hasDropbear()) skipNotice('Dropbear tests', '/usr/sbin/dropbear is not installed');
else if (!canCreateUsers()) skipNotice('Dropbear tests', 'creating a test user needs root');

describe.runIf(runs)('against Dropbear', () => {
  let server: TestDropbear;
  let user: TestUser;
  let dir: string;
  let knownHostsPath: string;
  beforeAll(async () => {
    user = createTestUser('/bin/sh');
    server = await startDropbear();
    dir = mkdtempSync(join(tmpdir(), 'net-dropbear-test-'));
    knownHostsPath = join(dir, 'known_hosts');
    writeFileSync(knownHostsPath, `${server.knownHostsLine}\n`);
  });
  afterAll(async () => {
    await server?.stop();
    user?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const options = (extra: Partial<SSHClientOptions> = {}): SSHClientOptions => ({
    host: server.host,
    port: server.port,
    username: user.username,
    privateKeyPath: user.clientKey.privateKeyPath,
    hostKey: { knownHostsPath },
    readyTimeout: 15_000,
    ...extra,
  });

  it('logs in with a key and with a password; a wrong password is ERR_NET_SSH_AUTH', async () => {
    await using byKey = new SSHClient(options());
    expect((await byKey.exec('id -un')).stdout.trim()).toBe(user.username);
    await using byPassword = new SSHClient(
      options({ privateKeyPath: undefined, password: user.password }),
    );
    expect((await byPassword.exec(['printf', '%s', '=ls a b'])).stdout).toBe('=ls a b');
    await using wrong = new SSHClient(options({ privateKeyPath: undefined, password: 'nope' }));
    await expect(wrong.connect()).rejects.toMatchObject({ code: 'ERR_NET_SSH_AUTH' });
  });

  it('refuses an unknown host key under strict checking', async () => {
    const other = join(dir, 'other_known_hosts');
    writeFileSync(
      other,
      server.knownHostsLine.replace(
        /AAAA\S+/,
        'AAAAC3NzaC1lZDI1NTE5AAAAIOzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz',
      ),
    );
    await using client = new SSHClient(options({ hostKey: { knownHostsPath: other } }));
    const error = await client.connect().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SSHError);
    expect(error).toMatchObject({ code: 'ERR_NET_SSH_HOST_KEY' });
  });

  it("moves files over SFTP with verify: 'sha256' and keeps a replaced file's mode", async () => {
    await using client = new SSHClient(options());
    const data = Buffer.alloc(700_000, 7);
    const local = join(dir, 'up.bin');
    writeFileSync(local, data);
    const remote = `${user.home}/up.bin`;
    await client.upload(local, remote, { verify: 'sha256' });
    await client.chmod(remote, 0o600);
    await client.upload(local, remote, { verify: 'sha256' });
    expect(statSync(remote).mode & 0o777).toBe(0o600);
    const back = join(dir, 'back.bin');
    await client.download(remote, back, { verify: 'sha256' });
    expect(readFileSync(back).equals(data)).toBe(true);
  });

  it('a timeout and an abort end every process of the command (no process group per session)', async () => {
    await using client = new SSHClient(options());
    const marker = 'sleep 44.0201';
    const pending = client
      .exec(`${marker}; echo never`, { timeout: 1_500 })
      .catch((err: unknown) => err);
    expect(await waitFor(marker, true)).toBe(true);
    expect(await pending).toBeInstanceOf(NetworkTimeoutError);
    expect(await waitFor(marker, false)).toBe(true);

    const marker2 = 'sleep 44.0202';
    const controller = new AbortController();
    const aborted = client.exec(`${marker2} | cat`, { signal: controller.signal });
    expect(await waitFor(marker2, true)).toBe(true);
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
    expect(await waitFor(marker2, false)).toBe(true);
  });

  it('close() ends commands still running', async () => {
    const client = new SSHClient(options());
    const marker = 'sleep 44.0203';
    const pending = client.exec(`${marker}; echo never`).catch((err: unknown) => err);
    expect(await waitFor(marker, true)).toBe(true);
    await client.close();
    expect(await pending).toBeInstanceOf(SSHError);
    expect(await waitFor(marker, false)).toBe(true);
  });

  it('uploadDir and downloadDir round-trip 284 files of mixed sizes through its sftp-server', async () => {
    const mixed = join(dir, 'mixed');
    writeMixedTree(mixed);
    await using client = new SSHClient(options());
    await client.uploadDir(mixed, `${user.home}/mixed`);
    const back = join(dir, 'mixed-back');
    await client.downloadDir(`${user.home}/mixed`, back);
    expectSameTree(mixed, back, expect);
  });

  it('30 concurrent exec calls all succeed with default options', async () => {
    await using client = new SSHClient(options());
    const settled = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => client.exec(`sleep 0.05; echo ${i}`)),
    );
    const failure = settled.find((s) => s.status === 'rejected');
    // Dropbear 2022.83 itself sometimes aborts the connection under CPU contention when short
    // commands end while others start ("Failed assertion (common-channel.c:705):
    // `!channel->sent_close'" in its log; raw ssh2 triggers it too). That is the server
    // crashing, not a refused channel: reported, not counted against the client.
    if (failure && /Failed assertion/.test(server.readLog())) {
      console.warn(
        'NOTICE: Dropbear aborted with its own assertion (a Dropbear 2022.83 bug under load); the concurrency check is not conclusive in this run',
      );
      return;
    }
    expect(failure, String(failure?.reason?.cause ?? failure?.reason)).toBeUndefined();
    const results = settled.map((s) => (s as PromiseFulfilledResult<{ stdout: string }>).value);
    expect(results.map((r) => r.stdout.trim())).toEqual(
      Array.from({ length: 30 }, (_, i) => String(i)),
    );
  });
});
