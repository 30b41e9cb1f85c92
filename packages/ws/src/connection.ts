import { NetworkTimeoutError, type NetworkError } from '@net/errors';
import { hasTimeout, startDeadline, type Deadline } from '@net/errors/internal';
import type { Frame } from './encode-frame.js';
import { mapSocketError } from './map-error.js';
import type { ResolvedOptions } from './options.js';
import { Transport, type TransportEvents } from './transport.js';

/**
 * What a connection reports to its owner (the client); nothing arrives after `close` or
 * `drop()`. One object serves every client: the owner is passed in, so a connection costs no
 * bound closures.
 */
export interface ConnectionEvents<Owner> {
  open(owner: Owner, connection: Connection<Owner>): void;
  message(owner: Owner, data: string | Uint8Array, isBinary: boolean): void;
  pong(owner: Owner): void;
  /** The connection ended (closed, dropped, timed out, or failed to open); see `opened` and `error`. */
  close(
    owner: Owner,
    connection: Connection<Owner>,
    code: number,
    reason: string,
    wasClean: boolean,
  ): void;
}

/**
 * One connection attempt and, once it opens, the connection: its transport, the deadlines of
 * the opening and closing handshakes, and the first error it reported. Every attempt is a new
 * object, so a late event or timer of an abandoned socket cannot touch the one that replaced it.
 * It listens to its transport through its own `on*` methods (see TransportEvents).
 */
export class Connection<Owner = unknown> implements TransportEvents {
  readonly transport: Transport;
  readonly #url: string;
  readonly #events: ConnectionEvents<Owner>;
  readonly #owner: Owner;
  #opened = false;
  #ended = false;
  #error: NetworkError | undefined;
  /** The connect deadline while opening, then the close deadline while closing. */
  #deadline: Deadline | undefined;

  /** Throws what the transport's constructor throws (e.g. a header ws rejects). */
  constructor(
    options: ResolvedOptions,
    target: string,
    events: ConnectionEvents<Owner>,
    owner: Owner,
  ) {
    this.#url = options.url;
    this.#events = events;
    this.#owner = owner;
    this.transport = new Transport(options, this);
    const timeout = options.connectTimeout;
    if (hasTimeout(timeout)) {
      this.#deadline = startDeadline({
        timeout,
        onTimeout: () =>
          new NetworkTimeoutError(`WebSocket connect timed out after ${timeout} ms: ${target}`, {
            timeoutMs: timeout,
            phase: 'connect',
          }),
      });
      this.#deadline.expired.catch((error: NetworkError) => this.fail(error));
    }
  }

  /** Whether the handshake completed. */
  get opened(): boolean {
    return this.#opened;
  }

  /** Open and not yet ended. */
  get live(): boolean {
    return this.#opened && !this.#ended;
  }

  /** Whether a frame may be written now. */
  get writable(): boolean {
    return this.live && this.transport.open;
  }

  /** The first error this connection reported, if any. */
  get error(): NetworkError | undefined {
    return this.#error;
  }

  /** The subprotocol the server chose ('' for none or when not open). */
  get protocol(): string {
    return this.live ? this.transport.protocol : '';
  }

  /** Bytes the open socket has not yet written (0 when not open). */
  get bufferedAmount(): number {
    return this.live ? this.transport.bufferedAmount : 0;
  }

  send(frame: Frame): void {
    this.transport.send(frame);
  }

  /**
   * Starts the closing handshake and gives the peer `timeout` ms (Infinity: no limit) to answer
   * it, or until `signal` aborts; then `onLate` runs, since a peer that never answers must not
   * hold close() open.
   */
  close(
    code: number,
    reason: string,
    timeout: number,
    signal: AbortSignal | undefined,
    onLate: () => void,
  ): void {
    this.transport.close(code, reason);
    this.#stopTimers();
    const late = new Error('close timed out');
    this.#deadline = startDeadline({ timeout, signal, onTimeout: () => late, onAbort: () => late });
    this.#deadline.expired.catch(onLate);
  }

  /**
   * Ends the connection now with `error` as its cause (a timeout): the client hears `close`
   * at once instead of waiting for a socket that may never report one.
   */
  fail(error: NetworkError): void {
    this.#error = error;
    this.onClose(1006, '', false);
    this.transport.terminate();
  }

  /** The client abandons this connection: it reports nothing more. */
  drop(): void {
    this.#ended = true;
    this.#stopTimers();
    this.transport.terminate();
  }

  onOpen(): void {
    if (this.#ended) return;
    this.#stopTimers();
    this.#opened = true;
    this.#events.open(this.#owner, this);
  }

  onMessage(data: string | Uint8Array, isBinary: boolean): void {
    if (!this.#ended) this.#events.message(this.#owner, data, isBinary);
  }

  onPong(): void {
    this.#events.pong(this.#owner);
  }

  onError(err: unknown, statusCode: number | undefined): void {
    // The first error is the cause; what follows (e.g. the close) is its consequence.
    if (this.#ended) return;
    this.#error ??= mapSocketError(err, this.#url, this.#opened ? 'open' : 'connect', statusCode);
  }

  onClose(code: number, reason: string, wasClean: boolean): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stopTimers();
    this.#events.close(this.#owner, this, code, reason, wasClean);
  }

  #stopTimers(): void {
    this.#deadline?.clear();
    this.#deadline = undefined;
  }
}
