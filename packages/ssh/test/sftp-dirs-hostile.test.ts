import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SSHError } from '@net/errors';
import {
  hostileSftp,
  startInProcessSshServer,
  type HostileEntry,
  type HostileTree,
  type InProcessSshServer,
} from '@net/test-utils/ssh';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SSHClient } from '../src/index.js';

/**
 * downloadDir against a server that lies in its listings (issue 11, point 1): names with `..`,
 * `/`, NUL, `.`; symlinks whose targets lie outside the tree. Nothing may be created outside
 * the destination, and an unsafe name fails the transfer with ERR_NET_SFTP naming it.
 */
describe('downloadDir against a hostile SFTP server', () => {
  let work: string;
  let servers: InProcessSshServer[];
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'net-hostile-'));
    servers = [];
  });
  afterEach(async () => {
    for (const server of servers) await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  async function clientFor(tree: HostileTree): Promise<SSHClient> {
    const server = await startInProcessSshServer({ sftp: hostileSftp(tree) });
    servers.push(server);
    const knownHostsPath = join(work, `known_hosts_${server.port}`);
    writeFileSync(knownHostsPath, `${server.knownHostsLine}\n`);
    return new SSHClient({
      host: server.host,
      port: server.port,
      username: server.username,
      password: server.password,
      hostKey: { knownHostsPath },
    });
  }

  /** Every path under `dir`, relative. */
  function everything(dir: string): string[] {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
  }

  const unsafe: Array<[string, HostileEntry]> = [
    ['a parent reference', { name: '../escaped-1.txt', type: 'file' }],
    ['two levels up', { name: '../../escaped-2.txt', type: 'file' }],
    ['a directory out of the tree', { name: '../../evil-dir', type: 'directory' }],
    ['..', { name: '..', type: 'directory' }],
    ['.', { name: '.', type: 'directory' }],
    ['an absolute path', { name: '/tmp/absolute.txt', type: 'file' }],
    ['a slash inside', { name: 'a/b.txt', type: 'file' }],
    ['a NUL byte', { name: 'nul\0byte.txt', type: 'file' }],
    ['an empty name', { name: '', type: 'file' }],
  ];

  it.each(unsafe)(
    'refuses %s with ERR_NET_SFTP and writes nothing anywhere',
    async (_label, entry) => {
      // `.` and `..` are dropped as such by every listing reader; a real server lists them too.
      const tree: HostileTree = {
        listings: {
          'srv/tree': [{ name: 'fine.txt', type: 'file' }, entry],
          'srv/tree/../../evil-dir': [{ name: 'planted.sh', type: 'file' }],
        },
      };
      await using client = await clientFor(tree);
      const dest = join(work, 'a', 'b', 'dest');
      mkdirSync(join(work, 'a', 'b'), { recursive: true });
      const outcome = await client.downloadDir('srv/tree', dest).then(
        (result) => result,
        (err: unknown) => err,
      );
      if (entry.name === '.' || entry.name === '..') {
        // Filtered out like in every listing: only the plain file arrives.
        expect(outcome).toMatchObject({ files: ['fine.txt'] });
      } else {
        expect(outcome).toBeInstanceOf(SSHError);
        expect(outcome).toMatchObject({ code: 'ERR_NET_SFTP', path: `srv/tree/${entry.name}` });
        // The listing is checked before anything is written.
        expect(existsSync(dest)).toBe(false);
      }
      expect(everything(work).filter((p) => !p.startsWith('known_hosts'))).toEqual(
        existsSync(dest) ? ['a', 'a/b', 'a/b/dest', 'a/b/dest/fine.txt'] : ['a', 'a/b'],
      );
    },
  );

  it('does not follow remote symlinks out of the tree (skipped), and follows those inside', async () => {
    const requests: string[] = [];
    const tree: HostileTree = {
      listings: {
        '/srv/tree': [
          { name: 'to-etc', type: 'symlink' },
          { name: 'to-inside', type: 'symlink' },
          { name: 'sub', type: 'directory' },
        ],
        '/srv/tree/sub': [{ name: 'inner.txt', type: 'file' }],
        '/srv/tree/to-inside': [{ name: 'inner.txt', type: 'file' }],
        '/etc': [{ name: 'shadow', type: 'file' }],
      },
      realpaths: {
        '/srv/tree/to-etc': '/etc',
        '/srv/tree/to-inside': '/srv/tree/sub',
      },
      requests,
    };
    await using client = await clientFor(tree);
    const followed = await client.downloadDir('/srv/tree', join(work, 'f'), { symlinks: 'follow' });
    expect(followed.skipped).toEqual(['to-etc']);
    expect(followed.files.sort()).toEqual(['sub/inner.txt', 'to-inside/inner.txt']);
    expect(requests.some((path) => path.startsWith('/etc'))).toBe(false);

    const skipped = await client.downloadDir('/srv/tree', join(work, 's'));
    expect(skipped.skipped.sort()).toEqual(['to-etc', 'to-inside']);
    expect(everything(join(work, 's'))).toEqual(['sub', 'sub/inner.txt']);
  });

  it('does not write through a symlink planted in the destination', async () => {
    const outside = join(work, 'outside');
    mkdirSync(outside);
    const dest = join(work, 'dest');
    mkdirSync(dest);
    symlinkSync(outside, join(dest, 'sub'));
    const tree: HostileTree = {
      listings: {
        '/srv/tree': [{ name: 'sub', type: 'directory' }],
        '/srv/tree/sub': [{ name: 'planted.sh', type: 'file' }],
      },
    };
    await using client = await clientFor(tree);
    await expect(client.downloadDir('/srv/tree', dest)).rejects.toMatchObject({
      code: 'ERR_NET_SFTP',
    });
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('uploadDir and local symlinks', () => {
  it("with 'follow', a link out of the local tree is skipped, a link inside is followed", async () => {
    await using server = await startInProcessSshServer();
    const work = mkdtempSync(join(tmpdir(), 'net-upload-links-'));
    try {
      const knownHostsPath = join(work, 'known_hosts');
      writeFileSync(knownHostsPath, `${server.knownHostsLine}\n`);
      const source = join(work, 'source');
      mkdirSync(join(source, 'inner'), { recursive: true });
      writeFileSync(join(source, 'inner', 'a.txt'), 'a');
      mkdirSync(join(work, 'secret'));
      writeFileSync(join(work, 'secret', 'key'), 'do not upload');
      symlinkSync(join(work, 'secret'), join(source, 'to-secret'));
      symlinkSync(join(work, 'secret', 'key'), join(source, 'key-link'));
      symlinkSync('inner', join(source, 'to-inner'));
      await using client = new SSHClient({
        host: server.host,
        port: server.port,
        username: server.username,
        password: server.password,
        hostKey: { knownHostsPath },
      });
      const result = await client.uploadDir(source, join(work, 'up'), { symlinks: 'follow' });
      expect(result.skipped.sort()).toEqual(['key-link', 'to-secret']);
      expect(result.files.sort()).toEqual(['inner/a.txt', 'to-inner/a.txt']);
      expect(readdirSync(join(work, 'up')).sort()).toEqual(['inner', 'to-inner']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
