import {
  NetworkTimeoutError,
  argOutOfRange,
  invalidArgType,
  invalidArgValue,
  redactUrl,
  type NetworkError,
  type WebSocketError,
} from '@net/errors';
import { backoffDelay } from './backoff.js';
import { checkClose } from './close-code.js';
import { encodeFrame, frameBytes, ownFrame, type SendData } from './encode-frame.js';
import { EventHub } from './event-hub.js';
import { Heartbeat } from './heartbeat.js';
import { mapSocketError } from './map-error.js';
import { Message } from './message.js';
import { MessageStream } from './message-stream.js';
import { resolveOptions, type ResolvedOptions, type WebSocketClientOptions } from './options.js';
import { Outbox } from './outbox.js';
import { Transport, browserSocket } from './transport.js';
import {
  abortedError,
  clientClosedError,
  closedBeforeOpenError,
  droppedError,
  queueFullError,
} from './client-errors.js';
import type { WebSocketClientEvents } from './events.js';
import { FlushWatch } from './flush-watch.js';
import { Waiters } from './waiters.js';

/**
 * `idle` (not connected yet, or the first connect failed) → `connecting` → `open` →
 * `reconnecting` (after a drop: back-off and attempts) → `open` … → `closing` → `closed` (final).
 */
export type WebSocketState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closing' | 'closed';

const DEFAULT_HIGH_WATER_MARK = 1_000;

const EVENTS = new Set(['open', 'message', 'close', 'reconnecting', 'error']);

/**
 * A WebSocket client that reconnects with back-off, queues what is sent while disconnected,
 * detects dead peers, and runs in Node (via ws) and in browsers.
 *
 * @example
 * const ws = new WebSocketClient({ url: 'wss://example.com/feed' });
 * await ws.connect();
 * ws.send({ subscribe: 'ticker' });
 * for await (const m of ws) console.log(m.json());
 */
export class WebSocketClient implements AsyncIterable<Message>, AsyncDisposable {
  /** The URL, with credentials redacted. */
  readonly url: string;
  readonly #o: ResolvedOptions;
  readonly #hub = new EventHub<WebSocketClientEvents>();
  readonly #outbox: Outbox;
  readonly #streams = new Set<MessageStream>();
  readonly #openWaiters = new Waiters();
  readonly #flushes = new FlushWatch(() => this.#isFlushed());
  #state: WebSocketState = 'idle';
  #transport: Transport | undefined;
  #live = false;
  #everOpened = false;
  #attempt = 0;
  #seq = 0;
  /** Iterators over their high-water mark; while any is, the socket is paused. */
  #pressure = 0;
  #attemptError: NetworkError | undefined;
  #heartbeat: Heartbeat | undefined;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #closed: Promise<void> | undefined;
  #resolveClosed: (() => void) | undefined;
  #finalClose: { code: number; reason: string } | undefined;

  constructor(options: WebSocketClientOptions) {
    this.#o = resolveOptions(options);
    this.url = redactUrl(this.#o.url);
    this.#outbox = new Outbox(this.#o.queue.maxMessages, this.#o.queue.maxBytes);
  }

  get state(): WebSocketState {
    return this.#state;
  }

  /** The subprotocol the server chose for the current connection ('' for none or when not open). */
  get protocol(): string {
    return this.#live ? (this.#transport?.protocol ?? '') : '';
  }

  /** Messages buffered by the client: waiting for a connection and, with acks, unacknowledged. */
  get queued(): number {
    return this.#outbox.size;
  }

  /** Bytes buffered by the client plus bytes the open socket has not yet written. */
  get bufferedAmount(): number {
    return this.#outbox.bytes + (this.#live ? (this.#transport?.bufferedAmount ?? 0) : 0);
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends keyof WebSocketClientEvents>(
    event: E,
    listener: (payload: WebSocketClientEvents[E]) => void,
  ): () => void {
    if (!EVENTS.has(event)) throw invalidArgValue('event', `Unknown event ${String(event)}.`);
    if (typeof listener !== 'function') throw invalidArgType('listener', 'a function', listener);
    return this.#hub.on(event, listener);
  }

  /**
   * Opens the connection. Resolves when it is open; the first attempt is not retried (a wrong
   * URL or a server that is down is reported at once), later drops are reconnected.
   */
  connect(options: { signal?: AbortSignal } = {}): Promise<void> {
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      return Promise.reject(invalidArgType('signal', 'an AbortSignal', signal));
    }
    if (signal?.aborted) return Promise.reject(abortedError(this.#o.url, 'connect', signal));
    if (this.#state === 'open') return Promise.resolve();
    if (this.#state === 'closing' || this.#state === 'closed')
      return Promise.reject(this.#closedError('connect'));
    if (this.#state === 'idle') {
      this.#state = 'connecting';
      this.#startAttempt();
    }
    return this.#openWaiters.wait(signal, () => {
      // The caller gave up: a first attempt nobody else waits for is cancelled.
      if (this.#state === 'connecting' && this.#openWaiters.size === 0) {
        this.#dropTransport();
        this.#state = 'idle';
      }
      return abortedError(this.#o.url, 'connect', signal!);
    });
  }

  /**
   * Sends a string (text frame), binary data (binary frame) or any other JSON value (as text).
   * While not open, the message is queued and sent in order after the next (re)connect.
   * @throws WebSocketError ERR_NET_WS_QUEUE_FULL when the queue is full, ERR_NET_WS_CLOSED after close().
   */
  send(data: SendData): void {
    const frame = encodeFrame(data);
    if (this.#state === 'closing' || this.#state === 'closed') throw this.#closedError('send');
    const acks = this.#o.acks;
    if (acks === false) {
      // The hot path: nothing queued ahead of this message, so it may go straight out.
      if (this.#outbox.size === 0 && this.#live && this.#transport!.open) {
        this.#transport!.send(frame);
        return;
      }
      const bytes = frameBytes(frame);
      if (!this.#outbox.fits(bytes)) throw queueFullError(this.#o.url, this.#outbox, this.#o.queue);
      this.#outbox.push({ frame: ownFrame(frame), bytes, seq: 0, data });
    } else {
      const seq = this.#seq + 1;
      const wrapped = encodeFrame(acks.wrap(seq, data), 'acks.wrap() result');
      const bytes = frameBytes(wrapped);
      if (!this.#outbox.fits(bytes)) throw queueFullError(this.#o.url, this.#outbox, this.#o.queue);
      this.#seq = seq;
      this.#outbox.push({ frame: ownFrame(wrapped), bytes, seq, data });
    }
    this.#writeOutbox();
  }

  /**
   * Resolves when nothing is queued (with acks: nothing is unacknowledged) and the open socket
   * has written everything (`bufferedAmount` is 0). Rejects with ERR_NET_WS_CLOSED if the client closes first.
   */
  flush(options: { signal?: AbortSignal } = {}): Promise<void> {
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      return Promise.reject(invalidArgType('signal', 'an AbortSignal', signal));
    }
    if (this.#state === 'closed') return Promise.reject(this.#closedError('flush'));
    if (signal?.aborted) return Promise.reject(abortedError(this.#o.url, 'flush', signal));
    return this.#flushes.wait(signal, () => abortedError(this.#o.url, 'flush', signal!));
  }

  /**
   * An async iterator over messages received from now on; it ends when the client closes.
   * When it holds `highWaterMark` unread messages, the client stops reading the socket (Node:
   * TCP backpressure reaches the server; heartbeats pause too) until it is down to a quarter.
   * Browsers cannot pause a WebSocket, so there the buffer grows.
   */
  messages(options: { highWaterMark?: number } = {}): AsyncIterableIterator<Message> {
    const highWaterMark = options?.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    if (
      typeof highWaterMark !== 'number' ||
      !Number.isInteger(highWaterMark) ||
      highWaterMark < 1
    ) {
      throw argOutOfRange('highWaterMark', 'a positive integer', highWaterMark);
    }
    const stream = new MessageStream(
      (s) => this.#streams.delete(s),
      (_s, over) => this.#onPressure(over),
      highWaterMark,
    );
    if (this.#state === 'closed') stream.end();
    else this.#streams.add(stream);
    return stream;
  }

  [Symbol.asyncIterator](): AsyncIterator<Message> {
    return this.messages();
  }

  /**
   * Closes for good: stops reconnecting, sends a close frame and waits up to `closeTimeout` for
   * the server's, then settles every pending promise (connect and flush reject with
   * ERR_NET_WS_CLOSED, iterators end). Queued messages are handed back in the final `close` event.
   * `signal` stops waiting for the server and drops the connection at once.
   */
  close(code = 1000, reason = '', options: { signal?: AbortSignal } = {}): Promise<void> {
    try {
      checkClose(code, reason, browserSocket);
      if (options?.signal !== undefined && !(options.signal instanceof AbortSignal)) {
        throw invalidArgType('signal', 'an AbortSignal', options.signal);
      }
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    if (this.#closed) return this.#closed;
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    const transport = this.#transport;
    this.#state = 'closing';
    this.#clearTimers();
    if (transport === undefined || !this.#live) {
      this.#dropTransport();
      this.#finalize(code, reason, true, undefined);
    } else {
      // A paused socket would never read the server's close frame.
      if (this.#pressure > 0) transport.resume();
      transport.close(code, reason);
      const force = () => {
        this.#dropTransport();
        this.#finalize(1006, '', false, undefined);
      };
      this.#closeTimer = setTimeout(force, this.#o.closeTimeout);
      const signal = options?.signal;
      if (signal?.aborted) force();
      else if (signal) {
        signal.addEventListener('abort', force, { once: true });
        void this.#closed.then(() => signal.removeEventListener('abort', force));
      }
    }
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #startAttempt(): void {
    this.#attemptError = undefined;
    this.#live = false;
    let transport: Transport;
    try {
      transport = new Transport(this.#o, {
        open: () => this.#transport === transport && this.#onOpen(transport),
        message: (data, isBinary) =>
          this.#transport === transport && this.#onMessage(data, isBinary),
        pong: () => this.#heartbeat?.seen(),
        error: (err, statusCode) => {
          if (this.#transport === transport) {
            this.#attemptError ??= mapSocketError(
              err,
              this.#o.url,
              this.#live ? 'open' : 'connect',
              statusCode,
            );
          }
        },
        close: (code, reason, wasClean) => this.#onSocketClose(transport, code, reason, wasClean),
      });
    } catch (err) {
      // The constructor can throw (e.g. a header ws rejects); report it like any failed attempt.
      const error = mapSocketError(err, this.#o.url, 'connect');
      queueMicrotask(() => this.#onAttemptFailed(error));
      return;
    }
    this.#transport = transport;
    this.#connectTimer = setTimeout(() => {
      this.#attemptError = new NetworkTimeoutError(
        `WebSocket connect timed out after ${this.#o.connectTimeout} ms: ${this.url}`,
        { timeoutMs: this.#o.connectTimeout, phase: 'connect' },
      );
      this.#onSocketClose(transport, 1006, '', false);
      transport.terminate();
    }, this.#o.connectTimeout);
  }

  #onOpen(transport: Transport): void {
    clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    const reconnected = this.#everOpened;
    this.#everOpened = true;
    this.#live = true;
    this.#attempt = 0;
    this.#state = 'open';
    this.#outbox.rewind();
    this.#writeOutbox();
    if (this.#pressure > 0) transport.pause();
    else this.#startHeartbeat(transport);
    this.#hub.emit('open', { protocol: transport.protocol, reconnected });
    this.#openWaiters.resolveAll();
    this.#flushes.check();
  }

  #onMessage(data: string | Uint8Array, isBinary: boolean): void {
    this.#heartbeat?.seen();
    const message = new Message(data, isBinary);
    const acks = this.#o.acks;
    if (acks !== false) {
      let seq: number | undefined;
      try {
        seq = acks.ackOf(message);
      } catch {
        seq = undefined;
      }
      if (typeof seq === 'number') {
        this.#outbox.acknowledge(seq);
        if (this.#flushes.pending) this.#flushes.check();
        if (!acks.deliverAcks) return;
      }
    }
    this.#hub.emit('message', message);
    // Checked first: iterating an empty Set still allocates an iterator per message.
    if (this.#streams.size > 0) for (const stream of this.#streams) stream.push(message);
  }

  #onPressure(over: boolean): void {
    const before = this.#pressure;
    this.#pressure = Math.max(0, before + (over ? 1 : -1));
    const transport = this.#transport;
    if (before === 0 && this.#pressure === 1) {
      // Paused, the socket reads no pongs either: the heartbeat would see a dead peer.
      this.#heartbeat?.stop();
      this.#heartbeat = undefined;
      if (this.#live) transport?.pause();
    } else if (before > 0 && this.#pressure === 0 && this.#live && transport) {
      transport.resume();
      if (this.#state === 'open') this.#startHeartbeat(transport);
    }
  }

  #onSocketClose(transport: Transport, code: number, reason: string, wasClean: boolean): void {
    if (this.#transport !== transport) return;
    const wasOpen = this.#live;
    this.#transport = undefined;
    this.#live = false;
    clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    this.#heartbeat?.stop();
    this.#heartbeat = undefined;
    if (this.#state === 'closing') {
      this.#finalize(code, reason, wasClean, undefined);
      return;
    }
    if (!wasOpen) {
      this.#onAttemptFailed(this.#attemptError ?? closedBeforeOpenError(this.#o.url, code));
      return;
    }
    let error = this.#attemptError;
    if (error === undefined && code === 1006) {
      error = droppedError(this.#o.url);
    }
    if (error) {
      this.#hub.emit('error', error);
      if (this.#state !== 'open') return; // a listener called close()
    }
    if (this.#shouldReconnect(code)) {
      // Listeners of this close already see the state they may act on (send() queues).
      this.#state = 'reconnecting';
      this.#hub.emit('close', { code, reason, wasClean, willReconnect: true, discarded: [] });
      if (this.#state !== 'reconnecting') return; // a listener called close()
      this.#scheduleReconnect(error);
    } else {
      this.#finalize(code, reason, wasClean, error);
    }
  }

  #onAttemptFailed(error: NetworkError): void {
    if (this.#state === 'connecting') {
      // A first connect reports to its caller and leaves the client ready to try again.
      this.#state = 'idle';
      this.#openWaiters.rejectAll(error);
      return;
    }
    if (this.#state !== 'reconnecting') return;
    this.#hub.emit('error', error);
    if (this.#state !== 'reconnecting') return; // a listener called close()
    if (!error.retryable) this.#finalize(1006, '', false, error);
    else this.#scheduleReconnect(error);
  }

  #shouldReconnect(code: number): boolean {
    const r = this.#o.reconnect;
    if (r === false || r.maxAttempts === 0) return false;
    try {
      return r.shouldReconnect(code) === true;
    } catch {
      return false;
    }
  }

  #scheduleReconnect(error: NetworkError | undefined): void {
    const r = this.#o.reconnect;
    if (r === false || this.#attempt >= r.maxAttempts) {
      this.#finalize(1006, '', false, error);
      return;
    }
    this.#state = 'reconnecting';
    const attempt = ++this.#attempt;
    const delay = backoffDelay(attempt, r);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#startAttempt();
    }, delay);
    this.#hub.emit('reconnecting', { attempt, delay, error });
  }

  #startHeartbeat(transport: Transport): void {
    this.#heartbeat?.stop();
    this.#heartbeat = undefined;
    const h = this.#o.heartbeat;
    if (h === false) return;
    // A browser cannot send protocol pings: there 'ping' mode falls back to the message, if any.
    const useProtocolPing = h.mode !== 'message' && transport.canPing;
    if (!useProtocolPing && h.message === undefined) return;
    // The app-level ping bypasses the outbox: it is not the caller's data and needs no sequence number.
    const ping = useProtocolPing
      ? () => transport.ping()
      : () => transport.send(encodeFrame(h.message));
    this.#heartbeat = new Heartbeat(h, ping, () => {
      this.#attemptError = new NetworkTimeoutError(
        `WebSocket heartbeat timed out after ${h.timeout} ms: ${this.url}`,
        { timeoutMs: h.timeout, phase: 'idle' },
      );
      this.#onSocketClose(transport, 1006, '', false);
      transport.terminate();
    });
    this.#heartbeat.start();
  }

  #writeOutbox(): void {
    const transport = this.#transport;
    if (!this.#live || transport === undefined || !transport.open || this.#outbox.unwritten === 0)
      return;
    this.#outbox.writeAll((frame) => transport.send(frame), this.#o.acks !== false);
  }

  #isFlushed(): boolean {
    if (this.#outbox.size > 0) return false;
    return !this.#live || this.#transport === undefined || this.#transport.bufferedAmount === 0;
  }

  #dropTransport(): void {
    const transport = this.#transport;
    this.#transport = undefined;
    this.#live = false;
    transport?.terminate();
  }

  #clearTimers(): void {
    clearTimeout(this.#connectTimer);
    clearTimeout(this.#reconnectTimer);
    this.#connectTimer = undefined;
    this.#reconnectTimer = undefined;
    this.#heartbeat?.stop();
    this.#heartbeat = undefined;
  }

  #finalize(
    code: number,
    reason: string,
    wasClean: boolean,
    error: NetworkError | undefined,
  ): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#finalClose = { code, reason };
    this.#clearTimers();
    clearTimeout(this.#closeTimer);
    this.#closeTimer = undefined;
    this.#dropTransport();
    const discarded = this.#outbox.drain();
    this.#openWaiters.rejectAll(error ?? this.#closedError('connect'));
    this.#flushes.rejectAll(this.#closedError('flush', error));
    for (const stream of this.#streams) stream.end(error);
    this.#streams.clear();
    this.#pressure = 0;
    this.#hub.emit('close', { code, reason, wasClean, willReconnect: false, discarded });
    this.#closed ??= Promise.resolve();
    this.#resolveClosed?.();
  }

  #closedError(operation: string, cause?: unknown): WebSocketError {
    return clientClosedError(this.#o.url, operation, this.#finalClose, cause);
  }
}
