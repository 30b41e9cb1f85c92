import { AbortError, NetworkError } from '@net/errors';
import { performance } from 'node:perf_hooks';
import { AdaptiveLimit } from './adaptive-limit.js';
import { ActiveProbe, type ProbeSink, type ProbeVerdict, type Prober } from './probe-types.js';
import { RateLimiter } from './rate-limiter.js';

/** A port's state, in nmap's terms. */
export type PortState = 'open' | 'closed' | 'filtered' | 'open|filtered';

export interface EngineHost {
  address: string;
  family: 4 | 6;
}

export interface EngineOptions {
  prober: Prober;
  protocol: 'tcp' | 'udp';
  concurrency: number;
  timeout: number;
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
}

/** Counters of one run, for the report. */
export interface EngineStats {
  /** Attempts started, retries included. */
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
}

/** After this long with nothing but resource errors, the scan gives up instead of spinning. */
const STALL_LIMIT_MS = 15_000;

interface Task {
  hostIndex: number;
  port: number;
  attempt: number;
}

/**
 * Drives probes over hosts × ports with a bounded, adaptive number in flight. One timer serves
 * every deadline: all attempts of a run share the same timeout, so deadlines expire in start
 * order and a FIFO queue replaces a timer per attempt.
 */
export class ScanEngine implements ProbeSink {
  readonly #hosts: readonly EngineHost[];
  readonly #ports: readonly number[];
  readonly #o: EngineOptions;
  readonly #limit: AdaptiveLimit;
  readonly #rate: RateLimiter | undefined;
  #nextPort = 0;
  #nextHost = 0;
  #retryQueue: Task[] = [];
  #inFlight = 0;
  #deadlines: ActiveProbe[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  #wakeTimer: NodeJS.Timeout | undefined;
  #backoff = 0;
  #stallSince: number | undefined;
  #pumping = false;
  #paused = false;
  #settled = false;
  #resolve!: (stats: EngineStats) => void;
  #reject!: (error: Error) => void;
  readonly #stats: EngineStats;

  constructor(hosts: readonly EngineHost[], ports: readonly number[], options: EngineOptions) {
    this.#hosts = hosts;
    this.#ports = ports;
    this.#o = options;
    this.#limit = new AdaptiveLimit(options.concurrency, options.timeout);
    this.#rate = options.rate > 0 ? new RateLimiter(options.rate, performance.now()) : undefined;
    this.#stats = {
      probes: 0,
      retries: 0,
      timeouts: 0,
      resourceErrors: 0,
      maxConcurrency: options.concurrency,
      lowestConcurrency: options.concurrency,
      workers: 0,
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

  finish(probe: ActiveProbe, verdict: ProbeVerdict, reason: string): void {
    if (probe.done || this.#settled) return;
    probe.done = true;
    this.#inFlight--;
    const now = performance.now();
    const rtt = Math.round((now - probe.startedAt) * 1000) / 1000;
    if (verdict === 'resource') {
      this.#stats.resourceErrors++;
      this.#limit.onResourceError(this.#inFlight + 1);
      this.#stats.lowestConcurrency = this.#limit.lowest;
      this.#stallSince ??= now;
      if (now - this.#stallSince > STALL_LIMIT_MS) {
        this.#fail(
          new NetworkError(
            `scan stalled: no socket could be opened for ${STALL_LIMIT_MS} ms (${reason})`,
            {
              cause: Object.assign(new Error(reason), { code: reason }),
            },
          ),
        );
        return;
      }
      this.#retryQueue.push({
        hostIndex: probe.hostIndex,
        port: probe.port,
        attempt: probe.attempt,
      });
      if (this.#inFlight === 0) {
        // Nothing will complete to free a descriptor: wait, doubling the wait each time.
        this.#backoff = Math.min(1_000, this.#backoff === 0 ? 10 : this.#backoff * 2);
        this.#wakeAfter(this.#backoff);
        return;
      }
      this.#pump();
      return;
    }
    this.#stallSince = undefined;
    this.#backoff = 0;
    const timedOut = verdict === 'timeout';
    this.#limit.onCompleted(timedOut, now);
    this.#stats.lowestConcurrency = this.#limit.lowest;
    if (timedOut) {
      this.#stats.timeouts++;
      if (probe.attempt < this.#o.retries) {
        this.#stats.retries++;
        this.#retryQueue.push({
          hostIndex: probe.hostIndex,
          port: probe.port,
          attempt: probe.attempt + 1,
        });
      } else {
        this.#o.onResult(
          probe.hostIndex,
          probe.port,
          this.#o.protocol === 'udp' ? 'open|filtered' : 'filtered',
          reason,
          undefined,
        );
      }
    } else {
      const state: PortState =
        verdict === 'open' ? 'open' : verdict === 'closed' ? 'closed' : 'filtered';
      this.#o.onResult(probe.hostIndex, probe.port, state, reason, rtt);
    }
    if (!this.#settled) this.#pump();
  }

  #nextTask(): Task | undefined {
    const retry = this.#retryQueue.shift();
    if (retry) return retry;
    if (this.#nextPort >= this.#ports.length) return undefined;
    // Port-major order spreads the attempts over hosts instead of hammering one at a time.
    const task = { hostIndex: this.#nextHost, port: this.#ports[this.#nextPort]!, attempt: 0 };
    if (++this.#nextHost >= this.#hosts.length) {
      this.#nextHost = 0;
      this.#nextPort++;
    }
    return task;
  }

  #hasWork(): boolean {
    return (
      this.#retryQueue.length > 0 || (this.#nextPort < this.#ports.length && this.#hosts.length > 0)
    );
  }

  #pump(): void {
    if (this.#pumping || this.#settled) return;
    this.#pumping = true;
    try {
      const { prober, timeout } = this.#o;
      while (
        !this.#paused &&
        !this.#settled &&
        this.#wakeTimer === undefined &&
        this.#inFlight < this.#limit.limit &&
        this.#hasWork()
      ) {
        const now = performance.now();
        if (this.#rate && !this.#rate.tryTake(now)) {
          this.#wakeAfter(this.#rate.waitTime());
          break;
        }
        const task = this.#nextTask()!;
        const host = this.#hosts[task.hostIndex]!;
        const probe = new ActiveProbe(
          this,
          task.hostIndex,
          host.address,
          host.family,
          task.port,
          task.attempt,
          now,
          now + timeout,
        );
        this.#inFlight++;
        this.#stats.probes++;
        this.#deadlines.push(probe);
        prober.start(probe);
      }
    } finally {
      this.#pumping = false;
    }
    if (this.#settled) return;
    this.#trimDeadlines();
    this.#armTimer();
    if (this.#inFlight === 0 && !this.#hasWork()) this.#succeed();
  }

  #wakeAfter(ms: number): void {
    if (this.#wakeTimer) return;
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = undefined;
      this.#pump();
    }, ms);
  }

  #trimDeadlines(): void {
    while (this.#head < this.#deadlines.length && this.#deadlines[this.#head]!.done) this.#head++;
    if (this.#head > 4096 && this.#head * 2 > this.#deadlines.length) {
      this.#deadlines = this.#deadlines.slice(this.#head);
      this.#head = 0;
    }
  }

  #armTimer(): void {
    if (this.#timer || this.#head >= this.#deadlines.length) return;
    const wait = Math.max(0, this.#deadlines[this.#head]!.deadline - performance.now());
    this.#timer = setTimeout(() => this.#expire(), Math.ceil(wait));
  }

  #expire(): void {
    this.#timer = undefined;
    const now = performance.now();
    const expired: ActiveProbe[] = [];
    while (this.#head < this.#deadlines.length) {
      const probe = this.#deadlines[this.#head]!;
      if (!probe.done && probe.deadline > now + 0.5) break;
      if (!probe.done) expired.push(probe);
      this.#head++;
    }
    for (const probe of expired) {
      this.finish(probe, 'timeout', 'no-response');
      this.#o.prober.cancel(probe);
    }
    if (!this.#settled) this.#pump();
  }

  #succeed(): void {
    this.#settle();
    this.#resolve(this.#stats);
  }

  #fail(error: Error): void {
    if (this.#settled) return;
    const inFlight = this.#deadlines.slice(this.#head).filter((probe) => !probe.done);
    this.#settle();
    for (const probe of inFlight) {
      probe.done = true;
      this.#o.prober.cancel(probe);
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
    this.#deadlines = [];
    this.#head = 0;
  }
}
