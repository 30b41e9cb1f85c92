import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hasSshd } from '@net/test-utils/ssh';
import type { ClientChannel } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '../src/connection.js';
import { resolveOptions } from '../src/options.js';
import {
  adapterContractProblems,
  CHECKED_SSH2_VERSION,
  hasPosixRename,
  sendChannelSignal,
  sftpExtensions,
  sftpRequestLimits,
} from '../src/ssh2-adapter.js';
import { requireSshd, startFixture, type Fixture } from './fixtures.js';

requireSshd();

/**
 * The contract of the one file that reaches into ssh2's internals (issue 11, point 11). If an
 * ssh2 upgrade renames or drops one of them, this fails and says which, instead of transfers
 * silently getting slower or atomic overwrites silently becoming remove-then-rename.
 */
describe.runIf(hasSshd())('ssh2 adapter contract against OpenSSH', () => {
  let fx: Fixture;
  let connection: Connection;
  beforeAll(async () => {
    fx = await startFixture();
    const options = resolveOptions(fx.options(), () => 'unused');
    connection = new Connection(
      { host: options.host, port: options.port, username: options.username },
      8,
    );
    const privateKey = readFileSync(fx.sshd.clientKey.privateKeyPath);
    await connection.open(
      options,
      { password: undefined, privateKey, passphrase: undefined },
      undefined,
      undefined,
    );
  });
  afterAll(async () => {
    await connection?.close();
    await fx?.stop();
  });

  it('runs on the ssh2 version it was checked against', () => {
    const require = createRequire(import.meta.url);
    const { version } = require('ssh2/package.json') as { version: string };
    expect(
      version,
      `ssh2 ${version}: re-check src/ssh2-adapter.ts, then update CHECKED_SSH2_VERSION`,
    ).toBe(CHECKED_SSH2_VERSION);
  });

  it('finds every internal it uses on a live channel and SFTP session, with the meaning it assumes', async () => {
    const sftp = await connection.sftp();
    const channel = await new Promise<ClientChannel>((resolve, reject) =>
      connection.client.exec('sleep 1', (err, ch) => (err ? reject(err) : resolve(ch))),
    );
    try {
      expect(adapterContractProblems(channel, sftp)).toEqual([]);
      // OpenSSH announces posix-rename and raises the request size limits above ssh2's default.
      expect(sftpExtensions(sftp)?.['posix-rename@openssh.com']).toBe('1');
      expect(hasPosixRename(sftp)).toBe(true);
      const limits = sftpRequestLimits(sftp);
      expect(limits.read).toBeGreaterThan(64 * 1024);
      expect(limits.write).toBeGreaterThan(64 * 1024);
      // A signal request goes out on a half-closed channel (after our EOF).
      channel.end();
      expect(sendChannelSignal(channel, 'KILL')).toBe(true);
      // Once we have closed it, a signal request would be a protocol error: not sent.
      channel.close();
      expect(sendChannelSignal(channel, 'KILL')).toBe(false);
    } finally {
      channel.close();
    }
  });

  it('reports each missing internal by name', () => {
    expect(adapterContractProblems({}, {})).toEqual([
      'channel.outgoing.id',
      'channel.outgoing.state',
      'channel._client._protocol.signal',
      'sftp._maxReadLen',
      'sftp._maxWriteLen',
      'sftp._extensions',
    ]);
    expect(hasPosixRename({})).toBe(false);
    expect(sftpRequestLimits({}).read).toBeGreaterThan(0);
  });
});
