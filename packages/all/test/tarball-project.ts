import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * What a user gets: every publishable package packed with `pnpm pack` (which rewrites
 * `workspace:` ranges to real versions) and installed with plain npm into a project outside
 * the workspace. Used by tarballs.test.ts.
 */
const execFileAsync = promisify(execFile);

export interface PublishablePackage {
  /** e.g. `@net/http`. */
  name: string;
  /** The folder name under packages/, e.g. `http`. */
  short: string;
  dir: string;
  version: string;
}

export interface PackedPackage extends PublishablePackage {
  tarball: string;
}

/** Runs a command without blocking the event loop (servers of the test process keep serving). */
export async function run(
  command: string,
  args: string[],
  options: { cwd: string; timeout?: number; env?: NodeJS.ProcessEnv },
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileAsync(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      timeout: options.timeout ?? 120_000,
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    e.message += `\n--- stdout\n${e.stdout ?? ''}\n--- stderr\n${e.stderr ?? ''}`;
    throw e;
  }
}

/** Every folder under packages/ whose package.json is not private. */
export function publishablePackages(root: string): PublishablePackage[] {
  return readdirSync(join(root, 'packages'))
    .filter((short) => existsSync(join(root, 'packages', short, 'package.json')))
    .map((short) => {
      const dir = join(root, 'packages', short);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { name: pkg.name as string, short, dir, version: pkg.version as string, pkg };
    })
    .filter(({ pkg }) => pkg.private !== true)
    .map(({ name, short, dir, version }) => ({ name, short, dir, version }));
}

/** The newest modification time of any file under `dir`. */
function newestFile(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Throws unless each package has a dist/ built after its last source change. */
export function assertBuilt(packages: PublishablePackage[]): void {
  const stale = packages.filter(({ dir }) => {
    const built = join(dir, 'dist/index.d.ts');
    return !existsSync(built) || statSync(built).mtimeMs < newestFile(join(dir, 'src'));
  });
  if (stale.length > 0) {
    throw new Error(
      `dist/ missing or older than src/ in ${stale.map((p) => p.name).join(', ')}: ` +
        'run `pnpm build` first (`pnpm test` does)',
    );
  }
}

/** `pnpm pack` of each package into `destination`; returns the tarball paths. */
export async function packAll(root: string, destination: string): Promise<PackedPackage[]> {
  const packed: PackedPackage[] = [];
  for (const pkg of publishablePackages(root)) {
    const before = new Set(existsSync(destination) ? readdirSync(destination) : []);
    await run('pnpm', ['pack', '--pack-destination', destination], { cwd: pkg.dir });
    const created = readdirSync(destination).filter((f) => !before.has(f) && f.endsWith('.tgz'));
    if (created.length !== 1)
      throw new Error(`pnpm pack of ${pkg.name} made ${created.join(', ')}`);
    packed.push({ ...pkg, tarball: join(destination, created[0]!) });
  }
  return packed;
}

/** The file names inside a tarball (without the leading `package/`). */
export async function tarballEntries(tarball: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tzf', tarball], { cwd: '/' });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((entry) => entry.replace(/^package\//, ''));
}

/** The package.json as packed (after pnpm rewrote it). */
export async function packedManifest(tarball: string): Promise<Record<string, any>> {
  const { stdout } = await run('tar', ['-xzOf', tarball, 'package/package.json'], { cwd: '/' });
  return JSON.parse(stdout);
}

/**
 * A fresh npm project in `project` with the tarballs (and `extra` registry packages) installed.
 * Install scripts are skipped: ssh2's optional native add-on is not needed.
 */
export async function installTarballs(
  project: string,
  tarballs: string[],
  extra: string[],
): Promise<void> {
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'net-consumer', version: '1.0.0', private: true, type: 'module' }),
  );
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
      ...tarballs,
      ...extra,
    ],
    { cwd: project, timeout: 240_000, env: npmEnv() },
  );
}

/**
 * The environment without the `npm_*` variables a `pnpm run` parent sets (user agent, config
 * of the workspace), so npm behaves as in a user's shell.
 */
export function npmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  return { ...env, ...extra };
}
