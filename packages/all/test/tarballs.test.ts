import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type * as esbuildApi from 'esbuild';
import { closedPort, startHttpServer } from '@net/test-utils';
import { startInProcessSshServer } from '@net/test-utils/ssh';
import { startTcpPeer, startUdpEcho } from '@net/test-utils/sockets';
import { startWsServer } from '@net/test-utils/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  installTarballs,
  packAll,
  publishablePackages,
  packedManifest,
  run,
  tarballEntries,
  type PackedPackage,
} from './tarball-project.js';

/**
 * Proved from the tarballs: every publishable package is built, packed with `pnpm pack` and
 * installed with plain npm into a project in the OS temp folder, outside the workspace, as a
 * user would get them. Then: tarball contents, ESM with one real exchange per protocol against
 * loopback servers, CommonJS require(), a tsc matrix over four module resolutions with
 * skipLibCheck off, the `net` binary, and a browser bundle of @net/ws.
 *
 * Slow (packing and an npm install, about a minute): CI runs it once, on Node 20 (.ci/run).
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/consumer');

/**
 * Packages whose declarations are known not to compile for a consumer yet, with the reason. Their
 * errors are printed, not asserted; every other package must have none. Keep this list empty
 * unless a package's owner is fixing it.
 */
const KNOWN_TYPE_FAILURES: Partial<Record<string, string>> = {};

let scratch: string;
let project: string;
let packed: PackedPackage[];

beforeAll(async () => {
  // `pnpm test` builds before running the tests; building here again would rewrite dist/
  // under the feet of the test files running in parallel, so only check that it is current.
  assertBuilt(publishablePackages(root));
  scratch = mkdtempSync(join(tmpdir(), 'net-tarballs-'));
  project = join(scratch, 'project');
  mkdirSync(project);
  packed = await packAll(root, join(scratch, 'tarballs'));
  await installTarballs(
    project,
    packed.map((p) => p.tarball),
    ['@types/node@^20.19.0'],
  );
  cpSync(fixtures, project, { recursive: true });
}, 420_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the packed tarballs', () => {
  it('hold LICENSE, README, built JavaScript and declarations, and no tests', async () => {
    for (const pkg of packed) {
      const entries = await tarballEntries(pkg.tarball);
      for (const required of [
        'LICENSE',
        'README.md',
        'package.json',
        'dist/index.js',
        'dist/index.d.ts',
      ])
        expect(entries, `${pkg.name} lacks ${required}`).toContain(required);
      expect(
        entries.filter((e) => e.startsWith('test/') || /\.test\.[jt]s$/.test(e)),
        pkg.name,
      ).toEqual([]);
    }
  });

  it('have every workspace: range rewritten to the version of the packed sibling', async () => {
    const versions = new Map(packed.map((p) => [p.name, p.version]));
    for (const pkg of packed) {
      const manifest = await packedManifest(pkg.tarball);
      expect(JSON.stringify(manifest), pkg.name).not.toContain('workspace:');
      for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
        if (!dep.startsWith('@net/')) continue;
        expect(versions.has(dep), `${pkg.name} depends on unpublished ${dep}`).toBe(true);
        expect(range, `${pkg.name} -> ${dep}`).toBe(`^${versions.get(dep)}`);
      }
      expect(manifest.license).toBe('MIT');
    }
  });

  it('install from the tarballs alone: no @net package came from a registry', () => {
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8'));
    const fromElsewhere = Object.entries(lock.packages as Record<string, { resolved?: string }>)
      .filter(([path]) => /(^|\/)node_modules\/@net\//.test(path))
      .filter(
        ([path, info]) =>
          path.split('node_modules/').length > 2 || !info.resolved?.startsWith('file:'),
      )
      .map(([path, info]) => `${path} from ${info.resolved}`);
    expect(fromElsewhere).toEqual([]);
    expect(
      Object.keys(lock.packages)
        .filter((path) => path.startsWith('node_modules/@net/'))
        .sort(),
    ).toEqual(packed.map((p) => `node_modules/${p.name}`).sort());
  });
});

describe('a consumer of the installed packages', () => {
  it('imports them as ESM and makes one real exchange per protocol on loopback', async () => {
    await using httpServer = await startHttpServer();
    await using wsServer = await startWsServer();
    await using tcp = await startTcpPeer('echo');
    await using udp = await startUdpEcho();
    await using ssh = await startInProcessSshServer();
    const knownHostsPath = join(project, 'known_hosts');
    writeFileSync(knownHostsPath, `${ssh.knownHostsLine}\n`);
    const servers = {
      http: `${httpServer.url}/hello`,
      closedUrl: `http://127.0.0.1:${await closedPort()}/`,
      ws: wsServer.url,
      tcp: tcp.port,
      udp: udp.port,
      ssh: {
        host: ssh.host,
        port: ssh.port,
        username: ssh.username,
        password: ssh.password,
        knownHostsPath,
      },
    };
    const { stdout } = await run(process.execPath, ['esm-requests.mjs'], {
      cwd: project,
      timeout: 60_000,
      env: { ...process.env, NET_SERVERS: JSON.stringify(servers) },
    });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({
      http: { status: 200, body: { ok: true } },
      refused: { connectionError: true, code: 'ERR_NET_CONNECTION_REFUSED' },
      ws: 'hello over ws',
      ssh: { stdout: 'hello over ssh', exitCode: 0 },
      tcp: 'hello over tcp',
      udp: 'hello over udp',
      scan: true,
      sameClasses: true,
    });
  }, 90_000);

  it('require()s every package from CommonJS', async () => {
    const { stdout } = await run(process.execPath, ['require-all.cjs'], {
      cwd: project,
      timeout: 30_000,
    });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({
      errors: 'function',
      http: 'function',
      ws: 'function',
      ssh: 'function',
      sockets: 'function',
      all: 'function',
      mapped: true,
    });
  });

  it('runs the installed `net` command', async () => {
    const cli = packed.find((p) => p.name === '@net/cli');
    expect(cli, '@net/cli is publishable').toBeDefined();
    const { stdout } = await run(join(project, 'node_modules/.bin/net'), ['--version'], {
      cwd: project,
      timeout: 30_000,
    });
    expect(stdout.trim()).toContain(cli!.version);
  });
});

/** tsc settings per module resolution, each with the `module` setting it requires. */
const resolutions = {
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  node16: { module: 'node16', moduleResolution: 'node16' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
  node10: { module: 'commonjs', moduleResolution: 'node10' },
} as const;

/** Groups tsc's error lines by the @net package they point into. */
function errorsByPackage(output: string): Map<string, string[]> {
  const byPackage = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    if (!/error TS\d+/.test(line)) continue;
    const owner =
      /node_modules\/@net\/([\w-]+)\//.exec(line)?.[1] ??
      /^types\/([\w-]+)\.ts/.exec(line)?.[1] ??
      'other';
    byPackage.set(owner, [...(byPackage.get(owner) ?? []), line]);
  }
  return byPackage;
}

/** At most two tsc processes at once: each checks all of @types/node and takes a core. */
let running = 0;
const waiting: Array<() => void> = [];
async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

describe.concurrent('tsc in a consumer project, skipLibCheck false', () => {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');

  it.for(Object.keys(resolutions))(
    'compiles a file using every client under moduleResolution %s',
    { timeout: 300_000 },
    async (name, { expect }) => {
      const config = join(project, `tsconfig.${name}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          compilerOptions: {
            ...resolutions[name as keyof typeof resolutions],
            target: 'ES2022',
            lib: ['ES2023'],
            types: ['node'],
            strict: true,
            skipLibCheck: false,
            noEmit: true,
          },
          include: ['types/*.ts'],
        }),
      );
      const output = await limited(() =>
        run(process.execPath, [tsc, '-p', config, '--pretty', 'false'], {
          cwd: project,
          timeout: 150_000,
        }),
      ).then(
        (r) => ({ failed: false, text: r.stdout }),
        (err: Error & { stdout?: string }) => ({ failed: true, text: err.stdout || err.message }),
      );
      const byPackage = errorsByPackage(output.text);
      // tsc failing without a single `error TS…` line (a crash, a bad config) is a failure too.
      if (output.failed && byPackage.size === 0) expect.fail(`tsc under ${name}: ${output.text}`);
      for (const [pkg, lines] of byPackage) {
        const known = KNOWN_TYPE_FAILURES[pkg];
        if (known) {
          console.warn(`[${name}] @net/${pkg}: ${lines.length} known errors (${known})`);
          continue;
        }
        expect.soft(lines, `@net/${pkg} under ${name}`).toEqual([]);
      }
    },
  );
});

describe('a browser bundle of @net/ws', () => {
  it('bundles with esbuild for the browser without any node: import', async () => {
    const requireFromWs = createRequire(join(root, 'packages/ws/package.json'));
    const esbuild = requireFromWs('esbuild') as typeof esbuildApi;
    const result = await esbuild.build({
      absWorkingDir: project,
      entryPoints: ['browser-ws.mjs'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    const nodeInputs = Object.keys(result.metafile.inputs).filter((i) => /(^|\/)node:/.test(i));
    expect(nodeInputs).toEqual([]);
    expect(code).not.toMatch(/["']node:/);
    expect(code).not.toMatch(/\brequire\(["'](ws|net|tls|http|https)["']\)/);
    const bytes = Buffer.byteLength(code);
    console.log(
      `@net/ws browser bundle: ${bytes} bytes minified, ${gzipSync(code).length} bytes gzipped`,
    );
    expect(bytes).toBeGreaterThan(1000);
  });
});
