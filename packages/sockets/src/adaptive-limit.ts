/**
 * How many probes may be in flight, adjusted as the scan goes (multiplicative decrease,
 * gradual increase, as TCP congestion control and nmap do):
 * - running out of descriptors or buffers (EMFILE, ENFILE, ENOBUFS …) halves the limit to what
 *   was in flight at that moment, since that is evidently more than the process can hold;
 * - a rising share of timeouts (a smoothed rate above 30 %) cuts the limit by a quarter, at most
 *   once per timeout period, down to a sixteenth of the maximum — a filtering host or a congested
 *   path answers fewer probes when sent more;
 * - every `limit` clean completions grow it by half again, back up to the maximum.
 */
export class AdaptiveLimit {
  readonly max: number;
  #limit: number;
  #lowest: number;
  #cleanRun = 0;
  #timeoutRate = 0;
  #lastCut = -Infinity;
  readonly #cooldown: number;
  readonly #timeoutFloor: number;

  constructor(max: number, cooldownMs: number) {
    this.max = max;
    this.#limit = max;
    this.#lowest = max;
    this.#cooldown = cooldownMs;
    this.#timeoutFloor = Math.max(1, Math.ceil(max / 16));
  }

  get limit(): number {
    return this.#limit;
  }
  /** The smallest the limit became during the scan. */
  get lowest(): number {
    return this.#lowest;
  }

  onResourceError(inFlight: number): void {
    this.#set(Math.max(1, Math.floor(inFlight / 2)));
    this.#cleanRun = 0;
  }

  onCompleted(timedOut: boolean, now: number): void {
    this.#timeoutRate = this.#timeoutRate * 0.9 + (timedOut ? 0.1 : 0);
    if (timedOut) {
      this.#cleanRun = 0;
      if (
        this.#timeoutRate > 0.3 &&
        now - this.#lastCut >= this.#cooldown &&
        this.#limit > this.#timeoutFloor
      ) {
        this.#lastCut = now;
        this.#set(Math.max(this.#timeoutFloor, Math.floor(this.#limit * 0.75)));
      }
      return;
    }
    if (this.#limit < this.max && ++this.#cleanRun >= this.#limit) {
      this.#cleanRun = 0;
      this.#limit = Math.min(this.max, Math.ceil(this.#limit * 1.5));
    }
  }

  #set(value: number): void {
    this.#limit = value;
    if (value < this.#lowest) this.#lowest = value;
  }
}
