/**
 * Detects a dead peer. Every `interval` it pings (through `ping`), unless the last ping is
 * still unanswered; if no frame at all arrives within `timeout` of a ping, `onDead` runs.
 * `seen()` is called for every incoming frame, so it only sets a flag and, once per ping,
 * clears the dead-man timer: the hot message path stays cheap.
 */
export class Heartbeat {
  #interval: ReturnType<typeof setInterval> | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly options: { interval: number; timeout: number },
    private readonly ping: () => void,
    private readonly onDead: () => void,
  ) {}

  start(): void {
    this.stop();
    this.#interval = setInterval(() => this.#tick(), this.options.interval);
  }

  /** Proof of life: a pong or any other frame. */
  seen(): void {
    if (this.#deadline !== undefined) {
      clearTimeout(this.#deadline);
      this.#deadline = undefined;
    }
  }

  stop(): void {
    if (this.#interval !== undefined) clearInterval(this.#interval);
    if (this.#deadline !== undefined) clearTimeout(this.#deadline);
    this.#interval = undefined;
    this.#deadline = undefined;
  }

  #tick(): void {
    if (this.#deadline !== undefined) return;
    // timeout 0/Infinity: keep pinging (idle proxies see traffic) but never declare death.
    if (!Number.isFinite(this.options.timeout)) {
      this.ping();
      return;
    }
    this.#deadline = setTimeout(() => {
      this.#deadline = undefined;
      this.stop();
      this.onDead();
    }, this.options.timeout);
    this.ping();
  }
}
