import { InvalidArgumentError, Option, type Command } from 'commander';
import type { CommandContext } from '../main.js';
import { integerIn, milliseconds } from './parse-number.js';

/** The flags of `net scan`; see the flag table in the README. */
export interface ScanFlags {
  ports: string;
  udp?: boolean;
  banner?: boolean;
  json?: boolean;
  grepable?: boolean;
  timeout?: number;
  concurrency?: number;
  retries?: number;
  shard?: { index: number; count: number };
  order?: 'sequential' | 'random';
  seed?: number;
  hostDiscovery?: boolean;
}

/** `--shard 2/4`: the 2nd of 4 parts (1-based, as nmap users count). */
function shard(value: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new InvalidArgumentError('expected I/N with 1 <= I <= N, e.g. 2/4');
  }
  return { index, count };
}

export function registerScan(program: Command, context: CommandContext): void {
  program
    .command('scan')
    .description('scan ports (TCP connect or UDP); only scan hosts you are allowed to')
    .argument('<targets...>', 'hostnames, IPs, CIDR blocks or a-b ranges')
    .option('-p, --ports <ports>', "'1-1024,8080', 'top-100' or 'all'", 'top-100')
    .option('--udp', 'UDP scan instead of TCP')
    .option('--banner', 'read what open services say first')
    .option('--json', 'print the report as JSON')
    .option('--grepable', 'print nmap-style greppable lines')
    .option('--timeout <ms>', 'per-probe timeout in ms (0: no limit)', milliseconds)
    .option('--concurrency <n>', 'probes in flight', integerIn(1, 100_000))
    .option('--retries <n>', 'retries of unanswered probes', integerIn(0, 10))
    .addOption(
      new Option('--order <order>', 'the order of attempts over hosts × ports').choices([
        'sequential',
        'random',
      ]),
    )
    .option(
      '--seed <n>',
      "the permutation's seed for --order random (same for every shard)",
      integerIn(0, 4_294_967_295),
    )
    .option(
      '--no-host-discovery',
      'scan every target even when it looks down (like nmap -Pn); multi-host scans discover by default',
    )
    .option('--shard <I/N>', 'probe only part I of N of the scan (run all N to cover it)', shard)
    .action(async (targets: string[], flags: ScanFlags) => {
      const { runScan } = await import('../run/scan.js');
      await runScan(targets, flags, context);
    });
}
