/**
 * Per-host attempt timeouts from measured round-trip times, as TCP (RFC 6298) and nmap do: a
 * smoothed RTT and its variation, and a timeout of `srtt + 4 × rttvar`, kept between a floor and
 * the configured timeout. A host with no answer yet uses the estimate over all hosts, so on a
 * subnet where some hosts answered in a millisecond the silent ones are given up on in a
 * fraction of the configured timeout instead of all of it.
 *
 * The floor is generous (see MIN_ADAPTIVE_TIMEOUT_MS): an answer waits for the event loop to
 * see it, and a busy process must not turn an answered attempt into a timeout.
 */
export const MIN_ADAPTIVE_TIMEOUT_MS = 250;

/**
 * The floor for IPv6 hosts: Linux reports an ICMPv6 refusal that arrives while connect() still
 * holds the socket (any local or loopback target) only at the SYN's first retransmission,
 * ~1.02 s in, so a shorter wait would call a refused port filtered.
 */
export const MIN_ADAPTIVE_TIMEOUT_IPV6_MS = 1_250;

interface Estimate {
  srtt: number;
  rttvar: number;
}

function update(estimate: Estimate | undefined, rtt: number): Estimate {
  if (!estimate) return { srtt: rtt, rttvar: rtt / 2 };
  const rttvar = 0.75 * estimate.rttvar + 0.25 * Math.abs(estimate.srtt - rtt);
  return { srtt: 0.875 * estimate.srtt + 0.125 * rtt, rttvar };
}

export class RttEstimator {
  readonly #max: number[];
  readonly #floor: number[];
  readonly #hosts: Array<Estimate | undefined>;
  #global: Estimate | undefined;

  readonly #minTimeout: number;

  /**
   * @param maxTimeouts - each host's configured timeout (Infinity: none).
   * @param families - each host's address family, for its floor.
   */
  constructor(maxTimeouts: readonly number[], families: ReadonlyArray<4 | 6>) {
    this.#max = [...maxTimeouts];
    this.#floor = maxTimeouts.map((max, i) =>
      Math.min(max, families[i] === 6 ? MIN_ADAPTIVE_TIMEOUT_IPV6_MS : MIN_ADAPTIVE_TIMEOUT_MS),
    );
    this.#hosts = new Array<Estimate | undefined>(maxTimeouts.length);
    let min = Infinity;
    for (const floor of this.#floor) if (floor < min) min = floor;
    this.#minTimeout = min;
  }

  /** The shortest timeout any attempt can have: nothing started now expires sooner. */
  minTimeout(): number {
    return this.#minTimeout;
  }

  sample(hostIndex: number, rtt: number): void {
    this.#hosts[hostIndex] = update(this.#hosts[hostIndex], rtt);
    this.#global = update(this.#global, rtt);
  }

  /** The configured timeout of `hostIndex`: for attempts whose answers may be late for other reasons. */
  maxTimeout(hostIndex: number): number {
    return this.#max[hostIndex]!;
  }

  /** The current timeout of an attempt to `hostIndex`, in ms (Infinity: none). */
  timeout(hostIndex: number): number {
    const max = this.#max[hostIndex]!;
    const estimate = this.#hosts[hostIndex] ?? this.#global;
    if (!estimate || !Number.isFinite(max)) return max;
    const adaptive = estimate.srtt + 4 * estimate.rttvar;
    return Math.min(max, Math.max(this.#floor[hostIndex]!, adaptive));
  }
}
