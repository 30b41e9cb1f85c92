import { execFileSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// These scans run in a child process: in a private network namespace (root only) the child's own
// listeners are the only ones, so exact assertions over all 65 535 ports hold; with a low
// descriptor limit the scanner must back off instead of failing.

const here = dirname(fileURLToPath(import.meta.url));
const child = join(here, 'fixtures', 'scan-child.ts');

interface ChildResult {
  open: number[];
  filtered: number[];
  selfConnects: number;
  engine: string;
  stats: {
    resourceErrors: number;
    lowestConcurrency: number;
    maxConcurrency: number;
    probes: number;
    workers: number;
  };
}

function canUnshare(): boolean {
  try {
    execFileSync('unshare', ['--net', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const isolated = canUnshare();

/**
 * The Node.js binaries to run the child scans with: this one, plus any listed (colon-separated)
 * in NET_TEST_NODE_BINARIES, e.g. Node 22 and 24 from `npm i node@22` for a version matrix.
 */
const nodeBinaries = [
  process.execPath,
  ...(process.env.NET_TEST_NODE_BINARIES ?? '').split(':').filter(Boolean),
];

function runChild(
  config: object,
  { netns, maxFiles, nodeBinary }: { netns: boolean; maxFiles?: number; nodeBinary: string },
): Promise<ChildResult> {
  const node = [
    nodeBinary,
    '--conditions=@net/source',
    '--import',
    'tsx',
    child,
    JSON.stringify(config),
  ]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  const script = [
    netns ? 'ip link set lo up' : 'true',
    maxFiles ? `ulimit -n ${maxFiles}` : 'true',
    `exec ${node}`,
  ].join(' && ');
  const [cmd, args] = netns ? ['unshare', ['--net', 'sh', '-c', script]] : ['sh', ['-c', script]];
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, {
      cwd: join(here, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 110_000,
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code !== 0) return reject(new Error(`scan child exited with ${code}: ${err}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult);
    });
  });
}

function randomPorts(count: number, min: number, max: number): number[] {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(min + Math.floor(Math.random() * (max - min)));
  return [...ports].sort((a, b) => a - b);
}

// The handle engine with one worker thread beside the main thread, and on the main thread alone.
const variants = [
  { engine: 'handle', workers: 1 },
  { engine: 'handle', workers: 0 },
  { engine: 'socket', workers: 0 },
] as const;
const matrix = nodeBinaries.flatMap((nodeBinary) =>
  variants.map(({ engine, workers }) => [engine, workers, nodeBinary] as const),
);

describe.each(matrix)(
  'PortScanner in isolation (%s engine, %i workers, %s)',
  (engine, workers, nodeBinary) => {
    it.runIf(isolated)(
      'finds exactly its listeners among all 65 535 ports, never a self-connect',
      async () => {
        // Listeners across the whole range, the ephemeral range included, where self-connects happen.
        const listen = randomPorts(20, 1, 65_535);
        const result = await runChild(
          { engine, workers, concurrency: 256, ports: 'all', listen, timeout: 1_000 },
          { netns: true, nodeBinary },
        );
        expect(result.engine).toBe(engine);
        expect(result.stats.workers).toBe(workers);
        expect(result.open).toEqual(listen);
        expect(result.filtered).toEqual([]);
        // Self-connects, if any happened, were reported closed: `open` equals the listeners.
      },
      // A full-range scan (and a tsx start) in a child process, on a machine running other suites.
      120_000,
    );

    it('backs off on EMFILE under a low descriptor limit and still finds exactly its listeners', async () => {
      // Below the ephemeral range, so the exact assertion holds even without a namespace; 5 001
      // ports, enough attempts for the worker thread to take part.
      const listen = randomPorts(5, 20_000, 25_000);
      const result = await runChild(
        { engine, workers, concurrency: 1_000, ports: '20000-25000', listen, timeout: 1_000 },
        { netns: isolated, maxFiles: 120, nodeBinary },
      );
      expect(result.open).toEqual(listen);
      expect(result.stats.workers).toBe(workers);
      expect(result.stats.resourceErrors).toBeGreaterThan(0);
      expect(result.stats.lowestConcurrency).toBeLessThan(1_000);
      expect(result.stats.probes).toBe(5001 + result.stats.resourceErrors);
    }, 120_000);
  },
);

if (!isolated) {
  console.warn(
    'unshare --net is unavailable (not root?): the full-range isolated scans are skipped',
  );
}
