import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SSHError } from '@net/errors';
import { generateKeyPair, hasSshd } from '@net/test-utils/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../src/index.js';
import { requireSshd, startFixture, type Fixture } from './fixtures.js';

requireSshd();

describe.runIf(hasSshd())('host key verification against OpenSSH sshd', () => {
  let fx: Fixture;
  let keyField: string; // "ssh-ed25519 AAAA…"
  beforeAll(async () => {
    // DEBUG1 makes sshd log every userauth-request, so their absence can be asserted.
    fx = await startFixture({ logLevel: 'DEBUG1' });
    keyField = fx.sshd.hostKey.publicKey.split(' ').slice(0, 2).join(' ');
  });
  afterAll(() => fx?.stop());

  function knownHosts(name: string, text: string): string {
    const path = join(fx.dir, name);
    writeFileSync(path, text);
    return path;
  }

  function hashedName(name: string): string {
    const salt = randomBytes(20);
    return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
  }

  /** sshd's log since `from`, once it contains `until` (sshd logs asynchronously). */
  async function logSince(from: number, until: RegExp): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const log = fx.sshd.readLog().slice(from);
      if (until.test(log)) return log;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    return fx.sshd.readLog().slice(from);
  }

  it.each([
    ['plain [127.0.0.1]:port', () => `[127.0.0.1]:${fx.sshd.port} ${keyField}\n`],
    ['hashed |1|salt|hash', () => `${hashedName(`[127.0.0.1]:${fx.sshd.port}`)} ${keyField}\n`],
    [
      'a wildcard among other hosts',
      () =>
        `other.invalid ssh-ed25519 AAAA\n[127.0.0.*]:${fx.sshd.port},example.invalid ${keyField}\n`,
    ],
  ])('strict connects when known_hosts lists the key (%s)', async (_name, text) => {
    await using client = fx.client({ hostKey: { knownHostsPath: knownHosts('kh-ok', text()) } });
    expect((await client.exec('echo ok')).stdout).toBe('ok\n');
  });

  it('reads a known_hosts file hashed by ssh-keygen -H (OpenSSH interop)', async () => {
    const path = knownHosts('kh-keygen-hashed', `[127.0.0.1]:${fx.sshd.port} ${keyField}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', path], { stdio: 'ignore' });
    expect(readFileSync(path, 'utf8')).toMatch(/^\|1\|/);
    await using client = fx.client({ hostKey: { knownHostsPath: path } });
    await client.connect();
    expect(client.connected).toBe(true);
  });

  it('strict refuses an unknown host with ERR_NET_SSH_HOST_KEY before any credential is sent', async () => {
    const logStart = fx.sshd.readLog().length;
    await using client = fx.client({
      hostKey: { knownHostsPath: knownHosts('kh-empty', '# nothing\n') },
    });
    const error = await client.connect().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SSHError);
    expect(error).toMatchObject({
      code: 'ERR_NET_SSH_HOST_KEY',
      host: '127.0.0.1',
      port: fx.sshd.port,
    });
    expect((error as Error).message).toContain(
      fingerprintOf(Buffer.from(keyField.split(' ')[1]!, 'base64')),
    );
    const log = await logSince(logStart, /Received disconnect from 127\.0\.0\.1/);
    // The key exchange happened and the client hung up before authenticating …
    expect(log).toMatch(/SSH2_MSG_NEWKEYS sent/);
    expect(log).toMatch(/Received disconnect from 127\.0\.0\.1.*\[preauth\]/);
    expect(log).not.toMatch(/userauth-request|Accepted|Failed publickey/);

    // … while a trusted connection does authenticate: the log check above can fail.
    const controlStart = fx.sshd.readLog().length;
    await using control = fx.client();
    await control.connect();
    expect(await logSince(controlStart, /Accepted publickey/)).toMatch(
      /userauth-request for user \S+ service ssh-connection method publickey/,
    );
  });

  it('refuses a changed key even with accept-new', async () => {
    const other = generateKeyPair(fx.dir, `other-${Date.now()}`);
    const otherField = other.publicKey.split(' ').slice(0, 2).join(' ');
    const path = knownHosts('kh-changed', `[127.0.0.1]:${fx.sshd.port} ${otherField}\n`);
    for (const policy of ['strict', 'accept-new'] as const) {
      await using client = fx.client({ hostKey: { policy, knownHostsPath: path } });
      await expect(client.connect()).rejects.toMatchObject({
        code: 'ERR_NET_SSH_HOST_KEY',
        message: expect.stringMatching(/changed/),
      });
    }
    expect(readFileSync(path, 'utf8')).toBe(`[127.0.0.1]:${fx.sshd.port} ${otherField}\n`);
  });

  it('accept-new appends an unknown key (hashed) and trusts it next time in strict mode', async () => {
    const path = join(fx.dir, 'sub', 'kh-new');
    {
      await using client = fx.client({ hostKey: { policy: 'accept-new', knownHostsPath: path } });
      await client.connect();
    }
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^\|1\|[^ ]+ ssh-ed25519 /);
    expect(text).toContain(keyField.split(' ')[1]);
    // OpenSSH itself finds the line we wrote.
    const found = execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${fx.sshd.port}`, '-f', path], {
      encoding: 'utf8',
    });
    expect(found).toContain(keyField.split(' ')[1]);
    await using again = fx.client({ hostKey: { policy: 'strict', knownHostsPath: path } });
    await again.connect();
    expect(again.connected).toBe(true);
  });

  it('accept-new keeps an existing last line intact when the file lacks a final newline', async () => {
    const path = knownHosts(
      'kh-no-newline',
      'other.invalid ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB1xxQxx',
    );
    {
      await using client = fx.client({ hostKey: { policy: 'accept-new', knownHostsPath: path } });
      await client.connect();
    }
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[0]).toBe('other.invalid ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB1xxQxx');
    expect(lines[1]).toMatch(/^\|1\|/);
  });

  it('pins fingerprints: a match connects without known_hosts, a mismatch is refused', async () => {
    const fingerprint = fingerprintOf(Buffer.from(keyField.split(' ')[1]!, 'base64'));
    {
      await using client = fx.client({
        hostKey: { fingerprints: [fingerprint], knownHostsPath: '/nonexistent' },
      });
      await client.connect();
      expect(client.connected).toBe(true);
    }
    await using wrong = fx.client({ hostKey: { fingerprints: [`SHA256:${'A'.repeat(43)}`] } });
    await expect(wrong.connect()).rejects.toMatchObject({
      code: 'ERR_NET_SSH_HOST_KEY',
      message: expect.stringMatching(/not-pinned/),
    });
  });

  it("policy 'off' accepts any key (unsafe, for throwaway hosts only)", async () => {
    await using client = fx.client({ hostKey: { policy: 'off', knownHostsPath: '/nonexistent' } });
    expect((await client.exec('echo off')).stdout).toBe('off\n');
  });
});
