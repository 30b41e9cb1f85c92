import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import SftpClient from 'ssh2-sftp-client';
import { startSshPeers } from '../ssh-peers.js';
import { compare, report, type ComparisonResult } from '../harness.js';

const run$ = promisify(execFile);
const MiB = 1024 * 1024;
const BIG = 64 * MiB;
// Stock stream put()/get() crawl (~2 MB/s without TCP_NODELAY): a smaller file keeps the
// suite short; the rate column is per MB either way.
const SMALL = 8 * MiB;

/**
 * 64 MiB upload and download on loopback against one OpenSSH sshd, in one run: SSHClient vs
 * stock ssh2-sftp-client (put/get and fastPut/fastGet, default settings) vs OpenSSH's own
 * `sftp -b` and `scp`. Every case opens its own connection (a process for OpenSSH), so
 * handshakes are inside every measurement. Then 100 sequential tiny exec calls on one
 * connection vs `ssh` multiplexed over a ControlMaster.
 */
export async function run(): Promise<void> {
  const peers = await startSshPeers('ssh');
  const { sshd, dir, target, opensshArgs, ours } = peers;
  const remote = mkdtempSync(join(tmpdir(), 'net-bench-ssh-remote-'));
  const big = join(dir, 'big.bin');
  const small = join(dir, 'small.bin');
  writeFileSync(
    big,
    execFileSync('head', ['-c', String(BIG), '/dev/urandom'], { maxBuffer: BIG + 1 }),
  );
  writeFileSync(
    small,
    execFileSync('head', ['-c', String(SMALL), '/dev/urandom'], { maxBuffer: SMALL + 1 }),
  );
  writeFileSync(join(remote, 'big.bin'), execFileSync('cat', [big], { maxBuffer: BIG + 1 }));
  writeFileSync(join(remote, 'small.bin'), execFileSync('cat', [small], { maxBuffer: SMALL + 1 }));

  const stock = async <T>(use: (sftp: SftpClient) => Promise<T>): Promise<T> => {
    const quiet = () => undefined;
    const sftp = new SftpClient('bench', { error: quiet, end: quiet, close: quiet });
    await sftp.connect({
      host: '127.0.0.1',
      port: sshd.port,
      username: sshd.username,
      privateKey: sshd.clientKey.privateKey,
    });
    try {
      return await use(sftp);
    } finally {
      await sftp.end();
    }
  };
  const batch = async (commands: string): Promise<void> => {
    const file = join(dir, 'batch');
    writeFileSync(file, commands);
    await run$('sftp', [...opensshArgs, '-P', String(sshd.port), '-b', file, target]);
  };
  const mb = (bytes: number) => bytes / 1e6;

  const results: ComparisonResult[] = [];
  try {
    results.push(
      await compare({
        title: 'SFTP upload, 64 MiB, loopback (connect + transfer + close)',
        unit: 'MB',
        baseline: 'OpenSSH sftp -b',
        rounds: 3,
        cases: {
          'SSHClient.upload (atomic, size-verified)': async () => {
            await using client = ours();
            await client.upload(big, `${remote}/up-ours`);
            return mb(BIG);
          },
          'OpenSSH sftp -b': async () => {
            await batch(`put ${big} ${remote}/up-sftp\n`);
            return mb(BIG);
          },
          'OpenSSH scp': async () => {
            await run$('scp', [
              ...opensshArgs,
              '-P',
              String(sshd.port),
              big,
              `${target}:${remote}/up-scp`,
            ]);
            return mb(BIG);
          },
          'ssh2-sftp-client fastPut': async () => {
            await stock((sftp) => sftp.fastPut(big, `${remote}/up-fast`));
            return mb(BIG);
          },
          'ssh2-sftp-client put (8 MiB)': async () => {
            await stock((sftp) => sftp.put(small, `${remote}/up-put`));
            return mb(SMALL);
          },
        },
      }),
    );
    results.push(
      await compare({
        title: 'SFTP download, 64 MiB, loopback (connect + transfer + close)',
        unit: 'MB',
        baseline: 'OpenSSH sftp -b',
        rounds: 3,
        cases: {
          'SSHClient.download (atomic, size-verified)': async () => {
            await using client = ours();
            await client.download(`${remote}/big.bin`, join(dir, 'down-ours'));
            return mb(BIG);
          },
          'OpenSSH sftp -b': async () => {
            await batch(`get ${remote}/big.bin ${dir}/down-sftp\n`);
            return mb(BIG);
          },
          'OpenSSH scp': async () => {
            await run$('scp', [
              ...opensshArgs,
              '-P',
              String(sshd.port),
              `${target}:${remote}/big.bin`,
              join(dir, 'down-scp'),
            ]);
            return mb(BIG);
          },
          'ssh2-sftp-client fastGet': async () => {
            await stock((sftp) => sftp.fastGet(`${remote}/big.bin`, join(dir, 'down-fast')));
            return mb(BIG);
          },
          'ssh2-sftp-client get (8 MiB)': async () => {
            await stock((sftp) => sftp.get(`${remote}/small.bin`, join(dir, 'down-get')));
            return mb(SMALL);
          },
        },
      }),
    );

    // 100 sequential `true` on one established connection.
    const control = join(dir, 'cm.sock');
    const master = spawn(
      'ssh',
      [...opensshArgs, '-p', String(sshd.port), '-M', '-S', control, '-N', target],
      { stdio: 'ignore' },
    );
    const client = ours();
    try {
      await client.connect();
      for (let i = 0; i < 100; i++) {
        try {
          await run$('ssh', ['-S', control, '-O', 'check', target]);
          break;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      const calls = 100;
      results.push(
        await compare({
          title: '100 sequential exec calls on one connection',
          unit: 'call',
          baseline: 'ssh (ControlMaster)',
          rounds: 3,
          cases: {
            'SSHClient.exec': async () => {
              for (let i = 0; i < calls; i++) await client.exec('true');
              return calls;
            },
            'ssh (ControlMaster)': async () => {
              for (let i = 0; i < calls; i++)
                await run$('ssh', [
                  ...opensshArgs,
                  '-S',
                  control,
                  '-p',
                  String(sshd.port),
                  target,
                  'true',
                ]);
              return calls;
            },
          },
        }),
      );
    } finally {
      await client.close();
      master.kill();
    }
    report('ssh', results);
  } finally {
    await peers.stop();
    rmSync(remote, { recursive: true, force: true });
  }
}
