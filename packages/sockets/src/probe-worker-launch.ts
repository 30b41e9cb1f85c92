import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a probe worker (probe-worker.ts) as a module file. From the built package it is the
 * compiled `probe-worker.js` beside this file. From the TypeScript sources (the workspace's
 * tests and tools) it is `probe-worker.ts`, which a worker thread can load only after a
 * TypeScript loader is registered in that thread: a two-line bootstrap registers tsx's and then
 * imports the module. Without tsx no worker is started (undefined) and the main thread makes
 * every attempt.
 */
export function startProbeWorker(): Worker | undefined {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    return new Worker(new URL('./probe-worker.js', here), { stdout: false, stderr: false });
  }
  const api = tsxRegisterApi(here);
  if (!api) return undefined;
  const entry = new URL('./probe-worker.ts', here).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, stdout: false, stderr: false, execArgv: [] });
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
