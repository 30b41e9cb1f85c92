import { NetworkTimeoutError } from '@net/errors';
import type { Connection } from './connection.js';
import { encodeFrame } from './encode-frame.js';
import { joinClock, leaveClock, type ClockMember } from './heartbeat-clock.js';
import type { ResolvedOptions } from './options.js';

type HeartbeatSettings = Exclude<ResolvedOptions['heartbeat'], false>;

/**
 * Detects a dead peer on the current connection. On every tick of the shared clock (each
 * `interval`) it pings, unless the last ping is still unanswered; if no frame at all arrives
 * within `timeout` of a ping, the connection fails with a NetworkTimeoutError. `seen()` runs for
 * every incoming frame, so it only clears the dead-man timer, which exists only while a ping is
 * outstanding: an idle connection holds no timer of its own.
 */
export class ConnectionHeartbeat implements ClockMember {
  #connection: Connection | undefined;
  #protocolPing = false;
  #deadline: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly options: HeartbeatSettings,
    /** The redacted URL, for the timeout's message. */
    private readonly target: string,
  ) {}

  /** Pings over `connection` from now on (a no-op in a browser without `message`). */
  start(connection: Connection): void {
    this.stop();
    const h = this.options;
    // A browser cannot send protocol pings: there 'ping' mode falls back to the message, if any.
    const protocolPing = h.mode !== 'message' && connection.transport.canPing;
    if (!protocolPing && h.message === undefined) return;
    this.#protocolPing = protocolPing;
    this.#connection = connection;
    joinClock(h.interval, this);
  }

  /** Proof of life: a pong or any other frame. */
  seen(): void {
    if (this.#deadline !== undefined) {
      clearTimeout(this.#deadline);
      this.#deadline = undefined;
    }
  }

  stop(): void {
    this.seen();
    if (this.#connection === undefined) return;
    this.#connection = undefined;
    leaveClock(this.options.interval, this);
  }

  tick(): void {
    const connection = this.#connection;
    if (connection === undefined || this.#deadline !== undefined) return;
    const timeout = this.options.timeout;
    // timeout 0/Infinity: keep pinging (idle proxies see traffic) but never declare death.
    if (Number.isFinite(timeout)) this.#deadline = setTimeout(() => this.#dead(), timeout);
    // The app-level ping bypasses the outbox: it is not the caller's data and needs no sequence number.
    if (this.#protocolPing) connection.transport.ping();
    else connection.transport.send(encodeFrame(this.options.message));
  }

  #dead(): void {
    const connection = this.#connection;
    this.#deadline = undefined;
    this.stop();
    const timeout = this.options.timeout;
    connection?.fail(
      new NetworkTimeoutError(`WebSocket heartbeat timed out after ${timeout} ms: ${this.target}`, {
        timeoutMs: timeout,
        phase: 'idle',
      }),
    );
  }
}
