import { invalidArgValue } from '@net/errors/internal';
import { PortScanner, toGreppable, type ScanOptions, type ScanReport } from '@net/sockets';
import type { ScanFlags } from '../commands/scan.js';
import type { CommandContext } from '../main.js';
import { startProgress } from '../progress.js';
import { formatScanTable } from './scan-table.js';

/** `net scan`: a table (default), `--json` or `--grepable`, progress on a terminal's stderr. */
export async function runScan(
  targets: string[],
  flags: ScanFlags,
  context: CommandContext,
): Promise<void> {
  const { io, signal } = context;
  if (flags.json && flags.grepable) {
    throw invalidArgValue('--json', 'Give either --json or --grepable, not both.');
  }
  const scanner = new PortScanner({
    ...(flags.timeout === undefined ? {} : { timeout: flags.timeout }),
    ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
    ...(flags.retries === undefined ? {} : { retries: flags.retries }),
  });
  const options: ScanOptions = {
    ports: flags.ports,
    protocol: flags.udp ? 'udp' : 'tcp',
    banner: flags.banner === true,
    signal,
  };
  if (flags.order !== undefined) options.order = flags.order;
  if (flags.seed !== undefined) options.seed = flags.seed;
  if (flags.shard !== undefined) options.shard = flags.shard;
  if (flags.hostDiscovery === false) options.hostDiscovery = false;
  const progress = startProgress('scan', 'ports');
  let report: ScanReport;
  try {
    report = await scanner.scan(targets, {
      ...options,
      onProgress: (p) => progress.update(p.done, p.total),
    });
  } finally {
    progress.stop();
  }
  if (flags.order === 'random' && flags.seed === undefined && report.seed !== undefined) {
    // The other shards of this scan need the same permutation.
    context.note(`random order seed ${report.seed} (pass --seed ${report.seed} to repeat it)`);
  }
  if (flags.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (flags.grepable) io.stdout.write(`${toGreppable(report)}\n`);
  else io.stdout.write(formatScanTable(report));
}
