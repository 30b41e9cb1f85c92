import { listenOn, pickPorts } from '@net/test-utils/sockets';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getSystemErrorName } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UV_ECANCELED } from '../src/tcp-handle-prober.js';
import {
  isSelfConnect,
  loadTcpWrap,
  startConnect,
  type ConnectReq,
  type TcpHandle,
} from '../src/tcp-wrap-binding.js';

// The semantics of Node's internal tcp_wrap binding that the handle engine relies on. If a Node
// release changes any of them, this fails loudly here instead of the scanner silently scanning
// wrongly (the engine itself falls back to net.Socket only when the binding's shape changes).

interface Completion {
  status: number;
  handle: TcpHandle;
  req: ConnectReq;
}

function connectOnce(address: string, port: number, family: 4 | 6) {
  const binding = loadTcpWrap()!;
  return new Promise<Completion & { started: number }>((resolve) => {
    const req = new binding.TCPConnectWrap();
    let started = 0;
    req.oncomplete = function (this: ConnectReq, status, handle) {
      resolve({ status, handle, req: this, started });
    };
    started = startConnect(binding, req, address, port, family).status;
  });
}

describe('tcp_wrap contract', () => {
  it('is reachable on this Node.js', () => {
    expect(loadTcpWrap(), `Node ${process.version} lacks the tcp_wrap shape`).not.toBeNull();
  });

  it('connects: status 0 from connect(), then oncomplete(0, handle) called on the request; getsockname fills address and port', async () => {
    const [port] = await pickPorts(1);
    await using _listener = await listenOn(port!);
    const done = await connectOnce('127.0.0.1', port!, 4);
    expect(done.started).toBe(0);
    expect(done.status).toBe(0);
    expect(typeof done.req.oncomplete).toBe('function');
    const local: { address?: string; port?: number } = {};
    expect(done.handle.getsockname(local)).toBe(0);
    expect(local.address).toBe('127.0.0.1');
    expect(local.port).toBeGreaterThan(0);
    expect(isSelfConnect(done.handle, '127.0.0.1', port!)).toBe(false);
    done.handle.close();
  });

  it('refuses: oncomplete with a negative errno whose name is ECONNREFUSED, over IPv4 and IPv6', async () => {
    const [port] = await pickPorts(1);
    for (const [address, family] of [
      ['127.0.0.1', 4],
      ['::1', 6],
    ] as const) {
      const done = await connectOnce(address, port!, family);
      expect(done.status).toBeLessThan(0);
      expect(getSystemErrorName(done.status)).toBe('ECONNREFUSED');
      done.handle.close();
    }
  });

  it('cancels: close() before completion makes oncomplete report ECANCELED', async () => {
    const binding = loadTcpWrap()!;
    expect(UV_ECANCELED).toBeLessThan(0);
    const [port] = await pickPorts(1);
    const status = await new Promise<number>((resolve) => {
      const req = new binding.TCPConnectWrap();
      req.oncomplete = (s) => resolve(s);
      const { handle } = startConnect(binding, req, '127.0.0.1', port!, 4);
      handle.close();
    });
    expect(status).toBe(UV_ECANCELED);
  });

  it('prints no deprecation warning and does not crash under --pending-deprecation --throw-deprecation', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const run = (flags: string[], own: boolean) => {
      const result = spawnSync(
        process.execPath,
        [
          ...flags,
          '--conditions=@net/source',
          '--import',
          'tsx',
          join(here, 'fixtures', 'deprecation-child.ts'),
          ...(own ? ['own'] : []),
        ],
        { cwd: join(here, '..'), encoding: 'utf8', timeout: 60_000 },
      );
      return {
        ...result,
        outcome: JSON.parse(result.stdout.trim().split('\n').at(-1) ?? 'null') as {
          engine: string;
          workerReady: boolean;
          duringScan: string[];
          all: string[];
        } | null,
      };
    };
    const strict = run(['--pending-deprecation', '--throw-deprecation'], false);
    expect(strict.stderr).not.toMatch(/DEP0111|DeprecationWarning/);
    expect(strict.status).toBe(0);
    // The handle engine ran, and a probe worker loaded the binding under the same flags.
    expect(strict.outcome).toMatchObject({ engine: 'handle', workerReady: true, duringScan: [] });
    // The application's own process.binding() call still warns: the guard silences only ours.
    const pending = run(['--pending-deprecation'], true);
    expect(pending.status).toBe(0);
    expect(pending.outcome).toMatchObject({ duringScan: [], all: ['DEP0111'] });
  }, 120_000);
});
