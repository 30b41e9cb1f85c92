import { escapeControlChars } from '@net/errors/internal';
import type { ScanReport } from '@net/sockets';

/**
 * A table of the interesting ports per host, as nmap prints it. Banners and error messages come
 * from the network, so control characters in them are escaped.
 */
export function formatScanTable(report: ScanReport): string {
  const lines: string[] = [];
  for (const host of report.hosts) {
    lines.push(
      `Scan report for ${host.host}${host.address && host.address !== host.host ? ` (${host.address})` : ''}`,
    );
    if (host.error) {
      lines.push(`  not scanned: ${escapeControlChars(host.error.message)}`);
      continue;
    }
    if (!host.up && host.reason !== undefined) {
      lines.push(`  host seems down${host.reason ? ` (${escapeControlChars(host.reason)})` : ''}`);
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
      const banner = escapeControlChars(p.banner ?? '');
      lines.push(
        `${`${p.port}/${p.protocol}`.padEnd(10)} ${p.state.padEnd(14)} ${(p.service ?? 'unknown').padEnd(14)} ${banner}`.trimEnd(),
      );
    }
  }
  lines.push(
    `Scanned ${report.hosts.length} host(s), ${report.portCount} ports each, in ${(report.elapsedMs / 1000).toFixed(2)} s`,
  );
  return `${lines.join('\n')}\n`;
}
