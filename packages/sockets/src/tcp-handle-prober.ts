import { getSystemErrorMap, getSystemErrorName } from 'node:util';
import { classifyErrno, type ActiveProbe, type ProbeVerdict, type Prober } from './probe-types.js';
import {
  isSelfConnect,
  startConnect,
  type ConnectReq,
  type TcpHandle,
  type TcpWrapBinding,
} from './tcp-wrap-binding.js';

/**
 * Connect probes on bare libuv TCP handles from Node's internal `tcp_wrap` binding. A
 * `net.Socket` costs ~100 µs of JavaScript (stream state, event emitters) per attempt; a bare
 * handle skips all of it, which is what lets a full 65 535-port scan keep up with nmap.
 *
 * The binding is reached only through tcp-wrap-binding.ts (guarded, feature-detected); when it
 * is unavailable the engine falls back to the `net.Socket` prober.
 */

interface ProbeReq extends ConnectReq {
  probe: ActiveProbe | undefined;
  confirmOpen: ((probe: ActiveProbe) => void) | undefined;
}

/** libuv's status for an attempt closed before it completed (its number differs per platform). */
export const UV_ECANCELED = [...getSystemErrorMap()].find(
  ([, [name]]) => name === 'ECANCELED',
)?.[0];

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
  const req = this as ProbeReq;
  const probe = req.probe;
  req.probe = undefined;
  if (!probe || probe.done) {
    handle.close();
    return;
  }
  if (status === 0) {
    const self = isSelfConnect(handle, probe.address, probe.port);
    handle.close();
    if (self) probe.owner.finish(probe, 'closed', 'self-connect');
    else if (req.confirmOpen) req.confirmOpen(probe);
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
  return {
    name: 'handle',
    start(probe) {
      const req = new binding.TCPConnectWrap() as ProbeReq;
      req.oncomplete = onConnectComplete;
      req.probe = probe;
      req.confirmOpen = confirmOpen;
      const { handle, status } = startConnect(
        binding,
        req,
        probe.address,
        probe.port,
        probe.family,
      );
      probe.handle = handle;
      if (status !== 0) {
        req.probe = undefined;
        const { verdict, reason } = classifyStatus(status);
        probe.owner.finish(probe, verdict, reason);
      }
    },
    cancel(probe) {
      (probe.handle as TcpHandle | undefined)?.close();
    },
  };
}
