/**
 * The one adapter to Node's internal `tcp_wrap` binding (the handle engine's bare libuv TCP
 * handles), used by the main thread and the probe worker alike. It is internal API, so:
 * - it is reached through `process.binding()` with `process.noDeprecation` set for that one
 *   call: `process.binding` is a pending deprecation (DEP0111), and with `--pending-deprecation`
 *   Node wraps it to warn — under `--throw-deprecation` to throw from `process.nextTick`,
 *   outside any try/catch. The wrapper reads `noDeprecation` when called, so this call is
 *   silent while the application's own calls still warn;
 * - its shape is checked (`loadTcpWrap()` returns null when anything differs), and the
 *   scanner falls back to `net.Socket`;
 * - test/tcp-wrap-contract.test.ts pins the semantics relied on (connect's status,
 *   `oncomplete(status, handle)`, `getsockname`, ECANCELED after close), so a Node release that
 *   changes them fails loudly in CI instead of scanning wrongly.
 */

/** A bare libuv TCP handle. */
export interface TcpHandle {
  connect(req: ConnectReq, address: string, port: number): number;
  connect6(req: ConnectReq, address: string, port: number): number;
  getsockname(out: { address?: string; port?: number }): number;
  close(callback?: () => void): void;
}

/** A connect request; libuv calls `oncomplete` as its method. Extra fields carry the caller's state. */
export interface ConnectReq {
  oncomplete: (this: ConnectReq, status: number, handle: TcpHandle) => void;
  [field: string]: unknown;
}

export interface TcpWrapBinding {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectReq;
  constants: { SOCKET: number };
}

let cached: TcpWrapBinding | null | undefined;

/** `process.binding(name)` without the pending-deprecation warning (see the file notes). */
function quietBinding(name: string): unknown {
  const proc = process as unknown as { binding?: (module: string) => unknown };
  if (typeof proc.binding !== 'function') return undefined;
  const previous = process.noDeprecation;
  process.noDeprecation = true;
  try {
    return proc.binding(name);
  } finally {
    process.noDeprecation = previous;
  }
}

/** Node's `tcp_wrap` binding when it has the shape the handle engine needs, else null. */
export function loadTcpWrap(): TcpWrapBinding | null {
  if (cached !== undefined) return cached;
  cached = null;
  try {
    const binding = quietBinding('tcp_wrap') as Partial<TcpWrapBinding> | undefined;
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
    // process.binding may be missing or refused (policy, permission model): net.Socket remains.
  }
  return cached;
}

/**
 * Starts a connect attempt on a new handle; `req.oncomplete(status, handle)` follows unless the
 * returned status is non-zero (an immediate failure; the handle is then already closed).
 */
export function startConnect(
  binding: TcpWrapBinding,
  req: ConnectReq,
  address: string,
  port: number,
  family: 4 | 6,
): { handle: TcpHandle; status: number } {
  const handle = new binding.TCP(binding.constants.SOCKET);
  const status =
    family === 6 ? handle.connect6(req, address, port) : handle.connect(req, address, port);
  if (status !== 0) handle.close();
  return { handle, status };
}

/**
 * True when a connected handle's local end is its own target: on loopback a connect to a free
 * ephemeral port can pick that very port as its source and "connect" to itself (TCP
 * simultaneous open). Nothing listens there: the port is closed.
 */
export function isSelfConnect(handle: TcpHandle, address: string, port: number): boolean {
  const local: { address?: string; port?: number } = {};
  handle.getsockname(local);
  return local.port === port && local.address === address;
}
