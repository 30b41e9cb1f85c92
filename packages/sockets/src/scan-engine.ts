import { AbortError, NetworkError } from '@net/errors';
import { performance } from 'node:perf_hooks';
import { AdaptiveLimit } from './adaptive-limit.js';
import { ActiveProbe, type ProbeSink, type ProbeVerdict, type Prober } from './probe-types.js';
import { RateLimiter } from './rate-limiter.js';
import type { RttEstimator } from './rtt-estimator.js';
import type { ScanPlan, Task } from './scan-plan.js';

/** A port's state, in nmap's terms. */
export type PortState = 'open' | 'closed' | 'filtered' | 'open|filtered';

export interface EngineHost {
  address: string;
  family: 4 | 6;
}

export interface EngineOptions {
  /** Makes the sweep's attempts. */
  prober: Prober;
  /** Makes host-discovery attempts (TCP connects), when the plan has any. */
  discoveryProber: Prober | undefined;
  protocol: 'tcp' | 'udp';
  concurrency: number;
  /** Per-host attempt timeouts. */
  rtt: RttEstimator;
  /** The cool-down of the adaptive limit's cuts, in ms (the configured timeout, finite). */
  cooldown: number;
  retries: number;
  /** Probe starts per second; 0 = unlimited. */
  rate: number;
  signal: AbortSignal | undefined;
  onResult(
    hostIndex: number,
    port: number,
    state: PortState,
    reason: string,
    rtt: number | undefined,
  ): void;
  /** A host's discovery is over: up (with the reason of its first answer) or down. */
  onHost(hostIndex: number, up: boolean, reason: string): void;
}

/** Counters of one run, for the report. */
export interface EngineStats {
  /** Attempts started, retries and host discovery included. */
  probes: number;
  retries: number;
  timeouts: number;
  /** Attempts that failed for lack of descriptors or buffers, and were started again later. */
  resourceErrors: number;
  /** Concurrency at the start and the lowest the adaptive limit reached. */
  maxConcurrency: number;
  lowestConcurrency: number;
  /** Worker threads that made attempts beside the main thread (`PortScannerOptions.workers`). */
  workers: number;
  /** Host-discovery attempts (part of `probes`). */
  discoveryProbes: number;
}

/** After this long with nothing but resource errors, the scan gives up instead of spinning. */
const STALL_LIMIT_MS = 15_000;
/**
 * Deadlines are checked at least this often while attempts are in flight, so a per-host timeout
 * that shrinks as answers come in applies to attempts already started.
 */
const MAX_CHECK_INTERVAL_MS = 100;

/** An attempt's task details beside the engine-owned probe. */
class EngineProbe extends ActiveProbe {
  constructor(
    owner: ProbeSink,
    hostIndex: number,
    host: EngineHost,
    port: number,
    attempt: number,
    startedAt: number,
    readonly discovery: boolean,
  ) {
    super(owner, hostIndex, host.address, host.family, port, attempt, startedAt, Infinity);
  }
}

/**
 * Drives probes over the plan's tasks with a bounded, adaptive number in flight. Host-discovery
 * attempts run beside the sweep on their own budget (the same size), so hosts that never answer
 * neither hold the sweep's slots nor — since their timeouts are not congestion — shrink its
 * limit. Deadlines are per host (see RttEstimator).
 */
export class ScanEngine implements ProbeSink {
  readonly #hosts: readonly EngineHost[];
  readonly #plan: ScanPlan;
  readonly #o: EngineOptions;
  readonly #limit: AdaptiveLimit;
  readonly #rate: RateLimiter | undefined;
  #inFlight = 0;
  #discoveryInFlight = 0;
  #live = new Set<EngineProbe>();
  #timer: NodeJS.Timeout | undefined;
  #timerDue = 0;
  #checkScheduled = false;
  #wakeTimer: NodeJS.Timeout | undefined;
  #backoff = 0;
  #stallSince: number | undefined;
  #pumping = false;
  #paused = false;
  #settled = false;
  /** Tasks taken from the plan that could not start yet (the discovery budget was full). */
  #held: Task[] = [];
  #resolve!: (stats: EngineStats) => void;
  #reject!: (error: Error) => void;
  readonly #stats: EngineStats;

  constructor(hosts: readonly EngineHost[], plan: ScanPlan, options: EngineOptions) {
    this.#hosts = hosts;
    this.#plan = plan;
    this.#o = options;
    this.#limit = new AdaptiveLimit(options.concurrency, options.cooldown);
    this.#rate = options.rate > 0 ? new RateLimiter(options.rate, performance.now()) : undefined;
    this.#stats = {
      probes: 0,
      retries: 0,
      timeouts: 0,
      resourceErrors: 0,
      maxConcurrency: options.concurrency,
      lowestConcurrency: options.concurrency,
      workers: 0,
      discoveryProbes: 0,
    };
  }

  run(): Promise<EngineStats> {
    return new Promise<EngineStats>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      const signal = this.#o.signal;
      if (signal) {
        if (signal.aborted)
          return this.#fail(new AbortError('scan aborted', { cause: signal.reason }));
        const onAbort = () => this.#fail(new AbortError('scan aborted', { cause: signal.reason }));
        signal.addEventListener('abort', onAbort, { once: true });
        this.#cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.#pump();
    });
  }

  /** Stops starting new attempts (those in flight finish); for consumers that fall behind. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#pump();
  }

  /** Cancels everything in flight and rejects `run()` with `error`. */
  stop(error: Error): void {
    this.#fail(error);
  }

  #cleanup: () => void = () => {};

  finish(active: ActiveProbe, verdict: ProbeVerdict, reason: string): void {
    const probe = active as EngineProbe;
    if (probe.done || this.#settled) return;
    probe.done = true;
    this.#live.delete(probe);
    if (probe.discovery) this.#discoveryInFlight--;
    else this.#inFlight--;
    const now = performance.now();
    const rtt = Math.round((now - probe.startedAt) * 1000) / 1000;
    if (verdict === 'resource') {
      this.#onResourceError(probe, reason, now);
      return;
    }
    this.#stallSince = undefined;
    this.#backoff = 0;
    const timedOut = verdict === 'timeout';
    const answered = verdict === 'open' || verdict === 'closed';
    if (answered) this.#o.rtt.sample(probe.hostIndex, rtt);
    if (probe.discovery) {
      this.#finishDiscovery(probe, verdict, reason);
    } else {
      this.#limit.onCompleted(timedOut, now);
      this.#stats.lowestConcurrency = this.#limit.lowest;
      if (timedOut) {
        this.#stats.timeouts++;
        if (probe.attempt < this.#o.retries) {
          this.#stats.retries++;
          this.#plan.retry({
            hostIndex: probe.hostIndex,
            port: probe.port,
            attempt: probe.attempt + 1,
            discovery: false,
          });
        } else {
          const state = this.#o.protocol === 'udp' ? 'open|filtered' : 'filtered';
          this.#o.onResult(probe.hostIndex, probe.port, state, reason, undefined);
        }
      } else {
        const state: PortState =
          verdict === 'open' ? 'open' : verdict === 'closed' ? 'closed' : 'filtered';
        this.#o.onResult(probe.hostIndex, probe.port, state, reason, rtt);
      }
    }
    if (!this.#settled) this.#pump();
  }

  #finishDiscovery(probe: EngineProbe, verdict: ProbeVerdict, reason: string): void {
    if (verdict === 'timeout') {
      this.#stats.timeouts++;
      if (probe.attempt < this.#o.retries && !this.#plan.isUp(probe.hostIndex)) {
        this.#stats.retries++;
        this.#plan.retry({
          hostIndex: probe.hostIndex,
          port: probe.port,
          attempt: probe.attempt + 1,
          discovery: true,
        });
        return;
      }
    }
    const answered = verdict === 'open' || verdict === 'closed';
    const change = this.#plan.discoveryDone(probe.hostIndex, answered);
    if (change) this.#o.onHost(probe.hostIndex, change === 'up', reason);
  }

  #onResourceError(probe: EngineProbe, reason: string, now: number): void {
    this.#stats.resourceErrors++;
    this.#limit.onResourceError(this.#inFlight + 1);
    this.#stats.lowestConcurrency = this.#limit.lowest;
    this.#stallSince ??= now;
    if (now - this.#stallSince > STALL_LIMIT_MS) {
      this.#fail(
        new NetworkError(
          `scan stalled: no socket could be opened for ${STALL_LIMIT_MS} ms (${reason})`,
          { cause: Object.assign(new Error(reason), { code: reason }) },
        ),
      );
      return;
    }
    this.#plan.retry({
      hostIndex: probe.hostIndex,
      port: probe.port,
      attempt: probe.attempt,
      discovery: probe.discovery,
    });
    if (this.#inFlight + this.#discoveryInFlight === 0) {
      // Nothing will complete to free a descriptor: wait, doubling the wait each time.
      this.#backoff = Math.min(1_000, this.#backoff === 0 ? 10 : this.#backoff * 2);
      this.#wakeAfter(this.#backoff);
      return;
    }
    this.#pump();
  }

  #pump(): void {
    if (this.#pumping || this.#settled) return;
    this.#pumping = true;
    try {
      while (!this.#paused && !this.#settled && this.#wakeTimer === undefined) {
        const sweepRoom = this.#inFlight < this.#limit.limit;
        const discoveryRoom = this.#discoveryInFlight < this.#limit.max;
        if (!sweepRoom && !discoveryRoom) break;
        const task = this.#held.pop() ?? this.#plan.next();
        if (!task) break;
        if (!(task.discovery ? discoveryRoom : sweepRoom)) {
          this.#held.push(task);
          break;
        }
        const now = performance.now();
        if (this.#rate && !this.#rate.tryTake(now)) {
          this.#held.push(task);
          this.#wakeAfter(this.#rate.waitTime());
          break;
        }
        const host = this.#hosts[task.hostIndex]!;
        const probe = new EngineProbe(
          this,
          task.hostIndex,
          host,
          task.port,
          task.attempt,
          now,
          task.discovery,
        );
        this.#stats.probes++;
        this.#live.add(probe);
        if (task.discovery) {
          this.#discoveryInFlight++;
          this.#stats.discoveryProbes++;
          this.#o.discoveryProber!.start(probe);
        } else {
          this.#inFlight++;
          this.#o.prober.start(probe);
        }
      }
    } finally {
      this.#pumping = false;
    }
    if (this.#settled) return;
    this.#armTimer();
    if (this.#live.size === 0 && this.#held.length === 0 && !this.#plan.hasWork()) {
      this.#succeed();
    }
  }

  #wakeAfter(ms: number): void {
    if (this.#wakeTimer) return;
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = undefined;
      this.#pump();
    }, ms);
  }

  #armTimer(): void {
    if (this.#checkScheduled || this.#live.size === 0) return;
    const now = performance.now();
    // Armed already, and due before any attempt started since could expire: nothing to do.
    if (this.#timer && this.#timerDue <= now + this.#o.rtt.minTimeout()) return;
    let next = MAX_CHECK_INTERVAL_MS;
    for (const probe of this.#live) {
      const wait = probe.startedAt + this.#timeoutOf(probe) - now;
      if (wait < next) next = wait;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerDue = now + Math.max(1, Math.ceil(next));
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        // Expire only after the I/O already waiting has been seen: a busy event loop must not
        // turn answers that arrived meanwhile into timeouts.
        this.#checkScheduled = true;
        setImmediate(() => {
          this.#checkScheduled = false;
          this.#expire();
        });
      },
      Math.max(1, Math.ceil(next)),
    );
  }

  #expire(): void {
    if (this.#settled) return;
    const now = performance.now();
    const expired: EngineProbe[] = [];
    for (const probe of this.#live) {
      if (probe.startedAt + this.#timeoutOf(probe) <= now + 0.5) expired.push(probe);
    }
    for (const probe of expired) {
      const prober = probe.discovery ? this.#o.discoveryProber! : this.#o.prober;
      this.finish(probe, 'timeout', 'no-response');
      prober.cancel(probe);
    }
    if (!this.#settled) this.#pump();
  }

  /**
   * An attempt's timeout: its host's RTT-based one — checked only after the I/O already waiting
   * in this thread was seen (see #armTimer) — or, for an attempt made by a worker thread, whose
   * answer can be late for that thread's scheduling alone, the host's full configured timeout.
   */
  #timeoutOf(probe: EngineProbe): number {
    return probe.remote
      ? this.#o.rtt.maxTimeout(probe.hostIndex)
      : this.#o.rtt.timeout(probe.hostIndex);
  }

  #succeed(): void {
    this.#settle();
    this.#resolve(this.#stats);
  }

  #fail(error: Error): void {
    if (this.#settled) return;
    const inFlight = [...this.#live];
    this.#settle();
    for (const probe of inFlight) {
      probe.done = true;
      (probe.discovery ? this.#o.discoveryProber! : this.#o.prober).cancel(probe);
    }
    this.#reject(error);
  }

  #settle(): void {
    this.#settled = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#wakeTimer) clearTimeout(this.#wakeTimer);
    this.#timer = undefined;
    this.#wakeTimer = undefined;
    this.#cleanup();
    this.#live.clear();
  }
}
