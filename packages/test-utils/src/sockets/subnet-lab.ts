import { execFile, execFileSync } from 'node:child_process';
import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';

/**
 * A /24 of hosts for scanner tests, made inside a private network namespace (`unshare --net`,
 * root only) — never anywhere else: every address of the block is routed to loopback as local
 * (`ip route add local 10.x.y.0/24 dev lo`, the AnyIP route; the kernel here has no dummy
 * interface module) and nftables, on the input hook, makes hosts silent (drop), answer ICMP
 * host-unreachable, or filter single ports (drop → filtered, reject tcp reset → closed,
 * admin-prohibited → filtered). Live hosts answer like any Linux host: RST on closed ports, and
 * the listeners started here on their open ports.
 *
 * Everything here refuses to run outside a namespace this process's parent made: it checks that
 * the only interface is `lo` before changing routes or firewall rules.
 */

export interface SubnetLabConfig {
  /** The block's first three octets, e.g. '10.77.0'. */
  prefix: string;
  /** Last octets of hosts that answer. */
  live: number[];
  /** Last octets of hosts that drop everything (no answer at all). */
  silent: number[];
  /** Last octets of hosts that answer everything with ICMP host-unreachable. */
  unreachable: number[];
  /** Open TCP ports per live host (last octet → ports). */
  open: Record<number, number[]>;
  /** TCP ports dropped on every live host (filtered). */
  dropPorts?: number[];
  /** TCP ports answered with a TCP reset by the firewall on every live host (closed). */
  resetPorts?: number[];
  /** TCP ports answered with ICMP admin-prohibited on every live host (filtered). */
  prohibitedPorts?: number[];
  /** UDP echo ports on every live host (open); other UDP ports answer port-unreachable. */
  udpEcho?: number[];
  /** UDP ports dropped on every live host (open|filtered). */
  udpDropPorts?: number[];
}

/** The numbers `from` to `to`, both included (last octets). */
export function octetRange(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/**
 * The /24 the scanner's subnet test and its benchmark share: mostly dead, as real subnets are —
 * 24 live hosts (.1–.24), silent ones (.0, .25–.180) and ones behind a router answering
 * host-unreachable (.181–.255). Open ports vary per host and 80 is open on a few only, so host
 * discovery must also take a refusal (RST) as proof of life; 3306 is dropped, 5432 reset and
 * 6379 admin-prohibited on every live host.
 */
export function mostlyDeadSubnet(prefix: string): SubnetLabConfig {
  const live = octetRange(1, 24);
  return {
    prefix,
    live,
    silent: [0, ...octetRange(25, 180)],
    unreachable: octetRange(181, 255),
    open: Object.fromEntries(
      live.map((o) => [o, o % 3 === 0 ? [22, 80] : o % 3 === 1 ? [8080] : [22, 443]]),
    ),
    dropPorts: [3306],
    resetPorts: [5432],
    prohibitedPorts: [6379],
  };
}

export interface SubnetLab {
  close(): Promise<void>;
}

function run(command: string, args: string[]): void {
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** True when this process runs in a namespace whose only interface is loopback. */
export function inPrivateNamespace(): boolean {
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  return links.length === 1 && /^\d+: lo:/.test(links[0]!);
}

/** Builds the lab; call only inside `unshare --net` (it checks). */
export async function setUpSubnetLab(config: SubnetLabConfig): Promise<SubnetLab> {
  if (!inPrivateNamespace()) {
    throw new Error('setUpSubnetLab runs only in a private network namespace with only lo');
  }
  const p = config.prefix;
  run('ip', ['link', 'set', 'lo', 'up']);
  run('ip', ['route', 'add', 'local', `${p}.0/24`, 'dev', 'lo']);
  // ICMP errors are rate-limited per destination by default; a scan needs every one.
  run('sysctl', ['-q', '-w', 'net.ipv4.icmp_ratelimit=0']);
  const set = (octets: number[]) => `{ ${octets.map((o) => `${p}.${o}`).join(', ')} }`;
  const liveSet = set(config.live);
  const ports = (list: number[]) => `{ ${list.join(', ')} }`;
  const rules = ['table inet lab {', '  chain input {', '    type filter hook input priority 0;'];
  if (config.silent.length > 0) rules.push(`    ip daddr ${set(config.silent)} drop`);
  if (config.unreachable.length > 0) {
    rules.push(`    ip daddr ${set(config.unreachable)} reject with icmp type host-unreachable`);
  }
  if (config.live.length > 0) {
    if (config.dropPorts?.length)
      rules.push(`    ip daddr ${liveSet} tcp dport ${ports(config.dropPorts)} drop`);
    if (config.resetPorts?.length) {
      rules.push(
        `    ip daddr ${liveSet} tcp dport ${ports(config.resetPorts)} reject with tcp reset`,
      );
    }
    if (config.prohibitedPorts?.length) {
      rules.push(
        `    ip daddr ${liveSet} tcp dport ${ports(config.prohibitedPorts)} reject with icmp type admin-prohibited`,
      );
    }
    if (config.udpDropPorts?.length) {
      rules.push(`    ip daddr ${liveSet} udp dport ${ports(config.udpDropPorts)} drop`);
    }
  }
  rules.push('  }', '}');
  execFileSync('nft', ['-f', '-'], { input: rules.join('\n'), stdio: ['pipe', 'ignore', 'pipe'] });

  const servers: Server[] = [];
  const udp: DgramSocket[] = [];
  for (const octet of config.live) {
    const host = `${p}.${octet}`;
    for (const port of config.open[octet] ?? []) {
      const server = createServer((socket) => socket.on('error', () => {}));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port }, () => resolve());
      });
      servers.push(server);
    }
    for (const port of config.udpEcho ?? []) {
      const socket = createSocket('udp4');
      socket.on('message', (data, from) => socket.send(data, from.port, from.address));
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(port, host, () => resolve());
      });
      udp.push(socket);
    }
  }
  return {
    async close() {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      await Promise.all(udp.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

/** One host of nmap's greppable output. */
export interface NmapHost {
  up: boolean;
  /** Listed ports. */
  ports: Map<number, string>;
  /** The state of the ports nmap left unlisted ("Ignored State"), if any. */
  ignored?: string;
}

/** Port states per host from `nmap … -oG -`, and its wall time. */
export async function nmapStates(
  args: string[],
): Promise<{ hosts: Map<string, NmapHost>; ms: number }> {
  const started = performance.now();
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      'nmap',
      [...args, '-oG', '-'],
      { maxBuffer: 64 * 1024 * 1024, timeout: 600_000 },
      (err: Error | null, out: string) => (err ? reject(err) : resolve(out)),
    );
  });
  const ms = performance.now() - started;
  const hosts = new Map<string, NmapHost>();
  for (const line of stdout.split('\n')) {
    const host = /^Host: (\S+)/.exec(line)?.[1];
    if (!host) continue;
    const entry = hosts.get(host) ?? { up: false, ports: new Map<number, string>() };
    hosts.set(host, entry);
    const status = /\tStatus: (\w+)/.exec(line)?.[1];
    if (status) entry.up = status === 'Up';
    const ignored = /\tIgnored State: ([\w|]+)/.exec(line)?.[1];
    if (ignored) entry.ignored = ignored;
    const ports = /\tPorts: ([^\t]*)/.exec(line)?.[1];
    if (ports) {
      entry.up = true;
      for (const item of ports.split(', ').filter(Boolean)) {
        const [port, state] = item.split('/');
        if (port && state) entry.ports.set(Number(port), state);
      }
    }
  }
  return { hosts, ms };
}
