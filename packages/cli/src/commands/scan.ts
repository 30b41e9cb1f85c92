import type { Command } from 'commander';
import { PortScanner, toGreppable, type ScanReport } from '@net/all';
import type { CommandContext } from '../main.js';
import { startProgress } from '../progress.js';
import { integerIn } from './parse-number.js';

interface ScanFlags {
  ports: string;
  udp?: boolean;
  banner?: boolean;
  json?: boolean;
  grepable?: boolean;
  timeout?: number;
  concurrency?: number;
  retries?: number;
}

/** A table of the interesting ports per host, as nmap prints it. */
export function formatScanTable(report: ScanReport): string {
  const lines: string[] = [];
  for (const host of report.hosts) {
    lines.push(
      `Scan report for ${host.host}${host.address && host.address !== host.host ? ` (${host.address})` : ''}`,
    );
    if (host.error) {
      lines.push(`  not scanned: ${host.error.message}`);
      continue;
    }
    const closed = host.counts.closed;
    if (closed > 0) lines.push(`Not shown: ${closed} closed ${report.protocol} ports`);
    if (host.ports.length === 0) {
      lines.push('  no open ports');
      continue;
    }
    lines.push('PORT       STATE          SERVICE        BANNER');
    for (const p of host.ports) {
      lines.push(
        `${`${p.port}/${p.protocol}`.padEnd(10)} ${p.state.padEnd(14)} ${(p.service ?? 'unknown').padEnd(14)} ${p.banner ?? ''}`.trimEnd(),
      );
    }
  }
  lines.push(
    `Scanned ${report.hosts.length} host(s), ${report.portCount} ports each, in ${(report.elapsedMs / 1000).toFixed(2)} s`,
  );
  return `${lines.join('\n')}\n`;
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
    .option('--timeout <ms>', 'per-probe timeout in ms', integerIn(1, 60_000))
    .option('--concurrency <n>', 'probes in flight', integerIn(1, 10_000))
    .option('--retries <n>', 'retries of unanswered probes', integerIn(0, 10))
    .action(async (targets: string[], flags: ScanFlags) => {
      const { io, signal } = context;
      const scanner = new PortScanner({
        ...(flags.timeout ? { timeout: flags.timeout } : {}),
        ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
        ...(flags.retries === undefined ? {} : { retries: flags.retries }),
      });
      const progress = startProgress('scan', 'ports');
      let report: ScanReport;
      try {
        report = await scanner.scan(targets, {
          ports: flags.ports,
          protocol: flags.udp ? 'udp' : 'tcp',
          banner: flags.banner === true,
          signal,
          onProgress: (p) => progress.update(p.done, p.total),
        });
      } finally {
        progress.stop();
      }
      if (flags.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else if (flags.grepable) io.stdout.write(`${toGreppable(report)}\n`);
      else io.stdout.write(formatScanTable(report));
    });
}
