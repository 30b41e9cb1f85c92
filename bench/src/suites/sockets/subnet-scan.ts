/**
 * The scanner on a mostly-dead /24 and sharded, beside nmap — inside a private network
 * namespace (root only), on the subnet lab of @net/test-utils: 24 live hosts, 156 silent ones
 * and 76 answering ICMP host-unreachable, per-port drop / reset / admin-prohibited rules.
 * Nothing outside the namespace is ever addressed.
 *
 * Run by sockets.ts: `runSubnetInNamespace()` starts this file again under `unshare --net`
 * (NET_BENCH_SUBNET_CHILD=1), which builds the lab, runs the comparisons and prints them as JSON.
 */
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as sockets from '@net/sockets';
import { mostlyDeadSubnet, nmapStates, setUpSubnetLab } from '@net/test-utils/sockets';
import { compare, type ComparisonResult } from '../../harness.js';

const PREFIX = '10.77.0';
const TARGET = `${PREFIX}.0/24`;
const LAB = mostlyDeadSubnet(PREFIX);
const LIVE = LAB.live;
/** The scanner's top-100 list, given to nmap as the same explicit list. */
const PORTS = [...sockets.TOP_100_TCP_PORTS];

export interface SubnetOutcome {
  results: ComparisonResult[];
  notes: string[];
}

type States = Map<string, string>;

function ourStates(report: sockets.ScanReport): States {
  const states: States = new Map();
  for (const host of report.hosts) {
    if (!host.up) continue;
    for (const port of host.ports) states.set(`${host.address}:${port.port}`, port.state);
  }
  return states;
}

async function nmapUp(args: string[]): Promise<{ up: number; states: States }> {
  const { hosts } = await nmapStates([...args, '-p', PORTS.join(','), TARGET]);
  const states: States = new Map();
  let up = 0;
  for (const [address, host] of hosts) {
    if (!host.up) continue;
    up++;
    for (const port of PORTS) {
      states.set(`${address}:${port}`, host.ports.get(port) ?? host.ignored ?? 'closed');
    }
  }
  return { up, states };
}

function differences(a: States, b: States): number {
  let count = 0;
  for (const key of new Set([...a.keys(), ...b.keys()])) if (a.get(key) !== b.get(key)) count++;
  return count;
}

async function runInside(rounds: number): Promise<SubnetOutcome> {
  const lab = await setUpSubnetLab(LAB);
  const notes: string[] = [];
  try {
    const scanner = new sockets.PortScanner();
    let ours: States = new Map();
    let reference: States = new Map();
    let nmapHosts = 0;
    let ourHosts = 0;
    const work = LIVE.length * PORTS.length;
    const mostlyDead = await compare({
      title: `Mostly-dead /24 (${LIVE.length} of 256 hosts live), top-100 TCP ports, private netns; rate = live host-ports`,
      unit: 'port',
      rounds,
      warmup: 0,
      baseline: 'nmap -sT -T4 --unprivileged',
      cases: {
        'PortScanner (host discovery, default)': async () => {
          const report = await scanner.scan(TARGET, { ports: PORTS, includeClosed: true });
          ours = ourStates(report);
          ourHosts = report.hosts.filter((h) => h.up).length;
          return work;
        },
        'nmap -sT -T4 --unprivileged': async () => {
          const { up, states } = await nmapUp(['-sT', '-n', '-T4', '--unprivileged']);
          reference = states;
          nmapHosts = up;
          return work;
        },
      },
    });
    notes.push(
      `Mostly-dead /24: hosts up — PortScanner ${ourHosts}, nmap ${nmapHosts} (lab: ${LIVE.length}); ` +
        `port states differing on the live hosts: ${differences(ours, reference)} of ${work}.`,
    );

    const shardCount = 4;
    let union: States = new Map();
    let duplicates = 0;
    const sharded = await compare({
      title: `The same /24 in ${shardCount} shards (order: 'random', one seed) run side by side, against the unsharded scan and nmap`,
      unit: 'port',
      rounds,
      warmup: 0,
      baseline: 'nmap -sT -T4 --unprivileged',
      cases: {
        [`PortScanner, ${shardCount} shards at once`]: async () => {
          const reports = await Promise.all(
            Array.from({ length: shardCount }, (_, i) =>
              new sockets.PortScanner().scan(TARGET, {
                ports: PORTS,
                includeClosed: true,
                order: 'random',
                seed: 2026,
                shard: { index: i + 1, count: shardCount },
              }),
            ),
          );
          union = new Map();
          duplicates = 0;
          for (const report of reports) {
            for (const [key, state] of ourStates(report)) {
              if (union.has(key)) duplicates++;
              union.set(key, state);
            }
          }
          return work;
        },
        'PortScanner, unsharded': async () => {
          ours = ourStates(await scanner.scan(TARGET, { ports: PORTS, includeClosed: true }));
          return work;
        },
        'nmap -sT -T4 --unprivileged': async () => {
          reference = (await nmapUp(['-sT', '-n', '-T4', '--unprivileged'])).states;
          return work;
        },
      },
    });
    notes.push(
      `Sharded: union of the ${shardCount} shards vs the unsharded scan: ${differences(union, ours)} differences, ${duplicates} (host, port) probed twice; vs nmap: ${differences(union, reference)} differences.`,
    );
    return { results: [mostlyDead, sharded], notes };
  } finally {
    await lab.close();
  }
}

/** Runs the subnet comparisons in a private network namespace (root only). */
export function runSubnetInNamespace(rounds: number): Promise<SubnetOutcome> {
  const self = fileURLToPath(import.meta.url);
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, '--conditions=@net/source', '--import', 'tsx', self]
    .map(quote)
    .join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['--net', 'sh', '-c', `exec ${command}`], {
      env: { ...process.env, NET_BENCH_SUBNET_CHILD: '1', NET_BENCH_SUBNET_ROUNDS: String(rounds) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`subnet bench child exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as SubnetOutcome);
    });
  });
}

/** Whether nmap is installed. */
export function hasNmap(): Promise<boolean> {
  return new Promise((resolve) => execFile('nmap', ['--version'], (err) => resolve(!err)));
}

if (process.env.NET_BENCH_SUBNET_CHILD === '1') {
  console.log(JSON.stringify(await runInside(Number(process.env.NET_BENCH_SUBNET_ROUNDS) || 3)));
}
