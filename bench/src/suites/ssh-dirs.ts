import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTree, startSshPeers } from '../ssh-peers.js';
import { compare, report, type ComparisonResult } from '../harness.js';

const run$ = promisify(execFile);

/**
 * Directory transfers on loopback against one OpenSSH sshd (issue 15, target 3): uploadDir and
 * downloadDir of 2 000 files × 4 KiB and 200 files × 1 MiB vs OpenSSH `sftp -r` (batch mode)
 * and `scp -r`. Every case opens its own connection (a process for OpenSSH) and writes into a
 * fresh destination. SSHClient runs with its defaults (atomic, size-verified, 16 files in
 * flight). `NET_BENCH_ROUNDS` overrides the number of measured rounds (default 3).
 */
export async function run(): Promise<void> {
  const peers = await startSshPeers('dirs');
  const { sshd, dir, target, opensshArgs, ours } = peers;
  let n = 0;
  const fresh = () => join(dir, `out-${n++}`);
  const batch = async (commands: string): Promise<void> => {
    const file = join(dir, `batch-${n++}`);
    writeFileSync(file, commands);
    await run$('sftp', [...opensshArgs, '-P', String(sshd.port), '-b', file, target]);
  };
  const scp = (from: string, to: string) =>
    run$('scp', [...opensshArgs, '-r', '-P', String(sshd.port), from, to]);

  const results: ComparisonResult[] = [];
  try {
    for (const [label, count, size] of [
      ['2 000 files × 4 KiB', 2_000, 4 * 1024],
      ['200 files × 1 MiB', 200, 1024 * 1024],
    ] as const) {
      const source = join(dir, `src-${count}`);
      makeTree(source, count, size);
      results.push(
        await compare({
          title: `uploadDir, ${label}, loopback (connect + transfer + close)`,
          unit: 'file',
          baseline: 'OpenSSH sftp -r',
          rounds: Number(process.env.NET_BENCH_ROUNDS ?? 3),
          cases: {
            'SSHClient.uploadDir (atomic, size-verified)': async () => {
              await using client = ours();
              await client.uploadDir(source, fresh());
              return count;
            },
            'SSHClient.uploadDir (sha256-verified)': async () => {
              await using client = ours();
              await client.uploadDir(source, fresh(), { verify: 'sha256' });
              return count;
            },
            'OpenSSH sftp -r': async () => {
              const out = fresh();
              await batch(`mkdir ${out}\nput -r ${source}/* ${out}\n`);
              return count;
            },
            'OpenSSH scp -r': async () => {
              await scp(source, `${target}:${fresh()}`);
              return count;
            },
          },
        }),
      );
      results.push(
        await compare({
          title: `downloadDir, ${label}, loopback (connect + transfer + close)`,
          unit: 'file',
          baseline: 'OpenSSH sftp -r',
          rounds: Number(process.env.NET_BENCH_ROUNDS ?? 3),
          cases: {
            'SSHClient.downloadDir (atomic, size-verified)': async () => {
              await using client = ours();
              await client.downloadDir(source, fresh());
              return count;
            },
            'OpenSSH sftp -r': async () => {
              const out = fresh();
              mkdirSync(out);
              await batch(`get -r ${source}/* ${out}\n`);
              return count;
            },
            'OpenSSH scp -r': async () => {
              await scp(`${target}:${source}`, fresh());
              return count;
            },
          },
        }),
      );
    }
    report('ssh-dirs', results);
  } finally {
    await peers.stop();
  }
}
