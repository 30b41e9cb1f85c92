import {
  argOutOfRange,
  checkBoolean,
  checkFunction,
  checkInteger,
  checkNumber,
  checkOptionKeys,
  checkSignal,
  checkTimeout,
  invalidArgType,
  invalidArgValue,
  toBytes,
} from '@net/errors/internal';
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { availableParallelism } from 'node:os';
import { bannerDefaults, type BannerOptions } from './banner-grab.js';
import { deepFreeze } from './deep-freeze.js';
import { parsePorts, type PortSpec } from './port-spec.js';

/** Options of `new PortScanner()`. */
export interface PortScannerOptions {
  /** Most attempts in flight; the adaptive limit only ever goes below it. @default 256 */
  concurrency?: number;
  /**
   * Longest wait for an answer to one attempt, in ms; once a host has answered, its attempts
   * wait for a multiple of its measured round-trip time instead, never longer than this.
   * 0 or Infinity: no limit of ours (the kernel gives up after about two minutes).
   * @default 1000 (1500 for IPv6 targets: Linux reports an ICMPv6 refusal only on the SYN's
   * first retransmission, ~1.02 s in)
   */
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
   * for scans of one host with at least 4 096 attempts (a worker takes ~30 ms to start; scans of
   * many hosts stay on the main thread, see the README). The engine's decisions stay in the main
   * thread. 0 = main thread only.
   * @default 1 when the machine has more than one CPU, else 0
   */
  workers?: number;
  /** Resolver for host names. @default dns.lookup */
  lookup?: LookupFunction;
  /**
   * Scan multicast, broadcast and unspecified addresses (`224.0.0.0/4`, `255.255.255.255`,
   * `0.0.0.0/8`, `::`, `ff00::/8`) too. By default a target list containing one is refused with
   * RangeError before any packet is sent, and a host name resolving to one is reported with an
   * error instead of being scanned. @default false
   */
  allowNonUnicast?: boolean;
}
const SCANNER_KEYS = [
  'concurrency',
  'timeout',
  'retries',
  'rate',
  'maxTargets',
  'engine',
  'workers',
  'lookup',
  'allowNonUnicast',
] as const;

/** The defaults of `new PortScanner()`, as `PortScanner.defaults` shows them. */
export interface PortScannerDefaults {
  concurrency: number;
  timeout: number;
  retries: number;
  rate: number;
  maxTargets: number;
  engine: 'auto' | 'handle' | 'socket';
  workers: number;
  allowNonUnicast: boolean;
}

export const portScannerDefaults = deepFreeze<PortScannerDefaults>({
  concurrency: 256,
  timeout: 1_000,
  retries: 1,
  rate: 0,
  maxTargets: 65_536,
  engine: 'auto',
  workers: availableParallelism() > 1 ? 1 : 0,
  allowNonUnicast: false,
});

/** The default timeout of IPv6 targets (see `PortScannerOptions.timeout`). */
export const IPV6_DEFAULT_TIMEOUT = 1_500;

/** Progress of a running scan. */
export interface ScanProgress {
  /** Ports with a final state. */
  done: number;
  total: number;
  open: number;
  elapsedMs: number;
}

/** One part of a scan split over several runs (see `ScanOptions.shard`). */
export interface ScanShard {
  /** Which part this run makes, from 1 to `count`. */
  index: number;
  /** Into how many parts the scan is split. */
  count: number;
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
  /** Aborts the scan with AbortError. @default undefined */
  signal?: AbortSignal;
  /** Called at most every 100 ms and once at the end. @default undefined */
  onProgress?: (progress: ScanProgress) => void;
  /**
   * The order of attempts over targets × ports: 'sequential' goes port by port, each over every
   * host; 'random' is a permutation of the whole space drawn from `seed`, so no host or port
   * sees a burst (as masscan and ZMap do). @default 'sequential'
   */
  order?: 'sequential' | 'random';
  /** The seed of the 'random' order; runs with the same seed (and targets and ports) probe in the same order. Required with `order: 'random'` and `shard`, so every shard draws the same permutation. @default a random seed */
  seed?: number;
  /**
   * Probe only this run's share of the targets × ports space: with `{ index: 2, count: 4 }` the
   * 2nd, 6th, 10th … attempt of the scan's order. The shards 1…count of one scan (same targets,
   * ports, order and seed) together probe every (host, port) exactly once. @default undefined (all)
   */
  shard?: ScanShard;
  /**
   * Find which hosts are up before sweeping their ports, as `nmap -sT` does without root: TCP
   * connects to ports 80 and 443, where an answer of any kind (accepted, refused) proves the host
   * up; hosts that stay silent or are unreachable are reported down and not swept. `false` scans
   * every host (nmap's `-Pn`); 'auto' discovers when the scan covers more than one address.
   * @default 'auto'
   */
  hostDiscovery?: boolean | 'auto';
}
const SCAN_KEYS = [
  'ports',
  'protocol',
  'banner',
  'includeClosed',
  'payload',
  'signal',
  'onProgress',
  'order',
  'seed',
  'shard',
  'hostDiscovery',
] as const;
const BANNER_KEYS = ['timeout', 'maxBytes'] as const;
const SHARD_KEYS = ['index', 'count'] as const;

export interface ResolvedScanOptions {
  ports: number[];
  protocol: 'tcp' | 'udp';
  banner: Required<BannerOptions> | undefined;
  includeClosed: boolean;
  payload: Buffer;
  signal: AbortSignal | undefined;
  onProgress: ((progress: ScanProgress) => void) | undefined;
  order: 'sequential' | 'random';
  seed: number;
  shard: ScanShard | undefined;
  hostDiscovery: boolean | 'auto';
}

export interface ResolvedScannerOptions {
  concurrency: number;
  /** Infinity for no limit; undefined for the per-family default. */
  timeout: number | undefined;
  retries: number;
  rate: number;
  maxTargets: number;
  engine: 'auto' | 'handle' | 'socket';
  workers: number;
  lookup: LookupFunction;
  allowNonUnicast: boolean;
}

export function resolveOptions(options: PortScannerOptions | undefined): ResolvedScannerOptions {
  const o = checkOptionKeys<PortScannerOptions>('options', options, SCANNER_KEYS);
  const engine = o.engine ?? portScannerDefaults.engine;
  if (engine !== 'auto' && engine !== 'handle' && engine !== 'socket') {
    throw invalidArgValue(
      'engine',
      `Expected 'auto', 'handle' or 'socket'. Received ${String(engine)}`,
    );
  }
  const rate = checkNumber('rate', o.rate ?? portScannerDefaults.rate, { min: 0 });
  if (rate === Infinity) throw argOutOfRange('rate', 'a finite number >= 0', rate);
  return {
    concurrency: checkInteger('concurrency', o.concurrency ?? portScannerDefaults.concurrency, {
      min: 1,
      max: 16_384,
    }),
    timeout: o.timeout === undefined ? undefined : checkTimeout('timeout', o.timeout),
    retries: checkInteger('retries', o.retries ?? portScannerDefaults.retries, {
      min: 0,
      max: 100,
    }),
    rate,
    maxTargets: checkInteger('maxTargets', o.maxTargets ?? portScannerDefaults.maxTargets, {
      min: 1,
    }),
    engine,
    workers: checkInteger('workers', o.workers ?? portScannerDefaults.workers, {
      min: 0,
      max: 64,
    }),
    lookup: o.lookup === undefined ? dnsLookup : checkFunction<LookupFunction>('lookup', o.lookup),
    allowNonUnicast: checkBoolean(
      'allowNonUnicast',
      o.allowNonUnicast ?? portScannerDefaults.allowNonUnicast,
    ),
  };
}

function resolveShard(value: unknown): ScanShard | undefined {
  if (value === undefined) return undefined;
  const shard = checkOptionKeys<ScanShard>('shard', value, SHARD_KEYS);
  const count = checkInteger('shard.count', shard.count, { min: 1, max: 1_000_000 });
  const index = checkInteger('shard.index', shard.index, { min: 1, max: count });
  return { index, count };
}

/** The `signal` of scan options, checked before anything else (parsing can be costly). */
export function scanSignal(options: unknown): AbortSignal | undefined {
  if (options === null || typeof options !== 'object') return undefined;
  return checkSignal('signal', (options as { signal?: unknown }).signal);
}

export function resolveScanOptions(options: ScanOptions | undefined): ResolvedScanOptions {
  const o = checkOptionKeys<ScanOptions>('options', options, SCAN_KEYS);
  const protocol = o.protocol ?? 'tcp';
  if (protocol !== 'tcp' && protocol !== 'udp')
    throw invalidArgValue('protocol', `Expected 'tcp' or 'udp'. Received ${String(protocol)}`);
  let banner: Required<BannerOptions> | undefined;
  if (o.banner !== undefined && o.banner !== false) {
    const b =
      o.banner === true ? {} : checkOptionKeys<BannerOptions>('banner', o.banner, BANNER_KEYS);
    banner = {
      timeout: checkTimeout('banner.timeout', b.timeout, bannerDefaults.timeout),
      maxBytes: checkInteger('banner.maxBytes', b.maxBytes ?? bannerDefaults.maxBytes, { min: 1 }),
    };
  }
  const order = o.order ?? 'sequential';
  if (order !== 'sequential' && order !== 'random')
    throw invalidArgValue('order', `Expected 'sequential' or 'random'. Received ${String(order)}`);
  const shard = resolveShard(o.shard);
  if (order === 'random' && shard && o.seed === undefined) {
    throw invalidArgValue(
      'seed',
      "A seed is required with order 'random' and shard, so every shard draws the same permutation.",
    );
  }
  const hostDiscovery = o.hostDiscovery ?? 'auto';
  if (hostDiscovery !== 'auto' && typeof hostDiscovery !== 'boolean')
    throw invalidArgType('hostDiscovery', "a boolean or 'auto'", hostDiscovery);
  return {
    ports: parsePorts(o.ports ?? 'top-100'),
    protocol,
    banner,
    includeClosed: checkBoolean('includeClosed', o.includeClosed ?? false),
    payload: o.payload === undefined ? Buffer.alloc(0) : toBytes('payload', o.payload),
    signal: checkSignal('signal', o.signal),
    onProgress:
      o.onProgress === undefined
        ? undefined
        : checkFunction<(progress: ScanProgress) => void>('onProgress', o.onProgress),
    order,
    seed:
      o.seed === undefined
        ? Math.floor(Math.random() * 0x1_0000_0000)
        : checkInteger('seed', o.seed, { min: 0, max: 0xffff_ffff }),
    shard,
    hostDiscovery,
  };
}
