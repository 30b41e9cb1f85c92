import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const packagesDir = join(here, '../..');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The built `net` (what users run, and ~10× faster to start) when every package's dist/ is
 * newer than its sources, as after `pnpm test`'s build; otherwise the sources through tsx.
 */
/** The packages `net` is made of (its workspace dependencies and itself). */
export const CLI_PACKAGES = ['errors', 'http', 'ws', 'ssh', 'sockets', 'test-utils', 'cli'];

/** Whether every package's dist/ is at least as new as its sources. */
export function distIsFresh(): boolean {
  return CLI_PACKAGES.every((name) => {
    const dist = join(packagesDir, name, 'dist');
    return existsSync(dist) && newestSource(dist) >= newestSource(join(packagesDir, name, 'src'));
  });
}

function commandLine(): string[] {
  if (distIsFresh()) return [join(packagesDir, 'cli/dist/bin.js')];
  const tsxLoader = createRequire(import.meta.url).resolve('tsx');
  return ['--conditions=@net/source', '--import', tsxLoader, join(packagesDir, 'cli/src/bin.ts')];
}

const command = commandLine();

/** The node arguments that start `net` (the built bin, or the sources through tsx). */
export const cliCommand: readonly string[] = command;

/**
 * A bound for a test that runs `net` a few times: generous, because each run from the sources
 * (through tsx) takes seconds on a loaded 2-core machine, and never a measure of speed.
 */
export const CLI_TEST_TIMEOUT = 120_000;

export interface CliResult {
  code: number | null;
  stdout: string;
  /** stdout exactly as written, for byte-exactness checks. */
  stdoutBytes: Buffer;
  stderr: string;
}

/** Runs `net …` as a child process, feeding `stdin`; killed after `timeoutMs`. */
export function runCli(
  args: string[],
  options: {
    stdin?: string;
    timeoutMs?: number;
    env?: NodeJS.ProcessEnv;
    /** Node flags before the script, e.g. `--unhandled-rejections=strict`. */
    nodeArgs?: string[];
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...command, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(chunks);
      resolve({ code, stdout: stdoutBytes.toString(), stdoutBytes, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}
