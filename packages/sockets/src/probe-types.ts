/** What one connection attempt found out. */
export type ProbeVerdict = 'open' | 'closed' | 'timeout' | 'resource' | 'unreachable' | 'error';

/** One attempt in flight; the engine owns it, a prober fills `handle`. */
export class ActiveProbe {
  /** The object the prober uses (a libuv handle, a net.Socket, a dgram socket). */
  handle: unknown = undefined;
  done = false;
  /**
   * Set by a prober that hands the attempt to another thread: its answer can be late for reasons
   * of that thread's scheduling, not the network, so it gets the host's full configured timeout
   * rather than the round-trip-time-based one (see RttEstimator).
   */
  remote = false;
  constructor(
    readonly owner: ProbeSink,
    readonly hostIndex: number,
    readonly address: string,
    readonly family: 4 | 6,
    readonly port: number,
    readonly attempt: number,
    readonly startedAt: number,
    readonly deadline: number,
  ) {}
}

/** Receives each attempt's outcome; `reason` is nmap's vocabulary ('syn-ack', 'conn-refused' …) or an errno name. */
export interface ProbeSink {
  finish(probe: ActiveProbe, verdict: ProbeVerdict, reason: string): void;
}

/** One way of making attempts: libuv handles, net.Socket, or dgram sockets. */
export interface Prober {
  readonly name: 'handle' | 'socket' | 'udp';
  start(probe: ActiveProbe): void;
  /** Stops an attempt the engine gave up on (timeout, abort); must not call `finish`. */
  cancel(probe: ActiveProbe): void;
  /** Worker threads that made attempts (0 or absent: the main thread alone). */
  workersUsed?(): number;
  /** Resolves when helpers (worker threads) have started or failed, so a scan can begin with them. */
  ready?(): Promise<void>;
  /** Releases what the prober holds beyond single attempts (worker threads), once the run is over. */
  dispose?(): Promise<void>;
}

const RESOURCE = new Set([
  'EMFILE',
  'ENFILE',
  'ENOBUFS',
  'EAGAIN',
  'ENOMEM',
  'EADDRNOTAVAIL',
  'EADDRINUSE',
]);
const UNREACHABLE = new Set([
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EACCES',
  'EPERM',
]);

/** Sorts a failed attempt's errno name into what the engine does next. */
export function classifyErrno(code: string | undefined): { verdict: ProbeVerdict; reason: string } {
  switch (code) {
    case 'ECONNREFUSED':
      return { verdict: 'closed', reason: 'conn-refused' };
    case 'ECONNRESET':
      return { verdict: 'closed', reason: 'reset' };
    case 'ETIMEDOUT':
      return { verdict: 'timeout', reason: 'no-response' };
  }
  if (code && RESOURCE.has(code)) return { verdict: 'resource', reason: code };
  if (code && UNREACHABLE.has(code)) return { verdict: 'unreachable', reason: code.toLowerCase() };
  return { verdict: 'error', reason: code ?? 'unknown-error' };
}
