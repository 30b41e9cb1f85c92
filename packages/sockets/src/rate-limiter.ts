/**
 * A token bucket: at most `rate` starts per second on average, with bursts of up to a tenth of
 * a second's worth, so a rate limit also smooths the start of the scan.
 */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #last: number;

  constructor(rate: number, now: number) {
    this.#rate = rate;
    this.#burst = Math.max(1, rate / 10);
    this.#tokens = 1;
    this.#last = now;
  }

  /** Takes a token if one is available. */
  tryTake(now: number): boolean {
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) * this.#rate) / 1000);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token. */
  waitTime(): number {
    return Math.max(1, Math.ceil(((1 - this.#tokens) * 1000) / this.#rate));
  }
}
