import type { NetworkError } from '@net/errors';
import type { EngineStats, PortState } from './scan-engine.js';

/** One scanned port. */
export interface PortResult {
  /** The host as given (a name, or the address for IP targets). */
  host: string;
  /** The address that was scanned. */
  address: string;
  port: number;
  protocol: 'tcp' | 'udp';
  state: PortState;
  /** Why, in nmap's terms: 'syn-ack', 'conn-refused', 'no-response', 'udp-response', 'port-unreach', 'self-connect', or an errno name. */
  reason: string;
  /** The conventional service name of the port, when known. */
  service?: string;
  /** What the service sent unprompted, escaped to one printable line (`banner` option). */
  banner?: string;
  /** Milliseconds from the start of the attempt to its answer; absent when nothing answered. */
  rtt?: number;
}

/** The results of one target address. */
export interface HostReport {
  /** The target item it came from, e.g. '127.0.0.0/30' or 'localhost'. */
  target: string;
  host: string;
  /** Undefined when the name could not be resolved (see `error`). */
  address?: string;
  /** Whether anything answered (open or closed ports, an ICMP reply), or host discovery found it up. */
  up: boolean;
  /**
   * With host discovery: why the host counts as up (its first answer, e.g. 'syn-ack' or
   * 'conn-refused') or down ('no-response', 'ehostunreach' …); a down host's ports are not scanned.
   */
  reason?: string;
  /** Open, filtered and open|filtered ports, ascending — and closed ones with `includeClosed`. */
  ports: PortResult[];
  /** Ports per state, closed ones included. */
  counts: Record<PortState, number>;
  /** Why the host was not scanned (DNSResolutionError). */
  error?: NetworkError;
}

/** What `PortScanner.scan()` returns; `JSON.stringify(report)` gives the JSON output. */
export interface ScanReport {
  protocol: 'tcp' | 'udp';
  /** Ports scanned per host. */
  portCount: number;
  /** The probing backend: 'handle' (libuv handles), 'socket' (net.Socket) or 'udp'. */
  engine: 'handle' | 'socket' | 'udp';
  startedAt: string;
  finishedAt: string;
  elapsedMs: number;
  hosts: HostReport[];
  stats: EngineStats;
  /** The part of the scan this run made (`ScanOptions.shard`). */
  shard?: { index: number; count: number };
  /** The seed of a 'random' order: pass it again (with `shard`) for the other parts of the scan. */
  seed?: number;
}

export function emptyCounts(): Record<PortState, number> {
  return { open: 0, closed: 0, filtered: 0, 'open|filtered': 0 };
}

/**
 * The report in nmap's greppable format (`-oG`): a `Status` and a `Ports` line per host, with
 * `port/state/protocol//service//banner/` entries and the unlisted closed ports as `Ignored State`.
 */
export function toGreppable(report: ScanReport): string {
  const lines = [
    `# @net/sockets PortScanner (${report.protocol}, ${report.portCount} ports) initiated ${report.startedAt}`,
  ];
  for (const host of report.hosts) {
    const name = host.host === host.address ? '' : host.host;
    const head = `Host: ${host.address ?? host.host} (${name})`;
    if (host.error) {
      lines.push(`${head}\tStatus: Unknown\t# ${host.error.message}`);
      continue;
    }
    lines.push(`${head}\tStatus: ${host.up ? 'Up' : 'Down'}`);
    // A host that discovery found down was not swept: nmap prints no Ports line for it either.
    if (!host.up && host.reason !== undefined) continue;
    const entries = host.ports.map((p) => {
      const banner = (p.banner ?? '').replace(/[/,]/g, (c) => (c === '/' ? '|' : ';'));
      return `${p.port}/${p.state}/${p.protocol}//${p.service ?? ''}//${banner}/`;
    });
    const listedClosed = host.ports.filter((p) => p.state === 'closed').length;
    const ignored = host.counts.closed - listedClosed;
    lines.push(
      `${head}\tPorts: ${entries.join(', ')}${ignored > 0 ? `\tIgnored State: closed (${ignored})` : ''}`,
    );
  }
  const up = report.hosts.filter((h) => h.up).length;
  lines.push(
    `# done at ${report.finishedAt} -- ${report.hosts.length} IP address${report.hosts.length === 1 ? '' : 'es'} (${up} host${up === 1 ? '' : 's'} up) scanned in ${(report.elapsedMs / 1000).toFixed(2)} seconds`,
  );
  return `${lines.join('\n')}\n`;
}
