import { ErrorCodes, NetworkError, toNetworkError, type ConnectionError } from '@net/errors';
import {
  checkOptionKeys,
  checkSignal,
  checkTimeout,
  hasTimeout,
  rejected,
  toBytes,
  withDeadline,
} from '@net/errors/internal';
import type { Socket } from 'node:net';
import { ByteQueue } from './byte-queue.js';
import {
  CLOSE_OPTION_KEYS,
  SEND_OPTION_KEYS,
  SHUTDOWN_OPTION_KEYS,
  WRITE_FRAME_OPTION_KEYS,
  type CloseOptions,
  type ConnectionSettings,
  type FramesOptions,
  type ReadLineOptions,
  type ReadOptions,
  type ReceiveOptions,
  type SendOptions,
  type ShutdownOptions,
} from './connection-options.js';
import { abortError, closedError, errorContext, timeoutError } from './connection-errors.js';
import { encodeFrame, resolveFrameOptions, type FrameOptions } from './frame-decoder.js';
import { NOT_READY, PendingRead, type Waiter } from './pending-read.js';
import {
  frameRequest,
  readExactlyRequest,
  readLineRequest,
  receiveRequest,
  timedOptions,
  type ReadRequest,
  type Timed,
} from './read-requests.js';
import { DrainWaiters } from './wait-for-drain.js';

/**
 * One TCP (or TLS) connection with a pull-style read API and backpressured writes. `TCPClient`
 * extends it and the connections `TCPServer` hands to `onConnection` are instances of it, so
 * both sides read and write the same way. Construct a `TCPClient`; a `TCPConnection` is never
 * built directly.
 *
 * Received bytes wait in a queue until read; when more than `highWaterMark` bytes wait and no
 * read is pending the socket is paused, so a slow consumer bounds memory instead of buffering
 * whatever the peer sends. Reads are served in the order they were called.
 *
 * Half-open connections work both ways: a FIN from the peer ends reads (they return `null`
 * once the queue is empty) but not writes, and `shutdownWrite()` sends our FIN while reads go on.
 *
 * When the socket fails (a reset), bytes that arrived before the failure are still read first;
 * then reads reject with the error. A ProtocolError (an oversized line or frame) poisons the
 * connection instead: the socket is destroyed, buffered bytes are dropped, and every later call
 * rejects with the same error — after an oversized length-prefixed frame the stream position is
 * lost, so nothing later could be trusted.
 */
export class TCPConnection implements AsyncDisposable {
  /** @internal */
  protected readonly settings: ConnectionSettings;
  #socket: Socket | undefined;
  #queue = new ByteQueue();
  #waiters: Waiter[] = [];
  #drains = new DrainWaiters();
  /** The peer sent FIN: reads end once the queue is empty; writes go on (half-open). */
  #ended = false;
  /** The socket failed or closed under us: queued bytes stay readable, then reads reject with it. */
  #readError: NetworkError | undefined;
  /** Nothing more can be read or written (ProtocolError, idle timeout, destroy()). */
  #failure: NetworkError | undefined;
  #writeShut: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  /** Connections come from `TCPClient` (a subclass) and `TCPServer`, never from `new TCPConnection()`. */
  protected constructor(settings: ConnectionSettings) {
    this.settings = settings;
  }

  /** The peer's address, once connected. */
  get remoteAddress(): string | undefined {
    return this.#socket?.remoteAddress;
  }
  /** The peer's port, once connected. */
  get remotePort(): number | undefined {
    return this.#socket?.remotePort;
  }
  /** Our address, once connected. */
  get localAddress(): string | undefined {
    return this.#socket?.localAddress;
  }
  /** Our port, once connected. */
  get localPort(): number | undefined {
    return this.#socket?.localPort;
  }
  /** Bytes received and not yet read. */
  get readableLength(): number {
    return this.#queue.length;
  }
  /** Bytes written and not yet handed to the kernel. */
  get writableLength(): number {
    return this.#socket?.writableLength ?? 0;
  }
  /** True once the peer sent FIN (reads end; writes may go on). */
  get readEnded(): boolean {
    return this.#ended;
  }
  /** True once our write side is shut down (`shutdownWrite()`, `close()`). */
  get writeEnded(): boolean {
    return this.#writeShut !== undefined || this.#closing !== undefined;
  }
  /** True once the connection was closed by either side or failed. */
  get closed(): boolean {
    return (
      this.#failure !== undefined ||
      this.#closing !== undefined ||
      (this.#socket?.destroyed ?? false)
    );
  }

  /** @internal Wires a connected socket (created with `allowHalfOpen: true`) into the reader. */
  _attach(socket: Socket): void {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      // Once closing, what still arrives is read only to reach the peer's FIN, and dropped.
      if (this.#closing || this.#failure) return;
      this.#queue.push(chunk);
      this.#pump();
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#pump();
    });
    socket.on('drain', () => this.#drains.drained());
    socket.on('error', (err) => {
      if (this.#failure || this.#readError) return;
      this.#readError = toNetworkError(err, this.#context('read'));
      this.#drains.failAll(this.#readError);
      this.#pump();
    });
    socket.on('close', () => {
      const error =
        this.#failure ??
        this.#readError ??
        this.#closedError(this.#closing ? 'connection closed locally' : 'connection closed');
      this.#drains.failAll(error);
      // Closed with neither a FIN nor an error (destroyed under us): queued bytes stay readable.
      if (!this.#ended && !this.#failure && !this.#readError) this.#readError = error;
      this.#pump();
    });
  }

  /** @internal Fails the connection (idle timeout, server shutdown). */
  _fail(error: NetworkError): void {
    this.#poison(error);
  }

  /**
   * Up to `maxBytes` of what has arrived, waiting for at least one byte; `null` at end of stream.
   */
  receive(options?: ReceiveOptions): Promise<Buffer | null> {
    let request: ReadRequest<Buffer | null>;
    try {
      request = receiveRequest(this.#queue, options, this.settings.timeout);
    } catch (err) {
      return rejected(err);
    }
    return this.#read(request);
  }

  /** Exactly `n` bytes; rejects with ConnectionError (closed) if the stream ends first, leaving the partial bytes queued. */
  readExactly(n: number, options?: ReadOptions): Promise<Buffer> {
    let request: ReadRequest<Buffer>;
    try {
      request = readExactlyRequest(this.#queue, n, options, this.settings.timeout, (have, want) =>
        this.#closedError(`connection closed after ${have} of ${want} bytes`),
      );
    } catch (err) {
      return rejected(err);
    }
    return this.#read(request);
  }

  /**
   * The next line without its delimiter; at end of stream an unterminated last line is returned
   * as is, then `null`. A line longer than `maxLength` rejects with ProtocolError and poisons
   * the connection (see the class notes).
   */
  readLine(options?: ReadLineOptions): Promise<string | null> {
    let request: ReadRequest<string | null>;
    try {
      request = readLineRequest(this.#queue, options, this.settings.timeout);
    } catch (err) {
      return rejected(err);
    }
    return this.#read(request);
  }

  /**
   * The incoming stream cut into frames, as an async iterator that ends at end of stream.
   * Breaking out of the loop leaves the connection open.
   *
   * @example
   * for await (const frame of conn.frames({ framing: 'length-prefixed', lengthBytes: 2 })) handle(frame);
   */
  async *frames(options?: FramesOptions): AsyncGenerator<Buffer, void, undefined> {
    const request = frameRequest(this.#queue, options);
    for (;;) {
      const frame = await this.#read(request);
      if (frame === null) return;
      yield frame;
    }
  }

  /**
   * Writes `data`; resolves at once while the socket buffer has room, otherwise when it drains,
   * so a loop of `await send()` against a slow reader holds at most one chunk in memory. Rejects
   * with ConnectionError at once when the connection can no longer send (closed, reset, write
   * side shut down) — and as soon as that happens while it waits.
   */
  send(data: string | Uint8Array, options?: SendOptions): Promise<void> {
    let bytes: Buffer;
    let timed: Timed;
    try {
      bytes = toBytes('data', data);
      timed = this.#timed(checkOptionKeys<SendOptions>('options', options, SEND_OPTION_KEYS));
    } catch (err) {
      return rejected(err);
    }
    return this.#write(bytes, timed);
  }

  /** Encodes `data` as one frame (see `frames()`) and sends it. */
  writeFrame(data: string | Uint8Array, options?: FrameOptions & SendOptions): Promise<void> {
    let bytes: Buffer;
    let timed: Timed;
    try {
      const opts = checkOptionKeys<FrameOptions & SendOptions>(
        'options',
        options,
        WRITE_FRAME_OPTION_KEYS,
      );
      bytes = encodeFrame(
        data,
        resolveFrameOptions({
          framing: opts.framing,
          lengthBytes: opts.lengthBytes,
          delimiter: opts.delimiter,
          maxFrameSize: opts.maxFrameSize,
        }),
      );
      timed = this.#timed(opts);
    } catch (err) {
      return rejected(err);
    }
    return this.#write(bytes, timed);
  }

  /**
   * Half-close: sends FIN after the data already queued, while reads go on until the peer
   * closes its side (what `nc -N` and `shutdown(SHUT_WR)` do). Resolves once the FIN is handed
   * to the kernel; later sends reject with ConnectionError. Idempotent.
   */
  shutdownWrite(options?: ShutdownOptions): Promise<void> {
    let timed: Timed;
    try {
      timed = this.#timed(
        checkOptionKeys<ShutdownOptions>('options', options, SHUTDOWN_OPTION_KEYS),
      );
    } catch (err) {
      return rejected(err);
    }
    if (!this.#writeShut) {
      const blocked = this.#writeBlocked();
      if (blocked) return Promise.reject(blocked);
      const socket = this.#socket!;
      this.#writeShut = new Promise<void>((resolve, reject) => {
        const onClose = () =>
          reject(
            this.#failure ??
              this.#readError ??
              this.#closedError('connection closed before the FIN was sent'),
          );
        socket.once('close', onClose);
        socket.end(() => {
          socket.off('close', onClose);
          resolve();
        });
      });
      // Settled here even when nobody awaits a later call.
      this.#writeShut.catch(() => {});
    }
    const finished = this.#writeShut;
    return withDeadline(
      {
        timeout: timed.timeout,
        signal: timed.signal,
        onTimeout: () => timeoutError(this.settings, 'shutdown timed out', timed.timeout, 'total'),
        onAbort: (signal) => this.#abortError(signal),
      },
      () => finished,
    );
  }

  /** The same as `shutdownWrite()`, named as `net.Socket.end()`. */
  end(options?: ShutdownOptions): Promise<void> {
    return this.shutdownWrite(options);
  }

  /**
   * Ends the connection gracefully: sends FIN, waits up to `timeout` for the peer to finish, then
   * destroys the socket. Reads still pending reject with ConnectionError (closed). Idempotent.
   */
  close(options?: CloseOptions): Promise<void> {
    let timed: Timed;
    try {
      const opts = checkOptionKeys<CloseOptions>('options', options, CLOSE_OPTION_KEYS);
      timed = {
        timeout: checkTimeout('timeout', opts.timeout, 2_000),
        signal: checkSignal('signal', opts.signal),
      };
    } catch (err) {
      return rejected(err);
    }
    const { signal } = timed;
    if (signal?.aborted) {
      this.#socket?.destroy();
      return Promise.reject(this.#abortError(signal));
    }
    this.#closing ??= this.#closeSocket(timed.timeout);
    if (!signal) return this.#closing;
    const closing = this.#closing;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#socket?.destroy();
        reject(this.#abortError(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      void closing.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  /** Closes at once, without waiting for the peer. */
  destroy(): void {
    this.#poison(this.#closedError('connection destroyed'));
  }

  /** `close()` with its defaults, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #closeSocket(timeout: number): Promise<void> {
    const socket = this.#socket;
    const pendingError = this.#closedError('connection closed locally');
    for (const waiter of this.#waiters.splice(0)) waiter.fail(pendingError);
    this.#queue.clear();
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = hasTimeout(timeout) ? setTimeout(() => socket.destroy(), timeout) : undefined;
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (!socket.writableEnded) socket.end();
      // A socket paused by a full queue would never see the peer's FIN.
      socket.resume();
    });
  }

  #timed(options: Partial<ReadOptions>): Timed {
    return timedOptions(options, this.settings.timeout);
  }

  #read<T>({ attempt, atEnd, timed: { timeout, signal } }: ReadRequest<T>): Promise<T> {
    const unusable = this.#failure ?? this.#closingError() ?? this.#notConnected();
    if (unusable) return Promise.reject(unusable);
    if (this.#waiters.length === 0) {
      try {
        const value = attempt();
        if (value !== NOT_READY) {
          this.#flow();
          return Promise.resolve(value);
        }
        if (this.#readError) return Promise.reject(this.#readError);
        if (this.#ended) return Promise.resolve(atEnd());
      } catch (err) {
        if (err instanceof NetworkError && err.code === ErrorCodes.PROTOCOL) this.#poison(err);
        return rejected(err);
      }
    }
    if (signal?.aborted) return Promise.reject(this.#abortError(signal));
    return new Promise<T>((resolve, reject) => {
      const waiter = new PendingRead(attempt, atEnd, resolve, reject);
      waiter.arm(
        timeout,
        () => timeoutError(this.settings, 'read timed out', timeout, 'response'),
        signal,
        () => this.#abortError(signal!),
        () => {
          const at = this.#waiters.indexOf(waiter);
          if (at !== -1) this.#waiters.splice(at, 1);
        },
      );
      this.#waiters.push(waiter);
      // Queued behind other reads after the stream ended or failed: settle with the rest now.
      if (this.#ended || this.#readError) this.#pump();
      else this.#flow();
    });
  }

  #write(bytes: Buffer, { timeout, signal }: Timed): Promise<void> {
    const blocked =
      this.#writeBlocked() ?? (this.#writeShut && this.#closedError('write side shut down'));
    if (blocked) return Promise.reject(blocked);
    if (signal?.aborted) return Promise.reject(this.#abortError(signal));
    if (this.#socket!.write(bytes)) return Promise.resolve();
    return this.#drains.wait(timeout, signal, {
      timedOut: (ms) =>
        timeoutError(this.settings, 'send timed out waiting for drain', ms, 'total'),
      aborted: (sig) => this.#abortError(sig),
    });
  }

  /** Why nothing can be written now, if so (a shut write side is checked by the caller). */
  #writeBlocked(): NetworkError | undefined {
    const socket = this.#socket;
    return (
      this.#failure ??
      this.#readError ??
      this.#closingError() ??
      this.#notConnected() ??
      (socket!.destroyed || !socket!.writable ? this.#closedError('connection closed') : undefined)
    );
  }

  #closingError(): ConnectionError | undefined {
    return this.#closing ? this.#closedError('connection closed locally') : undefined;
  }

  #notConnected(): ConnectionError | undefined {
    return this.#socket ? undefined : this.#closedError('not connected');
  }

  #pump(): void {
    while (this.#waiters.length > 0) {
      let done: boolean;
      try {
        done = this.#waiters[0]!.attempt();
      } catch (err) {
        this.#poison(
          err instanceof NetworkError ? err : toNetworkError(err, this.#context('read')),
        );
        return;
      }
      if (!done) break;
      this.#waiters.shift();
    }
    if (this.#waiters.length > 0) {
      const error = this.#readError;
      if (error) for (const waiter of this.#waiters.splice(0)) waiter.fail(error);
      else if (this.#ended) for (const waiter of this.#waiters.splice(0)) waiter.end();
    }
    this.#flow();
  }

  /** Pauses the socket while enough is buffered and nobody waits; resumes otherwise. */
  #flow(): void {
    const socket = this.#socket;
    if (!socket || socket.destroyed || this.#closing) return;
    const full = this.#queue.length >= this.settings.highWaterMark && this.#waiters.length === 0;
    if (full && !socket.isPaused()) socket.pause();
    else if (!full && socket.isPaused()) socket.resume();
  }

  #poison(error: NetworkError): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#queue.clear();
    for (const waiter of this.#waiters.splice(0)) waiter.fail(error);
    this.#drains.failAll(error);
    this.#socket?.destroy();
  }

  #context(operation: string) {
    return errorContext(this.settings, operation);
  }

  #closedError(what: string): ConnectionError {
    return closedError(this.settings, what);
  }

  #abortError(signal: AbortSignal) {
    return abortError(this.settings, signal);
  }
}

/** A connection accepted by TCPServer: the only way besides TCPClient to build one. */
class AcceptedConnection extends TCPConnection {
  constructor(settings: ConnectionSettings, socket: Socket) {
    super(settings);
    this._attach(socket);
  }
}

/** Wraps a socket a server accepted (created with `allowHalfOpen: true`). */
export function acceptConnection(settings: ConnectionSettings, socket: Socket): TCPConnection {
  return new AcceptedConnection(settings, socket);
}
