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

export class RttEstimator {
  readonly #max: number[];
  readonly #floor: number[];
  /** Per host: smoothed RTT and its variation; NaN until the first sample. Typed arrays, updated in place: a full scan takes tens of thousands of samples. */
  readonly #srtt: Float64Array;
  readonly #rttvar: Float64Array;
  #globalSrtt = Number.NaN;
  #globalRttvar = Number.NaN;

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
    this.#srtt = new Float64Array(maxTimeouts.length).fill(Number.NaN);
    this.#rttvar = new Float64Array(maxTimeouts.length).fill(Number.NaN);
    let min = Infinity;
    for (const floor of this.#floor) if (floor < min) min = floor;
    this.#minTimeout = min;
  }

  /** The shortest timeout any attempt can have: nothing started now expires sooner. */
  minTimeout(): number {
    return this.#minTimeout;
  }

  sample(hostIndex: number, rtt: number): void {
    const srtt = this.#srtt[hostIndex]!;
    if (Number.isNaN(srtt)) {
      this.#srtt[hostIndex] = rtt;
      this.#rttvar[hostIndex] = rtt / 2;
    } else {
      this.#rttvar[hostIndex] = 0.75 * this.#rttvar[hostIndex]! + 0.25 * Math.abs(srtt - rtt);
      this.#srtt[hostIndex] = 0.875 * srtt + 0.125 * rtt;
    }
    if (Number.isNaN(this.#globalSrtt)) {
      this.#globalSrtt = rtt;
      this.#globalRttvar = rtt / 2;
    } else {
      this.#globalRttvar = 0.75 * this.#globalRttvar + 0.25 * Math.abs(this.#globalSrtt - rtt);
      this.#globalSrtt = 0.875 * this.#globalSrtt + 0.125 * rtt;
    }
  }

  /** The configured timeout of `hostIndex`: for attempts whose answers may be late for other reasons. */
  maxTimeout(hostIndex: number): number {
    return this.#max[hostIndex]!;
  }

  /** The current timeout of an attempt to `hostIndex`, in ms (Infinity: none). */
  timeout(hostIndex: number): number {
    const max = this.#max[hostIndex]!;
    if (!Number.isFinite(max)) return max;
    let srtt = this.#srtt[hostIndex]!;
    let rttvar = this.#rttvar[hostIndex]!;
    if (Number.isNaN(srtt)) {
      srtt = this.#globalSrtt;
      rttvar = this.#globalRttvar;
    }
    if (Number.isNaN(srtt)) return max;
    return Math.min(max, Math.max(this.#floor[hostIndex]!, srtt + 4 * rttvar));
  }
}
