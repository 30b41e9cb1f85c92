import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasSshd, startSshd, type TestSshd } from '@net/test-utils/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, runCli } from './run-cli.js';

if (!hasSshd())
  console.warn(
    'net ssh/sftp CLI tests skipped: no /usr/sbin/sshd (apt-get install openssh-server)',
  );

describe.skipIf(!hasSshd())(
  'net ssh and net sftp against a real sshd',
  { timeout: CLI_TEST_TIMEOUT },
  () => {
    let sshd: TestSshd;
    let dir: string;
    let common: string[];
    let target: string;

    beforeAll(async () => {
      sshd = await startSshd();
      dir = mkdtempSync(join(tmpdir(), 'net-cli-ssh-'));
      writeFileSync(join(dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
      writeFileSync(join(dir, 'empty_known_hosts'), '');
      target = `${sshd.username}@127.0.0.1:${sshd.port}`;
      common = [
        '--identity',
        sshd.clientKey.privateKeyPath,
        '--known-hosts',
        join(dir, 'known_hosts'),
      ];
    });
    afterAll(async () => {
      await sshd?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('streams output and exits with the remote exit code', async () => {
      const r = await runCli(['ssh', target, ...common, '--', 'echo out; echo err >&2; exit 3']);
      expect(r).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    });

    it('refuses an unknown host key with exit 8 and one line', async () => {
      const r = await runCli([
        'ssh',
        target,
        '--identity',
        sshd.clientKey.privateKeyPath,
        '--known-hosts',
        join(dir, 'empty_known_hosts'),
        '--',
        'true',
      ]);
      expect(r.code).toBe(8);
      expect(r.stderr).toMatch(/^net: SSHError ERR_NET_SSH_HOST_KEY/);
    });

    it('sftp ls escapes control characters in names from the server; --json keeps them exact', async () => {
      const remoteDir = join(sshd.dir, 'hostile-names');
      mkdirSync(remoteDir);
      const evil = 'evil\x1b]0;pwned\x07\x1b[2J\n-rw-r--r--  forged';
      writeFileSync(join(remoteDir, evil), 'x');
      const ls = await runCli(['sftp', 'ls', target, remoteDir, ...common]);
      expect(ls.code).toBe(0);
      expect(ls.stdout).not.toContain('\x1b');
      expect(ls.stdout.trim().split('\n')).toHaveLength(1);
      expect(ls.stdout).toContain('evil\\e]0;pwned\\x07\\e[2J\\n-rw-r--r--  forged\n');
      const json = await runCli(['sftp', 'ls', target, remoteDir, '--json', ...common]);
      expect((JSON.parse(json.stdout) as Array<{ name: string }>)[0]?.name).toBe(evil);
    });

    it('puts, lists, gets and removes files with sftp', async () => {
      const local = join(dir, 'hello.txt');
      writeFileSync(local, 'hello sftp\n');
      const remoteDir = join(sshd.dir, 'cli-files');
      expect((await runCli(['sftp', 'mkdir', target, remoteDir, ...common])).code).toBe(0);
      expect(
        (await runCli(['sftp', 'put', target, local, `${remoteDir}/hello.txt`, ...common])).code,
      ).toBe(0);
      const ls = await runCli(['sftp', 'ls', target, remoteDir, '--json', ...common]);
      expect(ls.code).toBe(0);
      expect(
        (JSON.parse(ls.stdout) as Array<{ name: string; size: number }>).map((e) => [
          e.name,
          e.size,
        ]),
      ).toEqual([['hello.txt', 11]]);
      const back = join(dir, 'back.txt');
      expect(
        (await runCli(['sftp', 'get', target, `${remoteDir}/hello.txt`, back, ...common])).code,
      ).toBe(0);
      expect(readFileSync(back, 'utf8')).toBe('hello sftp\n');
      expect((await runCli(['sftp', 'rm', target, remoteDir, '--recursive', ...common])).code).toBe(
        0,
      );
      const missing = await runCli([
        'sftp',
        'get',
        target,
        `${remoteDir}/hello.txt`,
        back,
        ...common,
      ]);
      expect(missing.code).toBe(10);
      expect(missing.stderr).toMatch(/SSHError ERR_NET_SFTP/);
    });
  },
);
