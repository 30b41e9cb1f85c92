import { getSystemErrorMap, getSystemErrorName } from 'node:util';
import { classifyErrno, type ActiveProbe, type ProbeVerdict, type Prober } from './probe-types.js';

/**
 * Connect probes on bare libuv TCP handles from Node's internal `tcp_wrap` binding. A
 * `net.Socket` costs ~100 µs of JavaScript (stream state, event emitters) per attempt; a bare
 * handle skips all of it, which is what lets a full 65 535-port scan keep up with nmap.
 *
 * The binding is internal, so it is feature-detected (`loadTcpWrap()` returns null when it is
 * missing or shaped differently) and the engine falls back to the `net.Socket` prober.
 */

interface TcpHandle {
  connect(req: ConnectReq, address: string, port: number): number;
  connect6(req: ConnectReq, address: string, port: number): number;
  getsockname(out: { address?: string; port?: number }): number;
  close(callback?: () => void): void;
}

interface ConnectReq {
  oncomplete: (this: ConnectReq, status: number, handle: TcpHandle) => void;
  probe: ActiveProbe | undefined;
  confirmOpen: ((probe: ActiveProbe) => void) | undefined;
}

export interface TcpWrapBinding {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectReq;
  constants: { SOCKET: number };
}

let cached: TcpWrapBinding | null | undefined;

/** libuv's status for an attempt closed before it completed (its number differs per platform). */
const UV_ECANCELED = [...getSystemErrorMap()].find(([, [name]]) => name === 'ECANCELED')?.[0];

/** Node's `tcp_wrap` binding when it has the shape this prober needs, else null. */
export function loadTcpWrap(): TcpWrapBinding | null {
  if (cached !== undefined) return cached;
  cached = null;
  try {
    const binding = (process as unknown as { binding?: (name: string) => unknown }).binding?.(
      'tcp_wrap',
    ) as Partial<TcpWrapBinding> | undefined;
    const proto = binding?.TCP?.prototype as Partial<TcpHandle> | undefined;
    if (
      typeof binding?.TCP === 'function' &&
      typeof binding.TCPConnectWrap === 'function' &&
      typeof binding.constants?.SOCKET === 'number' &&
      typeof proto?.connect === 'function' &&
      typeof proto.connect6 === 'function' &&
      typeof proto.getsockname === 'function' &&
      typeof proto.close === 'function'
    ) {
      cached = binding as TcpWrapBinding;
    }
  } catch {
    // process.binding may be disabled (policy, --no-deprecation builds); the socket prober remains.
  }
  return cached;
}

function errnoName(status: number): string {
  try {
    return getSystemErrorName(status);
  } catch {
    return `E${-status}`;
  }
}

const verdicts = new Map<number, { verdict: ProbeVerdict; reason: string }>();

/**
 * A failed connect's libuv status (a negative errno) sorted into the engine's verdicts; cached
 * per status, since a full scan sees tens of thousands of the same ECONNREFUSED.
 */
export function classifyStatus(status: number): { verdict: ProbeVerdict; reason: string } {
  let known = verdicts.get(status);
  if (!known) {
    known = classifyErrno(errnoName(status));
    verdicts.set(status, known);
  }
  return known;
}

// One shared callback for every request: libuv calls it as a method of the request object, so no
// closure is allocated per attempt.
function onConnectComplete(this: ConnectReq, status: number, handle: TcpHandle): void {
  const probe = this.probe;
  this.probe = undefined;
  if (!probe || probe.done) {
    handle.close();
    return;
  }
  if (status === 0) {
    const local: { address?: string; port?: number } = {};
    handle.getsockname(local);
    handle.close();
    // On loopback a connect to a free ephemeral port can pick that same port as its source and
    // "connect" to itself (TCP simultaneous open). Nothing listens there: the port is closed.
    const self = local.port === probe.port && local.address === probe.address;
    if (self) probe.owner.finish(probe, 'closed', 'self-connect');
    else if (this.confirmOpen) this.confirmOpen(probe);
    else probe.owner.finish(probe, 'open', 'syn-ack');
    return;
  }
  handle.close();
  if (status === UV_ECANCELED) return;
  const { verdict, reason } = classifyStatus(status);
  probe.owner.finish(probe, verdict, reason);
}

/**
 * @param confirmOpen - called instead of reporting `open`: the parallel prober checks each
 *   connection a second time (see parallel-handle-prober.ts).
 */
export function createHandleProber(
  binding: TcpWrapBinding,
  confirmOpen?: (probe: ActiveProbe) => void,
): Prober {
  const { TCP, TCPConnectWrap, constants } = binding;
  return {
    name: 'handle',
    start(probe) {
      const handle = new TCP(constants.SOCKET);
      const req = new TCPConnectWrap();
      req.oncomplete = onConnectComplete;
      req.probe = probe;
      req.confirmOpen = confirmOpen;
      probe.handle = handle;
      const status =
        probe.family === 6
          ? handle.connect6(req, probe.address, probe.port)
          : handle.connect(req, probe.address, probe.port);
      if (status !== 0) {
        req.probe = undefined;
        handle.close();
        const { verdict, reason } = classifyStatus(status);
        probe.owner.finish(probe, verdict, reason);
      }
    },
    cancel(probe) {
      (probe.handle as TcpHandle | undefined)?.close();
    },
  };
}
