import { argOutOfRange, invalidArgType, invalidArgValue } from '@net/errors';
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { availableParallelism } from 'node:os';
import {
  checkDuration,
  checkOptions,
  checkPositiveInt,
  checkSignal,
  toBytes,
} from './argument-checks.js';
import { bannerDefaults, type BannerOptions } from './banner-grab.js';
import { parsePorts, type PortSpec } from './port-spec.js';

/** Options of `new PortScanner()`. */
export interface PortScannerOptions {
  /** Most attempts in flight; the adaptive limit only ever goes below it. @default 256 */
  concurrency?: number;
  /** Wait for an answer to one attempt, in ms. @default 1000 */
  timeout?: number;
  /** Extra attempts for a port that did not answer, before it counts as filtered (open|filtered for UDP). @default 1 */
  retries?: number;
  /** Most attempts started per second; 0 = no limit. @default 0 */
  rate?: number;
  /** Most addresses one scan may cover (CIDR blocks and ranges add up). @default 65536 */
  maxTargets?: number;
  /** TCP probing backend: 'handle' (libuv handles; fastest), 'socket' (net.Socket), or 'auto' (handle when available). @default 'auto' */
  engine?: 'auto' | 'handle' | 'socket';
  /**
   * Worker threads that make a share of the handle engine's TCP attempts, each on its own core,
   * for scans of at least 4 096 attempts (a worker takes ~30 ms to start). The engine's decisions
   * stay in the main thread. 0 = main thread only.
   * @default 1 when the machine has more than one CPU, else 0
   */
  workers?: number;
  /** Resolver for host names. @default dns.lookup */
  lookup?: LookupFunction;
}

export const portScannerDefaults = {
  concurrency: 256,
  timeout: 1_000,
  retries: 1,
  rate: 0,
  maxTargets: 65_536,
  engine: 'auto',
  workers: availableParallelism() > 1 ? 1 : 0,
} as const satisfies PortScannerOptions;

/** Progress of a running scan. */
export interface ScanProgress {
  /** Ports with a final state. */
  done: number;
  total: number;
  open: number;
  elapsedMs: number;
}

/** Options of `scan()` and `scanStream()`. */
export interface ScanOptions {
  /** Ports: '1-1024,8080', [22, 80], 'top-100' or 'all'. @default 'top-100' */
  ports?: PortSpec;
  /** @default 'tcp' */
  protocol?: 'tcp' | 'udp';
  /** Grab what open TCP services send first. @default false */
  banner?: boolean | BannerOptions;
  /** List closed ports in the report and the stream too (they are always counted). @default false */
  includeClosed?: boolean;
  /** The datagram sent to each UDP port. @default empty */
  payload?: string | Uint8Array;
  signal?: AbortSignal;
  /** Called at most every 100 ms and once at the end. */
  onProgress?: (progress: ScanProgress) => void;
}

export interface ResolvedScanOptions {
  ports: number[];
  protocol: 'tcp' | 'udp';
  banner: Required<BannerOptions> | undefined;
  includeClosed: boolean;
  payload: Buffer;
  signal: AbortSignal | undefined;
  onProgress: ((progress: ScanProgress) => void) | undefined;
}

export type ResolvedScannerOptions = Required<Omit<PortScannerOptions, 'lookup'>> & {
  lookup: LookupFunction;
};

export function resolveOptions(options: PortScannerOptions): ResolvedScannerOptions {
  const o = checkOptions<PortScannerOptions>('options', options);
  const engine = o.engine ?? portScannerDefaults.engine;
  if (engine !== 'auto' && engine !== 'handle' && engine !== 'socket') {
    throw invalidArgValue(
      'engine',
      `Expected 'auto', 'handle' or 'socket'. Received ${String(engine)}`,
    );
  }
  const retries = o.retries ?? portScannerDefaults.retries;
  if (!Number.isInteger(retries) || retries < 0 || retries > 100)
    throw argOutOfRange('retries', 'an integer from 0 to 100', retries);
  const rate = o.rate ?? portScannerDefaults.rate;
  if (typeof rate !== 'number' || !(rate >= 0) || rate === Infinity)
    throw argOutOfRange('rate', 'a finite number >= 0', rate);
  if (o.lookup !== undefined && typeof o.lookup !== 'function')
    throw invalidArgType('lookup', 'a function', o.lookup);
  const workers = o.workers ?? portScannerDefaults.workers;
  if (!Number.isInteger(workers) || workers < 0 || workers > 64)
    throw argOutOfRange('workers', 'an integer from 0 to 64', workers);
  const timeout = checkDuration('timeout', o.timeout ?? portScannerDefaults.timeout);
  if (timeout === 0) throw argOutOfRange('timeout', '> 0', timeout);
  return {
    concurrency: checkPositiveInt(
      'concurrency',
      o.concurrency ?? portScannerDefaults.concurrency,
      16_384,
    ),
    timeout,
    retries,
    rate,
    maxTargets: checkPositiveInt('maxTargets', o.maxTargets ?? portScannerDefaults.maxTargets),
    engine,
    workers,
    lookup: o.lookup ?? dnsLookup,
  };
}

export function resolveScanOptions(options: ScanOptions | undefined): ResolvedScanOptions {
  const o = checkOptions<ScanOptions>('options', options);
  const protocol = o.protocol ?? 'tcp';
  if (protocol !== 'tcp' && protocol !== 'udp')
    throw invalidArgValue('protocol', `Expected 'tcp' or 'udp'. Received ${String(protocol)}`);
  let banner: Required<BannerOptions> | undefined;
  if (o.banner !== undefined && o.banner !== false) {
    const b = o.banner === true ? {} : checkOptions<BannerOptions>('banner', o.banner);
    banner = {
      timeout: checkDuration('banner.timeout', b.timeout ?? bannerDefaults.timeout),
      maxBytes: checkPositiveInt('banner.maxBytes', b.maxBytes ?? bannerDefaults.maxBytes),
    };
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function')
    throw invalidArgType('onProgress', 'a function', o.onProgress);
  return {
    ports: parsePorts(o.ports ?? 'top-100'),
    protocol,
    banner,
    includeClosed: o.includeClosed ?? false,
    payload: o.payload === undefined ? Buffer.alloc(0) : toBytes('payload', o.payload),
    signal: checkSignal('signal', o.signal),
    onProgress: o.onProgress,
  };
}
