#!/usr/bin/env node
/**
 * Builds ssh2's optional native crypto binding for the running Node, offline. Runs as the
 * workspace's postinstall; never fails the install.
 *
 * Why: without the binding, ssh2 encrypts every SSH packet through a fresh node:crypto cipher
 * object (and its AES-GCM tag handling) in JavaScript. A directory of small files is thousands
 * of small packets, and there that path alone cost more CPU than the SFTP work (see
 * BENCHMARKS.md). `npm install` of @net/ssh builds the binding through ssh2's own install
 * script when a C++ toolchain is there, so this is what most users run. pnpm runs no
 * dependency build scripts unless allowed, and ssh2's script would fetch Node's headers from
 * nodejs.org; here the binding is built against the headers that ship with the running Node
 * (`<prefix>/include/node`), with the node-gyp that ships with npm or pnpm.
 *
 * When a piece is missing (headers, node-gyp, a compiler) it says so in one line and ssh2
 * keeps its pure-JavaScript path: everything works, only slower. A binding built for another
 * Node ABI is ignored by ssh2 (it loads the binding in a try/catch), so Node 22 and 24 on a
 * tree installed with Node 20 fall back the same way.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (text) => console.log(`ssh2 binding: ${text}`);

function ssh2Dir() {
  const require = createRequire(join(root, 'packages', 'ssh', 'package.json'));
  return dirname(require.resolve('ssh2/package.json'));
}

/** node-gyp as shipped with npm (next to this Node) or with pnpm (when pnpm runs this script). */
function findNodeGyp(prefix) {
  const candidates = [join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp')];
  const pnpm = process.env.npm_execpath;
  if (pnpm)
    candidates.push(join(dirname(realpathSync(pnpm)), '..', 'dist', 'node_modules', 'node-gyp'));
  candidates.push('/usr/lib/node_modules/npm/node_modules/node-gyp');
  return candidates.map((dir) => join(dir, 'bin', 'node-gyp.js')).find((file) => existsSync(file));
}

/**
 * Whether `file` loads in this Node. Asked of a child process: a binding that failed to load
 * (another ABI) stays mapped in this one, so a rebuilt file could not be judged here.
 */
function loads(file) {
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(file)})`], {
    stdio: 'ignore',
  });
  return probe.status === 0;
}

function main() {
  let dir;
  try {
    dir = ssh2Dir();
  } catch {
    return say('ssh2 is not installed; nothing to build');
  }
  const cryptoDir = join(dir, 'lib', 'protocol', 'crypto');
  const built = join(cryptoDir, 'build', 'Release', 'sshcrypto.node');
  if (existsSync(built) && loads(built)) return say(`present for Node ${process.version}`);
  // The headers next to this Node, or where npm_config_nodedir says (as node-gyp reads it).
  const prefix = process.env.npm_config_nodedir || dirname(dirname(realpathSync(process.execPath)));
  if (!existsSync(join(prefix, 'include', 'node', 'node.h')))
    return say(`not built: no Node headers under ${prefix}/include/node (ssh2 uses its JS path)`);
  const nodeGyp = findNodeGyp(prefix);
  if (!nodeGyp) return say('not built: node-gyp not found (ssh2 uses its JS path)');
  const result = spawnSync(
    process.execPath,
    [
      nodeGyp,
      'rebuild',
      `--nodedir=${prefix}`,
      `--target=${process.version}`,
      `--real_openssl_major=${/^\d+/.exec(process.versions.openssl)[0]}`,
    ],
    { cwd: cryptoDir, encoding: 'utf8', env: { ...process.env, npm_config_nodedir: prefix } },
  );
  if (result.status === 0 && loads(built)) return say(`built for Node ${process.version}`);
  const why = `${result.error?.message ?? ''}${result.stderr ?? ''}`.trim().split('\n').pop();
  say(`not built (${why || `exit ${result.status}`}); ssh2 uses its JS path`);
}

main();
