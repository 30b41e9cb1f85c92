import { describe, expect, it } from 'vitest';
import { SSHClient, type SSHClientOptions } from '../src/index.js';
import { clientDefaults as defaults } from '../src/options.js';

const base: SSHClientOptions = { host: '127.0.0.1', username: 'u', password: 'pw' };

describe('SSHClient options', () => {
  it.each<[string, Partial<SSHClientOptions> | Record<string, unknown>, string, RegExp]>([
    ['an empty host', { host: '' }, 'TypeError', /host/],
    ['a blank host', { host: '  ' }, 'TypeError', /host/],
    ['a host that is not a string', { host: 42 }, 'TypeError', /host/],
    ['port 0', { port: 0 }, 'RangeError', /port/],
    ['port 70000', { port: 70_000 }, 'RangeError', /port/],
    ['a fractional port', { port: 22.5 }, 'RangeError', /port/],
    ['no credentials at all', { password: undefined }, 'TypeError', /credentials/],
    ['an unknown host key policy', { hostKey: { policy: 'trust-me' } }, 'TypeError', /policy/],
    [
      'a malformed fingerprint',
      { hostKey: { fingerprints: ['MD5:aa'] } },
      'TypeError',
      /fingerprints/,
    ],
    ['maxChannels 0', { maxChannels: 0 }, 'RangeError', /maxChannels/],
    ['a negative keepalive', { keepaliveInterval: -1 }, 'RangeError', /keepaliveInterval/],
    [
      'a private key that is not a key',
      { password: undefined, privateKey: 'not a key' },
      'TypeError',
      /privateKey/,
    ],
    [
      'both privateKey and privateKeyPath',
      { privateKey: 'x', privateKeyPath: '/x' },
      'TypeError',
      /privateKey/,
    ],
    [
      'a jump host with a bad port',
      { jump: { host: 'bastion', password: 'x', port: 0 } },
      'RangeError',
      /port/,
    ],
    ['a jump host without credentials', { jump: { host: 'bastion' } }, 'TypeError', /credentials/],
  ])('rejects %s in the constructor', (_name, patch, type, message) => {
    let error: unknown;
    try {
      new SSHClient({ ...base, ...patch });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(type === 'TypeError' ? TypeError : RangeError);
    expect((error as { code: string }).code).toMatch(/^ERR_INVALID_ARG_(VALUE|TYPE)$/);
    expect((error as Error).message).toMatch(message);
  });

  it('accepts a password alone and applies the documented defaults', () => {
    const client = new SSHClient(base);
    expect(client.target).toEqual({ host: '127.0.0.1', port: 22, username: 'u' });
    expect(defaults).toMatchObject({
      port: 22,
      noDelay: true,
      maxChannels: 8,
      readyTimeout: 20_000,
      keepaliveInterval: 15_000,
    });
    expect(defaults.hostKey.policy).toBe('strict');
    expect(defaults.hostKey.knownHostsPath).toMatch(/\.ssh\/known_hosts$/);
  });

  it('rejects (does not throw) bad method input, before any I/O', async () => {
    const client = new SSHClient({ ...base, port: 1 });
    const calls = [
      () => client.exec(''),
      () => client.exec([]),
      () => client.exec(['ok', 42 as unknown as string]),
      () => client.exec('true', { env: { 'BAD NAME': 'x' } }),
      () => client.exec('true', { timeout: -5 }),
      () => client.upload('', '/x'),
      () => client.download('/x', 'y', { verify: 'md5' as never }),
      () => client.upload('a', '/x', { concurrency: 0 }),
      () => client.chmod('/x', -1),
      () => client.forwardLocal({ remoteHost: '127.0.0.1', remotePort: 0 }),
    ];
    for (const call of calls) {
      let promise: Promise<unknown> | undefined;
      expect(() => (promise = call())).not.toThrow();
      await expect(promise).rejects.toMatchObject({
        code: expect.stringMatching(/^ERR_INVALID_ARG_/),
      });
    }
    expect(client.connected).toBe(false);
  });

  it('rejects connect() with strict checking when known_hosts does not exist, before connecting', async () => {
    // Port 1 on loopback: if a connection were attempted the error would be ECONNREFUSED.
    const client = new SSHClient({
      ...base,
      port: 1,
      hostKey: { knownHostsPath: '/nonexistent/known_hosts' },
    });
    await expect(client.connect()).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
      message: expect.stringMatching(/known_hosts/),
    });
  });
});
