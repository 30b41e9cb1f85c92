import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What a user gets from the built packages with plain Node, outside the workspace tooling:
 * a scratch project whose node_modules links to the packages' folders, so only the published
 * `exports` maps and `dist/` are used (no `@net/source` condition, no TypeScript).
 */
const packagesDir = join(dirname(fileURLToPath(import.meta.url)), '../..');
const names = ['errors', 'http', 'ws', 'ssh', 'sockets', 'all'];
let project: string;

function runNode(file: string, source: string): string {
  writeFileSync(join(project, file), source);
  return execFileSync(process.execPath, [file], {
    cwd: project,
    encoding: 'utf8',
    timeout: 20_000,
  });
}

beforeAll(() => {
  const missing = names.filter((n) => !existsSync(join(packagesDir, n, 'dist/index.js')));
  if (missing.length > 0) {
    throw new Error(
      `dist/ missing for ${missing.join(', ')}: run \`pnpm build\` first (pnpm test does).`,
    );
  }
  project = mkdtempSync(join(tmpdir(), 'net-consumer-'));
  mkdirSync(join(project, 'node_modules/@net'), { recursive: true });
  for (const name of names)
    symlinkSync(join(packagesDir, name), join(project, 'node_modules/@net', name));
  writeFileSync(join(project, 'package.json'), '{"name":"consumer","private":true}');
});

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('published entry points', () => {
  it('import the error classes from @net/all as ESM, with working instanceof', () => {
    const out = runNode(
      'esm.mjs',
      `import { NetworkError, ConnectionError, HTTPError, RateLimitError, SSHError, errors, http, ws, ssh, sockets } from '@net/all';
       import { ConnectionError as Direct } from '@net/errors';
       const e = new RateLimitError('429', { statusCode: 429 });
       console.log(JSON.stringify({
         rateIsHttp: e instanceof HTTPError, rateIsNet: e instanceof NetworkError, rateIsSsh: e instanceof SSHError,
         sameClass: Direct === ConnectionError, namespaces: [typeof errors, typeof http, typeof ws, typeof ssh, typeof sockets],
       }));`,
    );
    expect(JSON.parse(out)).toEqual({
      rateIsHttp: true,
      rateIsNet: true,
      rateIsSsh: false,
      sameClass: true,
      namespaces: ['object', 'object', 'object', 'object', 'object'],
    });
  });

  it('exports every public client name flat from @net/all', () => {
    const out = runNode(
      'flat.mjs',
      `import * as all from '@net/all';
       const names = ['HTTPClient', 'Response', 'getHttpClient', 'WebSocketClient', 'SSHClient', 'TCPClient',
         'TCPServer', 'UDPClient', 'PortScanner', 'NetworkError', 'ConnectionError', 'NetworkTimeoutError', 'SSLError',
         'HTTPError', 'DNSResolutionError', 'WebSocketError', 'ProxyError', 'RateLimitError', 'SSHError'];
       console.log(JSON.stringify(names.filter((n) => typeof all[n] !== 'function')));
       console.log(JSON.stringify(all.http.HTTPClient === all.HTTPClient && all.sockets.PortScanner === all.PortScanner));`,
    );
    const [missing, same] = out.trim().split('\n');
    expect(JSON.parse(missing!)).toEqual([]);
    expect(same).toBe('true');
  });

  it('lets each protocol package alone provide the very error classes of @net/errors', () => {
    const out = runNode(
      'own-errors.mjs',
      `import * as errors from '@net/errors';
       const results = {};
       for (const name of ['http', 'ws', 'ssh', 'sockets']) {
         const pkg = await import('@net/' + name);
         results[name] = pkg.NetworkError === errors.NetworkError && pkg.HTTPError === errors.HTTPError && pkg.ErrorCodes === errors.ErrorCodes;
       }
       console.log(JSON.stringify(results));`,
    );
    expect(JSON.parse(out)).toEqual({ http: true, ws: true, ssh: true, sockets: true });
  });

  it('require() @net/errors from CommonJS', () => {
    const out = runNode(
      'cjs.cjs',
      `const { ConnectionError, NetworkError, toNetworkError } = require('@net/errors');
       const err = toNetworkError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }));
       console.log(JSON.stringify({ ok: err instanceof ConnectionError && err instanceof NetworkError, code: err.code }));`,
    );
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({
      ok: true,
      code: 'ERR_NET_CONNECTION_REFUSED',
    });
  });

  it('ships type declarations for every package', () => {
    for (const name of names)
      expect(existsSync(join(packagesDir, name, 'dist/index.d.ts')), name).toBe(true);
  });
});
