import { NetworkTimeoutError } from '@net/errors';
import type { Connection } from './connection.js';
import { encodeFrame } from './encode-frame.js';
import { Heartbeat } from './heartbeat.js';
import type { ResolvedOptions } from './options.js';

/**
 * The heartbeat of the current connection: chooses how to ping over it and holds at most one
 * running Heartbeat, so an open, a pause or a close starts or stops it in one call.
 */
export class ConnectionHeartbeat {
  #current: Heartbeat | undefined;

  constructor(
    private readonly options: ResolvedOptions['heartbeat'],
    /** The redacted URL, for the timeout's message. */
    private readonly target: string,
  ) {}

  /** Pings over `connection`, which fails with a NetworkTimeoutError if the peer stops answering. */
  start(connection: Connection): void {
    this.stop();
    const h = this.options;
    if (h === false) return;
    const transport = connection.transport;
    // A browser cannot send protocol pings: there 'ping' mode falls back to the message, if any.
    const useProtocolPing = h.mode !== 'message' && transport.canPing;
    if (!useProtocolPing && h.message === undefined) return;
    // The app-level ping bypasses the outbox: it is not the caller's data and needs no sequence number.
    const ping = useProtocolPing
      ? () => transport.ping()
      : () => transport.send(encodeFrame(h.message));
    this.#current = new Heartbeat(h, ping, () =>
      connection.fail(
        new NetworkTimeoutError(
          `WebSocket heartbeat timed out after ${h.timeout} ms: ${this.target}`,
          {
            timeoutMs: h.timeout,
            phase: 'idle',
          },
        ),
      ),
    );
    this.#current.start();
  }

  /** Proof of life: a pong or any other frame. */
  seen(): void {
    this.#current?.seen();
  }

  stop(): void {
    this.#current?.stop();
    this.#current = undefined;
  }
}
