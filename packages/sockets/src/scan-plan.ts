import { ScanOrder, shardRange } from './scan-order.js';

/** One attempt to make: a port of a host, for host discovery or for the sweep. */
export interface Task {
  hostIndex: number;
  port: number;
  attempt: number;
  discovery: boolean;
}

const UNKNOWN = 0;
const UP = 1;
const DOWN = 2;

/**
 * How far the sweep may run ahead of host discovery, in (host, port) pairs held back for hosts
 * not yet known to be up: bounds memory on huge scans; the sweep waits for discovery past it.
 */
const MAX_DEFERRED = 1 << 18;

/**
 * What a scan does next: discovery attempts first, then the sweep of targets × ports in the
 * scan's order (and shard). Discovery and sweep overlap: the sweep goes on with hosts known to
 * be up and holds back the pairs of hosts still being discovered, which start as soon as their
 * host answers — or are dropped (counted as skipped) when it turns out down.
 */
export class ScanPlan {
  readonly #hosts: number;
  readonly #ports: readonly number[];
  readonly #order: ScanOrder;
  readonly #first: number;
  readonly #step: number;
  /** Sweep pairs this plan covers (its shard of the space). */
  readonly sweepSize: number;
  #position = 0;
  readonly #state: Uint8Array;
  #discovery: Task[] = [];
  readonly #discoveryLeft: Int32Array;
  #deferred = new Map<number, number[]>();
  #deferredCount = 0;
  #ready: Task[] = [];
  #retries: Task[] = [];
  readonly #onSkipped: (hostIndex: number, count: number) => void;

  constructor(
    hosts: number,
    ports: readonly number[],
    options: {
      order: 'sequential' | 'random';
      seed: number;
      shard: { index: number; count: number } | undefined;
      discoveryPorts: readonly number[] | undefined;
      onSkipped: (hostIndex: number, count: number) => void;
    },
  ) {
    this.#hosts = hosts;
    this.#ports = ports;
    this.#order = new ScanOrder(hosts * ports.length, options.order, options.seed);
    const range = shardRange(hosts * ports.length, options.shard);
    this.#first = range.first;
    this.#step = range.step;
    this.sweepSize = range.count;
    this.#onSkipped = options.onSkipped;
    this.#state = new Uint8Array(hosts).fill(options.discoveryPorts ? UNKNOWN : UP);
    this.#discoveryLeft = new Int32Array(hosts);
    if (options.discoveryPorts) {
      // Port by port over all hosts, so the first round reaches every host quickly.
      for (const port of options.discoveryPorts) {
        for (let h = 0; h < hosts; h++) {
          this.#discovery.push({ hostIndex: h, port, attempt: 0, discovery: true });
        }
      }
      this.#discoveryLeft.fill(options.discoveryPorts.length);
      this.#discovery.reverse();
    }
  }

  isUp(hostIndex: number): boolean {
    return this.#state[hostIndex] === UP;
  }

  /** An attempt to make again later (a timeout with retries left, a resource error). */
  retry(task: Task): void {
    this.#retries.push(task);
  }

  /** The next attempt that can start now, or undefined (none now; see `hasWork`). */
  next(): Task | undefined {
    const retry = this.#retries.shift();
    if (retry) {
      if (!retry.discovery && this.#state[retry.hostIndex] === DOWN) return this.next();
      if (retry.discovery && this.#state[retry.hostIndex] !== UNKNOWN) {
        this.discoveryDone(retry.hostIndex, false);
        return this.next();
      }
      return retry;
    }
    const discovery = this.#discovery.pop();
    if (discovery) {
      // A host already proven up needs no further discovery attempt.
      if (this.#state[discovery.hostIndex] !== UNKNOWN) {
        this.discoveryDone(discovery.hostIndex, false);
        return this.next();
      }
      return discovery;
    }
    const ready = this.#ready.pop();
    if (ready) return ready;
    while (this.#position < this.sweepSize && this.#deferredCount < MAX_DEFERRED) {
      const element = this.#order.at(this.#first + this.#position * this.#step);
      this.#position++;
      const hostIndex = element % this.#hosts;
      const port = this.#ports[Math.floor(element / this.#hosts)]!;
      const state = this.#state[hostIndex];
      if (state === UP) return { hostIndex, port, attempt: 0, discovery: false };
      if (state === DOWN) {
        this.#onSkipped(hostIndex, 1);
        continue;
      }
      let held = this.#deferred.get(hostIndex);
      if (!held) this.#deferred.set(hostIndex, (held = []));
      held.push(port);
      this.#deferredCount++;
    }
    return undefined;
  }

  /** Whether any attempt is still to come (some may wait for discovery answers). */
  hasWork(): boolean {
    return (
      this.#retries.length > 0 ||
      this.#discovery.length > 0 ||
      this.#ready.length > 0 ||
      this.#deferredCount > 0 ||
      this.#position < this.sweepSize
    );
  }

  /**
   * One discovery attempt of `hostIndex` is over: `answered` when the host answered (it is up);
   * when its last attempt ends without an answer, the host is down.
   */
  discoveryDone(hostIndex: number, answered: boolean): 'up' | 'down' | undefined {
    this.#discoveryLeft[hostIndex]!--;
    if (this.#state[hostIndex] !== UNKNOWN) return undefined;
    if (answered) {
      this.#settle(hostIndex, UP);
      return 'up';
    }
    if (this.#discoveryLeft[hostIndex]! <= 0) {
      this.#settle(hostIndex, DOWN);
      return 'down';
    }
    return undefined;
  }

  #settle(hostIndex: number, state: typeof UP | typeof DOWN): void {
    this.#state[hostIndex] = state;
    const held = this.#deferred.get(hostIndex);
    if (!held) return;
    this.#deferred.delete(hostIndex);
    this.#deferredCount -= held.length;
    if (state === DOWN) {
      this.#onSkipped(hostIndex, held.length);
      return;
    }
    // Popped from the end: reversed, so they start in the order's sequence.
    for (let i = held.length - 1; i >= 0; i--) {
      this.#ready.push({ hostIndex, port: held[i]!, attempt: 0, discovery: false });
    }
  }
}
