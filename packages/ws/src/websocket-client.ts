import {
  invalidArgType,
  invalidArgValue,
  redactUrl,
  type NetworkError,
  type WebSocketError,
} from '@net/errors';
import { callSignal } from './call-options.js';
import type { WebSocketState } from './client-state.js';
import { checkClose } from './close-code.js';
import { Connection, type ConnectionEvents } from './connection.js';
import { ConnectionHeartbeat } from './connection-heartbeat.js';
import { clientDefaults, type WebSocketClientDefaults } from './defaults.js';
import { encodeFrame, type SendData } from './encode-frame.js';
import { EventHub } from './event-hub.js';
import { mapSocketError } from './map-error.js';
import { Message } from './message.js';
import { MessageFanout } from './message-fanout.js';
import type {
  CloseOptions,
  MessagesOptions,
  SignalOptions,
  WebSocketClientOptions,
} from './option-types.js';
import { resolveMessagesOptions, resolveOptions, type ResolvedOptions } from './options.js';
import { ReconnectSchedule } from './reconnect-schedule.js';
import { browserSocket } from './transport.js';
import {
  abortedError,
  clientClosedError,
  closedBeforeOpenError,
  droppedError,
  iteratorOverflowError,
} from './client-errors.js';
import type { WebSocketClientEvents } from './events.js';
import { FlushWatch } from './flush-watch.js';
import { Waiters } from './waiters.js';
import { rejected } from '@net/errors/internal';
import { SendBuffer } from './send-buffer.js';

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
  /**
   * Every default option, deep-frozen: `WebSocketClient.defaults.queue.maxBytes`,
   * `WebSocketClient.defaults.reconnect.shouldReconnect` (to extend the default policy) …
   */
  static readonly defaults: WebSocketClientDefaults = clientDefaults;

  /** The URL, with credentials redacted. */
  readonly url: string;
  /** One listener object for every connection of every client: the client is passed in. */
  static readonly #connEvents: ConnectionEvents<WebSocketClient> = {
    open: (client, conn) => client.#onOpen(conn),
    message: (client, data, isBinary) => client.#onMessage(data, isBinary),
    pong: (client) => client.#heartbeat?.seen(),
    close: (client, conn, code, reason, wasClean) =>
      client.#onSocketClose(conn, code, reason, wasClean),
  };

  readonly #o: ResolvedOptions;
  readonly #sendBuffer: SendBuffer;
  // The collaborators below are created when first needed, not per client: an idle connection
  // of a process holding thousands should cost little more than ws's own socket.
  #hub: EventHub<WebSocketClientEvents> | undefined;
  #fanout: MessageFanout | undefined;
  #openWaiters: Waiters | undefined;
  #flushes: FlushWatch | undefined;
  #reconnect: ReconnectSchedule | undefined;
  #heartbeat: ConnectionHeartbeat | undefined;
  #state: WebSocketState = 'idle';
  /** The current attempt or open connection; undefined between them. */
  #conn: Connection<WebSocketClient> | undefined;
  #everOpened = false;
  #closed: Promise<void> | undefined;
  #resolveClosed: (() => void) | undefined;
  #finalClose: { code: number; reason: string } | undefined;

  constructor(options: WebSocketClientOptions) {
    this.#o = resolveOptions(options);
    this.#sendBuffer = new SendBuffer(this.#o);
    const href = this.#o.url;
    const redacted = redactUrl(href);
    // The same string when there was nothing to redact: one copy per client, not two.
    this.url = redacted === href ? href : redacted;
  }

  /** Where the client is in its life (see `WebSocketState`). */
  get state(): WebSocketState {
    return this.#state;
  }

  /** The subprotocol the server chose for the current connection ('' for none or when not open). */
  get protocol(): string {
    return this.#conn?.protocol ?? '';
  }

  /** Messages buffered by the client: waiting for a connection and, with acks, unacknowledged. */
  get queued(): number {
    return this.#sendBuffer.size;
  }

  /** Bytes buffered by the client plus bytes the open socket has not yet written. */
  get bufferedAmount(): number {
    return this.#sendBuffer.bytes + (this.#conn?.bufferedAmount ?? 0);
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends keyof WebSocketClientEvents>(
    event: E,
    listener: (payload: WebSocketClientEvents[E]) => void,
  ): () => void {
    if (!EVENTS.has(event)) throw invalidArgValue('event', `Unknown event ${String(event)}.`);
    if (typeof listener !== 'function') throw invalidArgType('listener', 'a function', listener);
    return (this.#hub ??= new EventHub()).on(event, listener);
  }

  /**
   * Opens the connection. Resolves when it is open; the first attempt is not retried (a wrong
   * URL or a server that is down is reported at once), later drops are reconnected.
   */
  connect(options?: SignalOptions): Promise<void> {
    let signal: AbortSignal | undefined;
    try {
      signal = callSignal(options);
    } catch (err) {
      return rejected(err);
    }
    if (signal?.aborted) return Promise.reject(abortedError(this.#o.url, 'connect', signal));
    if (this.#state === 'open') return Promise.resolve();
    if (this.#state === 'closing' || this.#state === 'closed')
      return Promise.reject(this.#closedError('connect'));
    if (this.#state === 'idle') {
      this.#state = 'connecting';
      this.#startAttempt();
    }
    const waiters = (this.#openWaiters ??= new Waiters());
    return waiters.wait(signal, () => {
      // The caller gave up: a first attempt nobody else waits for is cancelled.
      if (this.#state === 'connecting' && waiters.size === 0) {
        this.#dropConnection();
        this.#state = 'idle';
      }
      return abortedError(this.#o.url, 'connect', signal!);
    });
  }

  /**
   * Sends a string (text frame), binary data (binary frame) or any other JSON value (as text).
   * While not open, the message is queued and sent in order after the next (re)connect.
   * What the client holds — the queue plus the open socket's unwritten bytes — never passes
   * `queue.maxBytes` (nor the queue `queue.maxMessages`): past it `send()` throws and the
   * message is not taken; `await flush()` waits until the socket has drained.
   * @throws WebSocketError ERR_NET_WS_QUEUE_FULL when the message does not fit, ERR_NET_WS_CLOSED after close().
   */
  send(data: SendData): void {
    const frame = encodeFrame(data);
    if (this.#state === 'closing' || this.#state === 'closed') throw this.#closedError('send');
    this.#sendBuffer.send(data, frame, this.#conn);
  }

  /**
   * Resolves when nothing is queued (with acks: nothing is unacknowledged) and the open socket
   * has written everything (`bufferedAmount` is 0). Rejects with ERR_NET_WS_CLOSED if the client closes first.
   */
  flush(options?: SignalOptions): Promise<void> {
    let signal: AbortSignal | undefined;
    try {
      signal = callSignal(options);
    } catch (err) {
      return rejected(err);
    }
    if (this.#state === 'closed') return Promise.reject(this.#closedError('flush'));
    if (signal?.aborted) return Promise.reject(abortedError(this.#o.url, 'flush', signal));
    this.#flushes ??= new FlushWatch(() => this.#isFlushed());
    return this.#flushes.wait(signal, () => abortedError(this.#o.url, 'flush', signal!));
  }

  /**
   * An async iterator over messages received from now on; it ends when the client closes.
   * Its unread buffer is bounded by `highWaterMark` messages and `highWaterBytes`. In Node the
   * client stops reading the socket at either bound (TCP backpressure reaches the server;
   * heartbeats pause too) until it is down to a quarter. Browsers cannot pause a WebSocket:
   * there a message arriving while the iterator is at a bound makes it throw WebSocketError
   * ERR_NET_WS_QUEUE_FULL after the buffered messages, instead of growing without limit.
   */
  messages(options?: MessagesOptions): AsyncIterableIterator<Message> {
    const limits = resolveMessagesOptions(options);
    this.#fanout ??= new MessageFanout(
      (full) => this.#onPressure(full),
      !browserSocket,
      (unread, bytes, bounds) => iteratorOverflowError(this.#o.url, unread, bytes, bounds),
    );
    return this.#fanout.open(limits, this.#state === 'closed');
  }

  /** `for await (const m of client)`: the same as `messages()` with the default bounds. */
  [Symbol.asyncIterator](): AsyncIterator<Message> {
    return this.messages();
  }

  /**
   * Closes for good: stops reconnecting, sends a close frame and waits up to `closeTimeout` for
   * the server's, then settles every pending promise (connect and flush reject with
   * ERR_NET_WS_CLOSED, iterators end). Queued messages are handed back in the final `close` event.
   * `signal` stops waiting for the server and drops the connection at once.
   */
  close(code = 1000, reason = '', options?: CloseOptions): Promise<void> {
    let signal: AbortSignal | undefined;
    try {
      checkClose(code, reason, browserSocket);
      signal = callSignal(options);
    } catch (err) {
      return rejected(err);
    }
    if (this.#closed) return this.#closed;
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    const conn = this.#conn;
    this.#state = 'closing';
    this.#clearTimers();
    if (conn === undefined || !conn.live) {
      this.#dropConnection();
      this.#finalize(code, reason, true, undefined);
    } else {
      // A paused socket would never read the server's close frame.
      if (this.#fanout?.full) conn.transport.resume();
      conn.close(code, reason, this.#o.closeTimeout, signal, () => {
        this.#dropConnection();
        this.#finalize(1006, '', false, undefined);
      });
    }
    return this.#closed;
  }

  /** `await using client = new WebSocketClient(…)`: `close()` with code 1000. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #startAttempt(): void {
    try {
      this.#conn = new Connection(this.#o, this.url, WebSocketClient.#connEvents, this);
    } catch (err) {
      // The constructor can throw (e.g. a header ws rejects); report it like any failed attempt.
      const error = mapSocketError(err, this.#o.url, 'connect');
      queueMicrotask(() => this.#onAttemptFailed(error));
    }
  }

  #onOpen(conn: Connection<WebSocketClient>): void {
    const reconnected = this.#everOpened;
    this.#everOpened = true;
    this.#reconnect?.reset();
    this.#state = 'open';
    this.#sendBuffer.reopened(conn);
    if (this.#fanout?.full) conn.transport.pause();
    else this.#startHeartbeat(conn);
    this.#hub?.emit('open', { protocol: conn.transport.protocol, reconnected });
    this.#openWaiters?.resolveAll();
    this.#flushes?.check();
  }

  #startHeartbeat(conn: Connection<WebSocketClient>): void {
    const options = this.#o.heartbeat;
    if (options === false) return;
    (this.#heartbeat ??= new ConnectionHeartbeat(options, this.url)).start(conn);
  }

  #onMessage(data: string | Uint8Array, isBinary: boolean): void {
    this.#heartbeat?.seen();
    const message = new Message(data, isBinary);
    const acks = this.#o.acks;
    if (acks !== false && this.#sendBuffer.acknowledgedBy(message)) {
      if (this.#flushes?.pending) this.#flushes.check();
      if (!acks.deliverAcks) return;
    }
    this.#hub?.emit('message', message);
    this.#fanout?.push(message);
  }

  #onPressure(full: boolean): void {
    const conn = this.#conn;
    if (full) {
      // Paused, the socket reads no pongs either: the heartbeat would see a dead peer.
      this.#heartbeat?.stop();
      if (conn?.live) conn.transport.pause();
    } else if (conn?.live) {
      conn.transport.resume();
      if (this.#state === 'open') this.#startHeartbeat(conn);
    }
  }

  #onSocketClose(
    conn: Connection<WebSocketClient>,
    code: number,
    reason: string,
    wasClean: boolean,
  ): void {
    this.#conn = undefined;
    this.#heartbeat?.stop();
    if (this.#state === 'closing') {
      this.#finalize(code, reason, wasClean, undefined);
      return;
    }
    if (!conn.opened) {
      this.#onAttemptFailed(conn.error ?? closedBeforeOpenError(this.#o.url, code));
      return;
    }
    const error = conn.error ?? (code === 1006 ? droppedError(this.#o.url) : undefined);
    if (error) {
      this.#hub?.emit('error', error);
      if (this.#state !== 'open') return; // a listener called close()
    }
    if ((this.#reconnect ??= new ReconnectSchedule(this.#o.reconnect)).allows(code)) {
      // Listeners of this close already see the state they may act on (send() queues).
      this.#state = 'reconnecting';
      this.#hub?.emit('close', { code, reason, wasClean, willReconnect: true, discarded: [] });
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
      this.#openWaiters?.rejectAll(error);
      return;
    }
    if (this.#state !== 'reconnecting') return;
    this.#hub?.emit('error', error);
    if (this.#state !== 'reconnecting') return; // a listener called close()
    if (!error.retryable) this.#finalize(1006, '', false, error);
    else this.#scheduleReconnect(error);
  }

  #scheduleReconnect(error: NetworkError | undefined): void {
    const next = (this.#reconnect ??= new ReconnectSchedule(this.#o.reconnect)).next(() =>
      this.#startAttempt(),
    );
    if (next === undefined) {
      this.#finalize(1006, '', false, error);
      return;
    }
    this.#state = 'reconnecting';
    this.#hub?.emit('reconnecting', { attempt: next.attempt, delay: next.delay, error });
  }

  #isFlushed(): boolean {
    if (this.#sendBuffer.size > 0) return false;
    return (this.#conn?.bufferedAmount ?? 0) === 0;
  }

  #dropConnection(): void {
    const conn = this.#conn;
    this.#conn = undefined;
    conn?.drop();
  }

  #clearTimers(): void {
    this.#reconnect?.cancel();
    this.#heartbeat?.stop();
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
    this.#dropConnection();
    const discarded = this.#sendBuffer.drain();
    this.#openWaiters?.rejectAll(error ?? this.#closedError('connect'));
    this.#flushes?.rejectAll(this.#closedError('flush', error));
    this.#fanout?.end(error);
    this.#hub?.emit('close', { code, reason, wasClean, willReconnect: false, discarded });
    this.#closed ??= Promise.resolve();
    this.#resolveClosed?.();
  }

  #closedError(operation: string, cause?: unknown): WebSocketError {
    return clientClosedError(this.#o.url, operation, this.#finalClose, cause);
  }
}
