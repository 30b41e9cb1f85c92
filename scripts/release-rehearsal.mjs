// Release rehearsal: the whole changesets release, against a throwaway Verdaccio registry on
// loopback, from a scratch clone of the repository (never the working tree: `changeset version`
// rewrites versions and changelogs).
//
//   node scripts/release-rehearsal.mjs      (pnpm release:rehearse)
//
// 1. clone HEAD into a temp folder, install, read the pending changesets;
// 2. start Verdaccio (pinned in scripts/verdaccio, installed with npm ci into .tmp/verdaccio):
//    @net/* live only in it, anything else is proxied from the npm registry;
// 3. `changeset version`, build, `changeset publish` to it;
// 4. check what the registry got: versions bumped as the changesets say, no `workspace:` range,
//    the `files` that should ship (LICENSE, README, dist), private packages absent;
// 5. install @net/all and @net/cli from it into a fresh npm project, run a smoke script,
//    `net --version` and `net demo`.
// Prints one line per check and exits non-zero when any fails.
import { execFile, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const execFileAsync = promisify(execFile);
const failures = [];
let checks = 0;
let failedChecks = 0;

function check(ok, what, detail = '') {
  checks++;
  if (ok) console.log(`ok   ${what}`);
  else {
    failures.push(what);
    failedChecks++;
    console.log(`FAIL ${what}${detail ? `: ${detail}` : ''}`);
  }
}

/** The environment without a parent pnpm's `npm_*` variables, plus `extra`. */
function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  return { ...env, CI: 'true', TURBO_TELEMETRY_DISABLED: '1', ...extra };
}

async function run(command, args, { cwd, env = cleanEnv(), timeout = 300_000 } = {}) {
  try {
    return await execFileAsync(command, args, {
      cwd,
      env,
      timeout,
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
  } catch (err) {
    err.message += `\n--- stdout\n${err.stdout ?? ''}\n--- stderr\n${err.stderr ?? ''}`;
    throw err;
  }
}

async function freePort() {
  const server = createServer();
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

/** Pending changesets: package name -> the largest bump any of them asks for. */
function pendingBumps(repo) {
  const order = { patch: 1, minor: 2, major: 3 };
  const bumps = new Map();
  for (const file of readdirSync(join(repo, '.changeset'))) {
    if (!file.endsWith('.md') || file === 'README.md') continue;
    const text = readFileSync(join(repo, '.changeset', file), 'utf8');
    const front = /^---\n([\s\S]*?)\n---/.exec(text)?.[1] ?? '';
    for (const line of front.split('\n')) {
      const m = /^\s*["']?([^"':]+)["']?\s*:\s*(patch|minor|major)\s*$/.exec(line);
      if (!m) continue;
      const [, name, bump] = m;
      if (!bumps.has(name) || order[bump] > order[bumps.get(name)]) bumps.set(name, bump);
    }
  }
  return bumps;
}

function bumped(version, bump) {
  const [major, minor, patch] = version.split('-')[0].split('.').map(Number);
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

function workspacePackages(repo) {
  const dirs = [
    ...readdirSync(join(repo, 'packages')).map((d) => join(repo, 'packages', d)),
    join(repo, 'bench'),
  ];
  return dirs
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }));
}

/** Installs the pinned Verdaccio once into .tmp/verdaccio (reused while its lockfile is unchanged). */
async function installVerdaccio() {
  const dir = process.env.NET_VERDACCIO_DIR ?? join(root, '.tmp/verdaccio');
  const lock = readFileSync(join(root, 'scripts/verdaccio/package-lock.json'), 'utf8');
  const installed = join(dir, 'package-lock.json');
  const bin = join(dir, 'node_modules/verdaccio/bin/verdaccio');
  if (!existsSync(bin) || !existsSync(installed) || readFileSync(installed, 'utf8') !== lock) {
    mkdirSync(dir, { recursive: true });
    cpSync(join(root, 'scripts/verdaccio/package.json'), join(dir, 'package.json'));
    cpSync(join(root, 'scripts/verdaccio/package-lock.json'), installed);
    await run('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
      cwd: dir,
    });
  }
  return bin;
}

async function startVerdaccio(bin, scratch) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const upstream = (await run('npm', ['config', 'get', 'registry'])).stdout.trim();
  const dir = join(scratch, 'verdaccio');
  mkdirSync(dir);
  // @net/* is served only from this registry's storage (no proxy), so a name taken on the
  // public registry can never leak in; everything else is proxied from the npm registry.
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      '    max_users: 1',
      'uplinks:',
      '  npmjs:',
      `    url: ${upstream}`,
      '    timeout: 60s',
      'packages:',
      "  '@net/*':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    proxy: npmjs',
      'web:',
      '  enable: false',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const child = spawn(
    process.execPath,
    [bin, '--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited ${child.exitCode}:\n${log}`);
    try {
      const res = await fetch(`${url}-/ping`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`verdaccio did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  // One user, registered through the registry's own API, to get a token for publishing.
  const res = await fetch(`${url}-/user/org.couchdb.user:rehearsal`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'rehearsal', password: 'rehearsal-password' }),
  });
  const { token } = await res.json();
  if (!token) throw new Error(`verdaccio gave no token (${res.status})`);
  const npmrc = join(scratch, 'npmrc');
  writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
  return { child, url, npmrc, log: () => log };
}

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), 'net-release-'));
  let verdaccio;
  try {
    const repo = join(scratch, 'repo');
    await run('git', ['clone', '--quiet', '--no-hardlinks', root, repo]);
    console.log(`scratch clone of HEAD in ${repo}`);
    await run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=silent'], {
      cwd: repo,
    });

    const before = new Map(workspacePackages(repo).map(({ pkg }) => [pkg.name, pkg]));
    const bumps = pendingBumps(repo);
    check(bumps.size > 0, `pending changesets name ${[...bumps.keys()].join(', ')}`);

    verdaccio = await startVerdaccio(await installVerdaccio(), scratch);
    console.log(`verdaccio on ${verdaccio.url}`);
    const env = cleanEnv({
      npm_config_userconfig: verdaccio.npmrc,
      npm_config_registry: verdaccio.url,
    });

    await run('pnpm', ['changeset', 'version'], { cwd: repo, env });
    const after = new Map(workspacePackages(repo).map(({ dir, pkg }) => [pkg.name, { dir, pkg }]));
    for (const [name, bump] of bumps) {
      const old = before.get(name)?.version;
      const now = after.get(name)?.pkg.version;
      check(now === bumped(old, bump), `${name} ${old} -> ${now} (${bump} changeset)`);
    }
    for (const [name, { pkg }] of after) {
      if (bumps.has(name) || pkg.private) continue;
      const old = before.get(name).version;
      // Not named in a changeset: unchanged, or a patch because a dependency moved out of range.
      check(
        pkg.version === old || pkg.version === bumped(old, 'patch'),
        `${name} ${old} -> ${pkg.version} (dependents' patch at most)`,
      );
    }
    for (const [name, { pkg }] of after)
      if (pkg.private)
        check(pkg.version === before.get(name).version, `private ${name} keeps ${pkg.version}`);
    for (const [name, { dir, pkg }] of after) {
      if (pkg.version === before.get(name).version) continue;
      const changelog = join(dir, 'CHANGELOG.md');
      check(
        existsSync(changelog) && readFileSync(changelog, 'utf8').includes(`## ${pkg.version}`),
        `${name} CHANGELOG.md has a ${pkg.version} section`,
      );
    }
    const left = readdirSync(join(repo, '.changeset')).filter(
      (f) => f.endsWith('.md') && f !== 'README.md',
    );
    check(left.length === 0, 'changeset version consumed every changeset', left.join(', '));

    await run('pnpm', ['build', '--output-logs=errors-only'], { cwd: repo, env });
    await run('pnpm', ['changeset', 'publish'], { cwd: repo, env });

    const publishable = [...after.values()].filter(({ pkg }) => !pkg.private);
    const versions = new Map(publishable.map(({ pkg }) => [pkg.name, pkg.version]));
    for (const { pkg } of publishable) {
      let manifest;
      try {
        manifest = JSON.parse(
          (
            await run('npm', ['view', `${pkg.name}@${pkg.version}`, '--json'], {
              cwd: scratch,
              env,
            })
          ).stdout,
        );
      } catch (err) {
        check(false, `${pkg.name}@${pkg.version} published`, err.message.split('\n')[0]);
        continue;
      }
      check(manifest.version === pkg.version, `${pkg.name}@${pkg.version} published`);
      const deps = { ...manifest.dependencies, ...manifest.peerDependencies };
      const ranges = Object.entries(deps).filter(([dep]) => dep.startsWith('@net/'));
      check(
        ranges.every(([dep, range]) => range === `^${versions.get(dep)}`),
        `${pkg.name} depends on @net/* by published versions`,
        JSON.stringify(Object.fromEntries(ranges)),
      );
      check(
        !JSON.stringify(manifest).includes('workspace:'),
        `${pkg.name} has no workspace: range`,
      );
      const tarball = join(scratch, `${pkg.name.replace('/', '-')}.tgz`);
      const res = await fetch(manifest.dist.tarball);
      writeFileSync(tarball, Buffer.from(await res.arrayBuffer()));
      const entries = (await run('tar', ['-tzf', tarball])).stdout
        .split('\n')
        .filter(Boolean)
        .map((e) => e.replace(/^package\//, ''));
      const missing = [
        'LICENSE',
        'README.md',
        'package.json',
        'dist/index.js',
        'dist/index.d.ts',
      ].filter((f) => !entries.includes(f));
      check(
        missing.length === 0,
        `${pkg.name} tarball has LICENSE, README, dist`,
        `missing ${missing}`,
      );
      const stray = entries.filter(
        (e) =>
          !/^(dist|src)\//.test(e) &&
          !['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json'].includes(e),
      );
      check(stray.length === 0, `${pkg.name} tarball holds only its files`, stray.join(', '));
      check(
        !entries.some((e) => /(^|\/)test\/|\.test\.[jt]s$|\.tsbuildinfo$/.test(e)),
        `${pkg.name} tarball has no tests`,
      );
    }
    for (const [name, { pkg }] of after) {
      if (!pkg.private) continue;
      const found = await run('npm', ['view', name, 'version'], { cwd: scratch, env }).then(
        () => true,
        () => false,
      );
      check(!found, `private ${name} not published`);
    }
    const rootPkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    const rootFound = await run('npm', ['view', rootPkg.name, 'version'], {
      cwd: scratch,
      env,
    }).then(
      () => true,
      () => false,
    );
    check(!rootFound, `root ${rootPkg.name} not published`);

    // A user's fresh project, installing from the registry only.
    const app = join(scratch, 'app');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'app', private: true, type: 'module' }),
    );
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--loglevel=error',
        '@net/all',
        '@net/cli',
      ],
      { cwd: app, env },
    );
    const installed = JSON.parse(
      readFileSync(join(app, 'node_modules/@net/all/package.json'), 'utf8'),
    );
    check(
      installed.version === versions.get('@net/all'),
      `npm installed @net/all@${installed.version}`,
    );
    writeFileSync(
      join(app, 'smoke.mjs'),
      `import { HTTPClient, WebSocketClient, SSHClient, TCPClient, TCPServer, UDPClient, PortScanner, ConnectionError, NetworkError } from '@net/all';
       import { createServer } from 'node:http';
       const server = createServer((req, res) => res.end(JSON.stringify({ path: req.url })));
       await new Promise((r) => server.listen(0, '127.0.0.1', r));
       const http = new HTTPClient({ maxRetries: 0 });
       const body = (await http.get('http://127.0.0.1:' + server.address().port + '/smoke')).json();
       await http.close();
       server.close();
       const classes = [WebSocketClient, SSHClient, TCPClient, TCPServer, UDPClient, PortScanner].every((c) => typeof c === 'function');
       console.log(JSON.stringify({ body, classes, errors: new ConnectionError('x') instanceof NetworkError }));`,
    );
    const smoke = await run(process.execPath, ['smoke.mjs'], { cwd: app, timeout: 60_000 }).then(
      (r) => r.stdout.trim().split('\n').pop(),
      (err) => err.message,
    );
    check(
      smoke === JSON.stringify({ body: { path: '/smoke' }, classes: true, errors: true }),
      'smoke script against the installed @net/all',
      smoke,
    );
    const version = await run(join(app, 'node_modules/.bin/net'), ['--version'], {
      cwd: app,
      timeout: 30_000,
    }).then(
      (r) => r.stdout.trim(),
      (err) => err.message,
    );
    check(
      version.includes(versions.get('@net/cli')),
      `net --version prints ${versions.get('@net/cli')}`,
      version,
    );
    const demo = await run(join(app, 'node_modules/.bin/net'), ['demo'], {
      cwd: app,
      timeout: 180_000,
    }).then(
      (r) => ({ ok: true, out: r.stdout }),
      (err) => ({ ok: false, out: err.message }),
    );
    check(
      demo.ok,
      '`net demo` from the installed @net/cli',
      demo.out.split('\n').slice(-15).join('\n'),
    );
  } finally {
    verdaccio?.child.kill();
    if (keep) console.log(`kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  failures.push(err.message);
  console.log(`FAIL rehearsal stopped: ${err.stack}`);
}
console.log(`release rehearsal: ${checks - failedChecks} checks passed, ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);
