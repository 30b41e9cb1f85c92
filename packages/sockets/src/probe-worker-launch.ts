import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a probe worker (probe-worker.ts) as a module file. From the built package it is the
 * compiled `probe-worker.js` beside this file. From the TypeScript sources (the workspace's
 * tests, tools and benchmarks) a worker thread cannot load `probe-worker.ts` by itself: the
 * module and the adapter it imports are bundled to one ES module with the esbuild that tsx brings
 * (once per process, a few milliseconds) — registering tsx's loader inside the worker instead
 * works too, and is the fallback, but costs a scan up to a second of start-up on a busy machine.
 * Without either no worker is started (undefined) and the main thread makes every attempt.
 */
export function startProbeWorker(): Worker | undefined {
  const here = import.meta.url;
  const options = { stdout: false, stderr: false } as const;
  if (!here.endsWith('.ts')) return new Worker(new URL('./probe-worker.js', here), options);
  const bundled = bundledSource(here);
  // An ES module bundle (scope-hoisted: direct calls, no CommonJS export getters) from a data: URL.
  if (bundled) {
    const url = new URL(`data:text/javascript,${encodeURIComponent(bundled)}`);
    return new Worker(url, { ...options, execArgv: [] });
  }
  const api = tsxRegisterApi(here);
  if (!api) return undefined;
  const entry = new URL('./probe-worker.ts', here).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true, execArgv: [] });
}

let bundleCache: string | null | undefined;

/** probe-worker.ts and its imports as one ES module, or null without esbuild. */
function bundledSource(here: string): string | null {
  if (bundleCache !== undefined) return bundleCache;
  bundleCache = null;
  try {
    // esbuild's command-line binary, run to completion: its JS API would leave a worker thread
    // (for sync calls) or a service process running in this process.
    const tsx = createRequire(here).resolve('tsx/package.json');
    const esbuild = createRequire(tsx).resolve('esbuild/bin/esbuild');
    bundleCache = execFileSync(
      esbuild,
      [
        fileURLToPath(new URL('./probe-worker.ts', here)),
        '--bundle',
        '--platform=node',
        '--format=esm',
        '--target=node20',
        '--log-level=error',
      ],
      { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] },
    );
  } catch {
    // No esbuild next to tsx: the tsx loader remains.
  }
  return bundleCache;
}

/** The file URL of tsx's ESM `register()` API, or undefined when tsx cannot be found. */
function tsxRegisterApi(from: string): string | undefined {
  try {
    const manifestPath = createRequire(from).resolve('tsx/package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      exports?: Record<string, { import?: { default?: string } | string }>;
    };
    const target = manifest.exports?.['./esm/api']?.import;
    const file = typeof target === 'string' ? target : target?.default;
    return file ? pathToFileURL(join(dirname(manifestPath), file)).href : undefined;
  } catch {
    return undefined;
  }
}
