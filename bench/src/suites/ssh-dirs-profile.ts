/**
 * `pnpm bench ssh-dirs-profile`: where the CPU of a directory transfer goes — this process (our
 * client, including its thread pool and the kernel work of its system calls) against the
 * OpenSSH server side, per file, for uploadDir/downloadDir and `sftp -r`, 4 interleaved rounds.
 * The workload to put under `node --cpu-prof`.
 *
 *   MODE=upload|download  COUNT=2000  SIZE=4096  WHO=ours@16,ours@32,sftp  (ours@N: parallelFiles)
 *
 * The server's CPU is that of the sshd listener's reaped children (the per-connection sshd and
 * its internal-sftp child), read from /proc once the connection is closed.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTree, startSshPeers } from '../ssh-peers.js';

const run$ = promisify(execFile);
const CLOCK_TICKS = 100;

/** CPU seconds of `pid` and its reaped descendants (utime stime cutime cstime). */
function treeCpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / CLOCK_TICKS;
}

/** The sshd started by this process. */
function sshdPid(): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (stat.includes('(sshd)') && parent === process.pid) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  throw new Error('sshd not found');
}

export async function run(): Promise<void> {
  const peers = await startSshPeers('dirs-profile');
  const { sshd, dir, target, opensshArgs, ours } = peers;
  const pid = sshdPid();
  const count = Number(process.env.COUNT ?? 2000);
  const size = Number(process.env.SIZE ?? 4096);
  const mode = process.env.MODE ?? 'upload';
  const source = join(dir, 'src');
  makeTree(source, count, size);
  let n = 0;
  try {
    for (let round = 0; round < 4; round++) {
      for (const who of (process.env.WHO ?? 'ours,sftp').split(',')) {
        const [name, parallel] = who.split('@');
        const serverBefore = treeCpu(pid);
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        const out = join(dir, `out-${n++}`);
        if (name === 'ours') {
          await using client = ours();
          const options = { parallelFiles: Number(parallel ?? 16) };
          if (mode === 'upload') await client.uploadDir(source, out, options);
          else await client.downloadDir(source, out, options);
        } else {
          const batch = join(dir, `batch-${n++}`);
          if (mode === 'upload') writeFileSync(batch, `mkdir ${out}\nput -r ${source}/* ${out}\n`);
          else {
            mkdirSync(out);
            writeFileSync(batch, `get -r ${source}/* ${out}\n`);
          }
          await run$('sftp', [...opensshArgs, '-P', String(sshd.port), '-b', batch, target]);
        }
        const wall = performance.now() - started;
        const cpu = process.cpuUsage(cpuBefore);
        // The connection's sshd processes are reaped shortly after it closes.
        await new Promise((resolve) => setTimeout(resolve, 300));
        const server = treeCpu(pid) - serverBefore;
        const perFile = (us: number) => `${(us / count).toFixed(0)} µs/file`;
        console.log(
          `${mode} ${who}: ${Math.round((count / wall) * 1000)} files/s, wall ${perFile(wall * 1000)}, ` +
            `this process ${perFile(cpu.user + cpu.system)}, server ${perFile(server * 1e6)}`,
        );
        rmSync(out, { recursive: true, force: true });
      }
    }
  } finally {
    await peers.stop();
  }
}
