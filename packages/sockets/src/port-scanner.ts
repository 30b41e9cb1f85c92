import { AbortError } from '@net/errors';
import {
  checkHost,
  checkOptionKeys,
  checkPort,
  checkSignal,
  checkTimeout,
  invalidArgValue,
  rejected,
  checkFunction,
} from '@net/errors/internal';
import type { LookupFunction } from 'node:net';
import { grabBanner, type BannerOptions } from './banner-grab.js';
import {
  IPV6_DEFAULT_TIMEOUT,
  portScannerDefaults,
  type PortScannerDefaults,
  resolveOptions,
  resolveScanOptions,
  scanSignal,
  type PortScannerOptions,
  type ResolvedScanOptions,
  type ResolvedScannerOptions,
  type ScanOptions,
} from './port-scanner-options.js';
import type { Prober } from './probe-types.js';
import { createParallelProber } from './parallel-handle-prober.js';
import { RttEstimator } from './rtt-estimator.js';
import { ScanEngine, type EngineHost, type EngineStats, type PortState } from './scan-engine.js';
import { ScanPlan } from './scan-plan.js';
import type { PortResult, ScanReport } from './scan-report.js';
import { serviceName } from './service-names.js';
import { createHandleProber } from './tcp-handle-prober.js';
import { loadTcpWrap } from './tcp-wrap-binding.js';
import { createSocketProber } from './tcp-socket-prober.js';
import { expandTargets, parseTargets } from './target-spec.js';
import { resolveTargets, type HostSlot } from './target-resolution.js';
import { createUdpProber } from './udp-prober.js';

/** Below this many attempts a worker thread costs more to start (~30 ms) than it saves. */
const PARALLEL_MIN_ATTEMPTS = 4_096;
/** The ports host discovery connects to, as `nmap -sT` does without root. */
const DISCOVERY_PORTS = [80, 443] as const;

interface StreamSink {
  emit(result: PortResult): void;
  started(engine: ScanEngine): void;
}

/**
 * A connect scanner in the manner of `nmap -sT` (TCP) and `nmap -sU` (UDP through connected
 * sockets), with nmap's port states:
 * - open: a connection was accepted (TCP) or a datagram came back (UDP);
 * - closed: refused (RST, or ICMP port-unreachable for UDP);
 * - filtered: no answer to any attempt (TCP), or an ICMP error other than port-unreachable;
 * - open|filtered: no answer to any UDP attempt — open services often ignore an empty datagram.
 *
 * Scans of more than one address first find which hosts are up (`hostDiscovery`), and time
 * each host's attempts out by its measured round-trip time.
 *
 * @example
 * const scanner = new PortScanner({ concurrency: 256 });
 * const report = await scanner.scan('127.0.0.1', { ports: '1-1024' });
 * console.log(toGreppable(report));
 */
export class PortScanner {
  /** The defaults of every option of `new PortScanner()` (frozen). */
  static readonly defaults: Readonly<PortScannerDefaults> = portScannerDefaults;

  readonly #o: ResolvedScannerOptions;

  constructor(options?: PortScannerOptions) {
    this.#o = resolveOptions(options);
  }

  /** True when a TCP connection to `host:port` is accepted within `timeout` (default 2000 ms). */
  static isPortOpen(
    host: string,
    port: number,
    options?: { timeout?: number; signal?: AbortSignal; lookup?: LookupFunction },
  ): Promise<boolean> {
    let scanner: PortScanner;
    let signal: AbortSignal | undefined;
    try {
      checkHost('host', host);
      checkPort('port', port);
      const o = checkOptionKeys<{ timeout: number; signal: AbortSignal; lookup: LookupFunction }>(
        'options',
        options,
        ['timeout', 'signal', 'lookup'],
      );
      signal = checkSignal('signal', o.signal);
      scanner = new PortScanner({
        timeout: checkTimeout('timeout', o.timeout, 2_000),
        retries: 0,
        concurrency: 1,
        lookup: o.lookup === undefined ? undefined : checkFunction('lookup', o.lookup),
      });
    } catch (err) {
      return rejected(err);
    }
    return scanner.scan(host, { ports: [port], signal, hostDiscovery: false }).then((report) => {
      const [entry] = report.hosts;
      if (entry?.error) throw entry.error;
      return entry?.ports.some((p) => p.state === 'open') ?? false;
    });
  }

  /** Scans every port of every target; resolves with the whole report. */
  async scan(targets: string | readonly string[], options?: ScanOptions): Promise<ScanReport> {
    return this.#execute(targets, options, undefined);
  }

  /**
   * The same scan, yielding each port's result as soon as it is final (closed ports only with
   * `includeClosed`). Breaking out of the loop cancels the scan.
   */
  async *scanStream(
    targets: string | readonly string[],
    options?: ScanOptions,
  ): AsyncGenerator<PortResult, ScanReport, undefined> {
    const buffer: PortResult[] = [];
    let wake: (() => void) | undefined;
    let engine: ScanEngine | undefined;
    let finished = false;
    let failure: unknown;
    let report: ScanReport | undefined;
    const run = this.#execute(targets, options, {
      emit: (result) => {
        buffer.push(result);
        // Backpressure: stop starting attempts while the consumer is far behind.
        if (buffer.length >= 4096) engine?.pause();
        wake?.();
      },
      started: (e) => (engine = e),
    })
      .then(
        (r) => {
          report = r;
        },
        (err: unknown) => {
          failure = err;
        },
      )
      .finally(() => {
        finished = true;
        wake?.();
      });
    try {
      for (;;) {
        while (buffer.length > 0) {
          const next = buffer.shift()!;
          if (buffer.length < 1024) engine?.resume();
          yield next;
        }
        if (finished) break;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      if (failure !== undefined) throw failure;
      return report!;
    } finally {
      if (!finished) {
        engine?.stop(new AbortError('scan stream closed by its consumer'));
        await run;
      }
    }
  }

  async #execute(
    targets: string | readonly string[],
    options: ScanOptions | undefined,
    stream: StreamSink | undefined,
  ): Promise<ScanReport> {
    // An aborted signal is honoured before any parsing, however large the arguments.
    const early = scanSignal(options);
    if (early?.aborted) throw new AbortError('scan aborted', { cause: early.reason });
    const o = resolveScanOptions(options);
    const { groups } = parseTargets(targets, this.#o.maxTargets);
    const startedAt = new Date();
    const start = performance.now();
    const slots = await resolveTargets(expandTargets(groups), {
      lookup: this.#o.lookup,
      allowNonUnicast: this.#o.allowNonUnicast,
      signal: o.signal,
    });

    const scanned = slots.filter((s) => s.report.address !== undefined && !s.report.error);
    const hosts: EngineHost[] = scanned.map((s) => ({
      address: s.report.address!,
      family: s.family,
    }));
    const discovery = o.hostDiscovery === true || (o.hostDiscovery === 'auto' && hosts.length > 1);
    let done = 0;
    let open = 0;
    let lastProgress = 0;
    const plan = new ScanPlan(hosts.length, o.ports, {
      order: o.order,
      seed: o.seed,
      shard: o.shard,
      discoveryPorts: discovery ? DISCOVERY_PORTS : undefined,
      onSkipped: (_host, count) => (done += count),
    });
    const total = plan.sweepSize;
    const prober = this.#prober(o, total, hosts.length);
    // Discovery runs on the main thread: its timeouts are what gives up on dead hosts quickly.
    const discoveryProber = discovery ? this.#tcpProber() : undefined;
    const progress = (force: boolean) => {
      if (!o.onProgress) return;
      const now = performance.now();
      if (!force && now - lastProgress < 100) return;
      lastProgress = now;
      o.onProgress({ done, total, open, elapsedMs: Math.round(now - start) });
    };
    const wantBanner = o.banner !== undefined && o.protocol === 'tcp';
    const onResult = (
      hostIndex: number,
      port: number,
      state: PortState,
      reason: string,
      rtt: number | undefined,
    ) => {
      const host = scanned[hostIndex]!.report;
      done++;
      host.counts[state]++;
      if (state !== 'filtered' && state !== 'open|filtered') host.up = true;
      if (state === 'open') open++;
      if (state !== 'closed' || o.includeClosed) {
        const result: PortResult = {
          host: host.host,
          address: host.address!,
          port,
          protocol: o.protocol,
          state,
          reason,
        };
        const service = serviceName(port, o.protocol);
        if (service !== undefined) result.service = service;
        if (rtt !== undefined) result.rtt = rtt;
        host.ports.push(result);
        // With banners on, open ports are emitted once their banner is in.
        if (stream && !(wantBanner && state === 'open')) stream.emit(result);
      }
      progress(false);
    };
    const maxTimeouts = hosts.map(
      (h) =>
        this.#o.timeout ?? (h.family === 6 ? IPV6_DEFAULT_TIMEOUT : portScannerDefaults.timeout),
    );
    const finiteTimeout = this.#o.timeout ?? portScannerDefaults.timeout;
    const engine = new ScanEngine(hosts, plan, {
      prober,
      discoveryProber,
      protocol: o.protocol,
      concurrency: this.#o.concurrency,
      rtt: new RttEstimator(
        maxTimeouts,
        hosts.map((h) => h.family),
      ),
      cooldown: Number.isFinite(finiteTimeout) ? finiteTimeout : portScannerDefaults.timeout,
      retries: this.#o.retries,
      rate: this.#o.rate,
      signal: o.signal,
      onResult,
      onHost: (hostIndex, up, reason) => {
        const report = scanned[hostIndex]!.report;
        report.up = up;
        report.reason = reason;
      },
    });
    stream?.started(engine);
    let stats: EngineStats;
    try {
      await prober.ready?.();
      stats = await engine.run();
      stats.workers = prober.workersUsed?.() ?? 0;
    } finally {
      await prober.dispose?.();
      await discoveryProber?.dispose?.();
    }

    if (wantBanner) await this.#grabBanners(scanned, o.banner!, stream, o.signal);
    for (const slot of slots) slot.report.ports.sort((a, b) => a.port - b.port);
    progress(true);
    const elapsedMs = Math.round((performance.now() - start) * 1000) / 1000;
    const report: ScanReport = {
      protocol: o.protocol,
      portCount: o.ports.length,
      engine: prober.name,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      elapsedMs,
      hosts: slots.map((s) => s.report),
      stats,
    };
    if (o.shard) report.shard = { ...o.shard };
    if (o.order === 'random') report.seed = o.seed;
    return report;
  }

  #tcpProber(): Prober {
    const binding = this.#o.engine === 'socket' ? null : loadTcpWrap();
    return binding ? createHandleProber(binding) : createSocketProber();
  }

  /**
   * The sweep's prober. Worker threads serve large scans of one host — the CPU-bound case, a
   * full range on a fast network or loopback. Their attempts keep the full configured timeout
   * (an answer can wait on the worker's scheduling), so scans of many hosts, where RTT-based
   * timeouts on silent hosts and filtered ports matter more than CPU, stay on the main thread.
   */
  #prober(o: ResolvedScanOptions, attempts: number, hosts: number): Prober {
    if (o.protocol === 'udp') return createUdpProber(o.payload);
    const wanted = this.#o.engine;
    if (wanted === 'socket') return createSocketProber();
    const binding = loadTcpWrap();
    if (binding && this.#o.workers > 0 && hosts === 1 && attempts >= PARALLEL_MIN_ATTEMPTS)
      return createParallelProber(binding, this.#o.workers);
    if (binding) return createHandleProber(binding);
    if (wanted === 'handle')
      throw invalidArgValue(
        'engine',
        "'handle' is not available in this Node.js runtime; use 'auto' or 'socket'.",
      );
    return createSocketProber();
  }

  async #grabBanners(
    slots: HostSlot[],
    banner: Required<BannerOptions>,
    stream: { emit(result: PortResult): void } | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const openPorts = slots.flatMap((s) => s.report.ports.filter((p) => p.state === 'open'));
    let next = 0;
    const worker = async () => {
      while (next < openPorts.length) {
        if (signal?.aborted) throw new AbortError('scan aborted', { cause: signal.reason });
        const result = openPorts[next++]!;
        const text = await grabBanner(result.address, result.port, banner);
        if (text !== undefined) result.banner = text;
        stream?.emit(result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(32, openPorts.length) }, worker));
  }
}
