/**
 * `pnpm bench sockets`:
 * 1. A full 65 535-port TCP connect scan of 127.0.0.1 with 20 listeners: PortScanner vs
 *    `nmap -sT -p- -T4` vs evilscan — one run each, the same listeners, with the agreement of
 *    the open sets. As root the comparison runs in a private network namespace (unshare --net),
 *    where no other process's listener can appear or vanish between the three scans.
 * 2. A mostly-dead /24 (24 of 256 hosts live) and the same scan in 4 shards, beside
 *    `nmap -sT -T4 --unprivileged` (connect-based host discovery, as nmap without root), in a
 *    private namespace (root only; see ./sockets/subnet-scan.ts). NET_BENCH_SCAN_SUBNET=0 skips it.
 * 3. TCP echo of 64 KiB chunks (send, then read the echo back): TCPClient ↔ TCPServer vs raw
 *    net.Socket ↔ net.Server.
 * Loopback only.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as sockets from '@net/sockets';
import { compare, report, type ComparisonResult } from '../harness.js';
import { runSubnetInNamespace } from './sockets/subnet-scan.js';

const HOST = '127.0.0.1';
const LISTENERS = 20;
/**
 * For quick iteration on the scanner: NET_BENCH_SCAN_ONLY=1 skips the echo comparison and
 * NET_BENCH_SCAN_ROUNDS sets the rounds of the scan comparison (default 3).
 */
const scanOnly = process.env.NET_BENCH_SCAN_ONLY === '1';
const scanRounds = Number(process.env.NET_BENCH_SCAN_ROUNDS ?? 3) || 3;

interface ScanOutcome {
  result: ComparisonResult;
  listeners: number[];
  open: Record<string, number[]>;
  /** Scanners whose open set differed from the listeners in any round. */
  disagreements: string[];
  isolated: boolean;
}

function randomPorts(count: number): number[] {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(1 + Math.floor(Math.random() * 65_535));
  return [...ports].sort((a, b) => a - b);
}

/** Connections the listeners hold open, destroyed when the listeners close. */
const held = new Set<Socket>();

async function listenAll(ports: number[]): Promise<Server[]> {
  const servers: Server[] = [];
  for (const port of ports) {
    // Connections are held open like a real service's: evilscan counts a port whose server hangs
    // up before sending anything as closed.
    const server = createServer((socket) => {
      socket.on('error', () => {});
      held.add(socket);
      socket.on('close', () => held.delete(socket));
    });
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen({ port, host: HOST }, () => resolve(true));
    });
    if (ok) servers.push(server);
  }
  return servers;
}

function nmapOpen(): Promise<number[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'nmap',
      ['-sT', '-p-', '-T4', '-n', '-oG', '-', HOST],
      { maxBuffer: 16 * 1024 * 1024 },
      (err: Error | null, out: string) => {
        if (err) return reject(err);
        const ports = /\tPorts: ([^\t]*)/.exec(out)?.[1] ?? '';
        resolve(
          ports
            .split(', ')
            .filter((e) => e.split('/')[1] === 'open')
            .map((e) => Number(e.split('/')[0]))
            .sort((a, b) => a - b),
        );
      },
    );
  });
}

function evilscanOpen(): Promise<number[]> {
  const require = createRequire(import.meta.url);
  const Evilscan = require('evilscan') as new (
    options: object,
    callback: (
      err: Error | null,
      scan: {
        on(event: string, fn: (data: { port: number; status: string }) => void): void;
        run(): void;
      },
    ) => void,
  ) => unknown;
  return new Promise((resolve, reject) => {
    const open: number[] = [];
    new Evilscan(
      { target: HOST, port: '1-65535', status: 'O', concurrency: 500, timeout: 2_000 },
      (err, scan) => {
        if (err) return reject(err);
        scan.on('result', (data) => {
          if (data.status === 'open') open.push(data.port);
        });
        scan.on('done', () => resolve(open.sort((a, b) => a - b)));
        scan.run();
      },
    );
  });
}

/** The three scans, one run each, against the same listeners. */
async function scanComparison(isolated: boolean): Promise<ScanOutcome> {
  const servers = await listenAll(randomPorts(LISTENERS));
  const listeners = servers
    .map((s) => (s.address() as { port: number }).port)
    .sort((a, b) => a - b);
  const open: Record<string, number[]> = {};
  const disagreements: string[] = [];
  const record = (name: string, ports: number[]) => {
    open[name] = ports;
    if (ports.join() !== listeners.join())
      disagreements.push(
        `${name}: ${JSON.stringify(ports.filter((p) => !listeners.includes(p)))} extra, ${JSON.stringify(listeners.filter((p) => !ports.includes(p)))} missing`,
      );
  };
  try {
    // Warm the JIT on a short scan per engine, as in any process that scans more than once.
    for (const engine of ['handle', 'socket'] as const)
      await new sockets.PortScanner({ engine }).scan(HOST, { ports: '1-3000' });
    const result = await compare({
      title: `Full TCP connect scan of ${HOST}, 65 535 ports, ${listeners.length} listeners${isolated ? ' (private netns)' : ''}`,
      unit: 'port',
      // Three interleaved rounds: one scan per case and round, the median ratio, on a noisy machine.
      rounds: scanRounds,
      warmup: 0,
      baseline: 'nmap -sT -p- -T4',
      cases: {
        'PortScanner (handle engine)': async () => {
          const report = await new sockets.PortScanner({ engine: 'handle' }).scan(HOST, {
            ports: 'all',
          });
          record(
            'PortScanner (handle engine)',
            report.hosts[0]!.ports.filter((p) => p.state === 'open').map((p) => p.port),
          );
          return 65_535;
        },
        'nmap -sT -p- -T4': async () => {
          record('nmap -sT -p- -T4', await nmapOpen());
          return 65_535;
        },
        'PortScanner (socket engine)': async () => {
          const report = await new sockets.PortScanner({ engine: 'socket' }).scan(HOST, {
            ports: 'all',
          });
          record(
            'PortScanner (socket engine)',
            report.hosts[0]!.ports.filter((p) => p.state === 'open').map((p) => p.port),
          );
          return 65_535;
        },
        'evilscan (concurrency 500)': async () => {
          record('evilscan (concurrency 500)', await evilscanOpen());
          return 65_535;
        },
      },
    });
    return { result, listeners, open, disagreements, isolated };
  } finally {
    const closed = Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    for (const socket of held) socket.destroy();
    await closed;
  }
}

function canUnshare(): boolean {
  try {
    execFileSync('unshare', ['--net', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs this file again inside `unshare --net` and collects its outcome. */
function scanInNamespace(): Promise<ScanOutcome> {
  const self = fileURLToPath(import.meta.url);
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = `ip link set lo up && exec ${[process.execPath, '--conditions=@net/source', '--import', 'tsx', self].map(quote).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['--net', 'sh', '-c', script], {
      env: { ...process.env, NET_BENCH_SCAN_CHILD: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`scan child exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ScanOutcome);
    });
  });
}

function agreementLines(outcome: ScanOutcome): string[] {
  const reference = outcome.open['nmap -sT -p- -T4'] ?? [];
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((p, i) => p === b[i]);
  const lines = [`Listeners: ${outcome.listeners.join(', ')}`, ''];
  lines.push(
    'Last round:',
    '',
    '| scanner | open ports found | = listeners | = nmap |',
    '|---|---:|:---:|:---:|',
  );
  for (const [name, ports] of Object.entries(outcome.open)) {
    lines.push(
      `| ${name} | ${ports.length} | ${same(ports, outcome.listeners) ? 'yes' : 'NO'} | ${same(ports, reference) ? 'yes' : 'NO'} |`,
    );
  }
  lines.push(
    '',
    outcome.disagreements.length === 0
      ? 'Every scanner found exactly the listeners in every round.'
      : `Rounds that disagreed with the listeners:\n${outcome.disagreements.map((d) => `- ${d}`).join('\n')}`,
  );
  if (!outcome.isolated)
    lines.push(
      '',
      'Not isolated (no unshare --net): other processes may open or close listeners between the scans.',
    );
  return lines;
}

async function echoComparison(): Promise<ComparisonResult> {
  const chunk = Buffer.alloc(64 * 1024, 7);
  const rounds = 3_000; // 196 MB each way per case and round
  const ours = new sockets.TCPServer({
    onConnection: async (conn) => {
      for (let data = await conn.receive(); data; data = await conn.receive())
        await conn.send(data);
    },
  });
  const { port: ourPort } = await ours.listen();
  // Same socket options as TCPServer's (TCP_NODELAY), so only the API layer differs.
  const raw = createServer({ noDelay: true }, (socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => raw.listen(0, HOST, resolve));
  const rawPort = (raw.address() as { port: number }).port;
  const client = new sockets.TCPClient({ host: HOST, port: ourPort });
  await client.connect();
  const rawClient: Socket = netConnect({ host: HOST, port: rawPort, noDelay: true });
  await new Promise((resolve) => rawClient.once('connect', resolve));
  // The raw client delivers what readExactly() does: the echoed chunk as one Buffer.
  let pending: { need: number; resolve: (echo: Buffer) => void } | undefined;
  let parts: Buffer[] = [];
  let received = 0;
  rawClient.on('data', (d: Buffer) => {
    parts.push(d);
    received += d.length;
    if (pending && received >= pending.need) {
      const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts, received);
      const { need, resolve } = pending;
      pending = undefined;
      parts = received > need ? [all.subarray(need)] : [];
      received -= need;
      resolve(all.subarray(0, need));
    }
  });
  try {
    return await compare({
      title:
        'TCP echo, 64 KiB chunks, one connection (send, then read the 64 KiB echo back as one Buffer)',
      unit: 'MB',
      baseline: 'net.Socket ↔ net.Server (pipe)',
      rounds: 7,
      warmup: 2,
      cases: {
        'TCPClient ↔ TCPServer': async () => {
          for (let i = 0; i < rounds; i++) {
            await client.send(chunk);
            await client.readExactly(chunk.length);
          }
          return (rounds * chunk.length) / 1e6;
        },
        'net.Socket ↔ net.Server (pipe)': async () => {
          for (let i = 0; i < rounds; i++) {
            const echoed = new Promise<Buffer>(
              (resolve) => (pending = { need: chunk.length, resolve }),
            );
            if (!rawClient.write(chunk))
              await new Promise((resolve) => rawClient.once('drain', resolve));
            await echoed;
          }
          return (rounds * chunk.length) / 1e6;
        },
      },
    });
  } finally {
    rawClient.destroy();
    await client.close();
    await ours.close();
    await new Promise((resolve) => raw.close(resolve));
  }
}

export async function run(): Promise<void> {
  const isolated = canUnshare();
  const outcome = isolated ? await scanInNamespace() : await scanComparison(false);
  const subnet =
    isolated && process.env.NET_BENCH_SCAN_SUBNET !== '0'
      ? await runSubnetInNamespace(scanRounds)
      : undefined;
  const echo = scanOnly ? undefined : await echoComparison();
  report('sockets', [outcome.result, ...(subnet?.results ?? []), ...(echo ? [echo] : [])]);
  console.log(agreementLines(outcome).join('\n'));
  if (subnet) console.log(`\n${subnet.notes.join('\n')}`);
  else console.log('\nThe subnet comparisons need a private network namespace (root): skipped.');
}

if (process.env.NET_BENCH_SCAN_CHILD === '1') {
  // Inside the namespace: scan, then hand the outcome to the parent on stdout.
  console.log(JSON.stringify(await scanComparison(true)));
}
