import {
  ErrorCodes,
  NetworkError,
  NetworkTimeoutError,
  toNetworkError,
  type AbortError,
  type ConnectionError,
} from '@net/errors';
import type { Socket } from 'node:net';
import {
  checkDuration,
  checkOptions,
  checkPositiveInt,
  rejected,
  timedOptions,
  toBytes,
} from './argument-checks.js';
import { ByteQueue } from './byte-queue.js';
import { abortError, closedError, errorContext, targetText } from './connection-errors.js';
import { waitForDrain } from './wait-for-drain.js';
import { NOT_READY, PendingRead, type Attempt, type Waiter } from './pending-read.js';
import {
  type CloseOptions,
  type ConnectionSettings,
  type FramesOptions,
  type ReadLineOptions,
  type ReadOptions,
  type ReceiveOptions,
  type SendOptions,
} from './connection-options.js';

import {
  FrameDecoder,
  encodeFrame,
  resolveFrameOptions,
  type FrameOptions,
  type ResolvedFrameOptions,
} from './frame-decoder.js';

/**
 * One TCP (or TLS) connection with a pull-style read API and backpressured writes. `TCPClient`
 * extends it and the connections `TCPServer` hands to `onConnection` are instances of it, so
 * both sides read and write the same way.
 *
 * Received bytes wait in a queue until read; when more than `highWaterMark` bytes wait and no
 * read is pending the socket is paused, so a slow consumer bounds memory instead of buffering
 * whatever the peer sends. Reads are served in the order they were called.
 *
 * A ProtocolError (an oversized line or frame) poisons the connection: the socket is destroyed,
 * buffered bytes are dropped, and every later call rejects with the same error — after an
 * oversized length-prefixed frame the stream position is lost, so nothing later could be trusted.
 */
export class TCPConnection implements AsyncDisposable {
  protected readonly settings: ConnectionSettings;
  #socket: Socket | undefined;
  #queue = new ByteQueue();
  #waiters: Waiter[] = [];
  #ended = false;
  #failure: NetworkError | undefined;
  #closing: Promise<void> | undefined;

  /** @internal Built by TCPClient and TCPServer. */
  constructor(settings: ConnectionSettings) {
    this.settings = settings;
  }

  /** The peer's address, once connected. */
  get remoteAddress(): string | undefined {
    return this.#socket?.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.#socket?.remotePort;
  }
  get localAddress(): string | undefined {
    return this.#socket?.localAddress;
  }
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
  /** True once the connection was closed by either side or failed. */
  get closed(): boolean {
    return (
      this.#failure !== undefined ||
      this.#closing !== undefined ||
      (this.#socket?.destroyed ?? false)
    );
  }

  /** @internal Wires a connected socket into the reader. */
  _attach(socket: Socket): void {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#queue.push(chunk);
      this.#pump();
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#pump();
    });
    socket.on('error', (err) => this.#poison(toNetworkError(err, this.#context('read'))));
    socket.on('close', () => {
      if (!this.#ended && !this.#failure) {
        this.#poison(this.#closedError('connection closed'));
      }
      // Reads still waiting after a clean end have been settled by #pump; nothing more can arrive.
      this.#settleAtEnd();
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
    let maxBytes: number;
    let opts: Partial<ReceiveOptions>;
    try {
      opts = checkOptions<ReceiveOptions>('options', options);
      maxBytes = checkPositiveInt('maxBytes', opts.maxBytes ?? 65_536);
    } catch (err) {
      return rejected(err);
    }
    return this.#read(
      () =>
        this.#queue.length > 0
          ? this.#queue.take(Math.min(maxBytes, this.#queue.length))
          : NOT_READY,
      () => null,
      opts,
    );
  }

  /** Exactly `n` bytes; rejects with ConnectionError (closed) if the stream ends first, leaving the partial bytes queued. */
  readExactly(n: number, options?: ReadOptions): Promise<Buffer> {
    let opts: Partial<ReadOptions>;
    try {
      checkPositiveInt('n', n);
      opts = checkOptions<ReadOptions>('options', options);
    } catch (err) {
      return rejected(err);
    }
    return this.#read(
      () => (this.#queue.length >= n ? this.#queue.take(n) : NOT_READY),
      () => {
        throw this.#closedError(`connection closed after ${this.#queue.length} of ${n} bytes`);
      },
      opts,
    );
  }

  /**
   * The next line without its delimiter; at end of stream an unterminated last line is returned
   * as is, then `null`. A line longer than `maxLength` rejects with ProtocolError and poisons
   * the connection (see the class notes).
   */
  readLine(options?: ReadLineOptions): Promise<string | null> {
    let decoder: FrameDecoder;
    let opts: Partial<ReadLineOptions>;
    try {
      opts = checkOptions<ReadLineOptions>('options', options);
      decoder = new FrameDecoder(
        resolveFrameOptions({
          framing: 'line',
          delimiter: opts.delimiter,
          maxFrameSize: opts.maxLength ?? 65_536,
        }),
      );
      if (opts.encoding !== undefined && !Buffer.isEncoding(opts.encoding)) {
        throw new TypeError(`Unknown encoding: ${String(opts.encoding)}`);
      }
    } catch (err) {
      return rejected(err);
    }
    const encoding = opts.encoding ?? 'utf8';
    return this.#read(
      () => decoder.next(this.#queue)?.toString(encoding) ?? NOT_READY,
      () => decoder.finish(this.#queue)?.toString(encoding) ?? null,
      opts,
    );
  }

  /**
   * The incoming stream cut into frames, as an async iterator that ends at end of stream.
   * Breaking out of the loop leaves the connection open.
   *
   * @example
   * for await (const frame of conn.frames({ framing: 'length-prefixed', lengthBytes: 2 })) handle(frame);
   */
  async *frames(options?: FramesOptions): AsyncGenerator<Buffer, void, undefined> {
    const opts = checkOptions<FramesOptions>('options', options);
    const decoder = new FrameDecoder(resolveFrameOptions(opts));
    const readOpts: ReadOptions = { timeout: opts.timeout ?? 0, signal: opts.signal };
    for (;;) {
      const frame = await this.#read(
        () => decoder.next(this.#queue) ?? NOT_READY,
        () => decoder.finish(this.#queue) ?? null,
        readOpts,
      );
      if (frame === null) return;
      yield frame;
    }
  }

  /**
   * Writes `data`; resolves at once while the socket buffer has room, otherwise when it drains,
   * so a loop of `await send()` against a slow reader holds at most one chunk in memory.
   */
  send(data: string | Uint8Array, options?: SendOptions): Promise<void> {
    let bytes: Buffer;
    let opts: Partial<SendOptions>;
    try {
      bytes = toBytes('data', data);
      opts = checkOptions<SendOptions>('options', options);
    } catch (err) {
      return rejected(err);
    }
    return this.#write(bytes, opts);
  }

  /** Encodes `data` as one frame (see `frames()`) and sends it. */
  writeFrame(data: string | Uint8Array, options?: FrameOptions & SendOptions): Promise<void> {
    let bytes: Buffer;
    try {
      const opts = checkOptions<FrameOptions & SendOptions>('options', options);
      bytes = encodeFrame(data, resolveFrameOptions(opts) satisfies ResolvedFrameOptions);
    } catch (err) {
      return rejected(err);
    }
    return this.#write(bytes, options ?? {});
  }

  /**
   * Ends the connection gracefully: sends FIN, waits up to `timeout` for the peer to finish, then
   * destroys the socket. Reads still pending reject with ConnectionError (closed). Idempotent.
   */
  close(options?: CloseOptions): Promise<void> {
    let timeout: number;
    try {
      timeout = checkDuration(
        'timeout',
        checkOptions<CloseOptions>('options', options).timeout ?? 2_000,
      );
    } catch (err) {
      return rejected(err);
    }
    this.#closing ??= this.#closeSocket(timeout);
    return this.#closing;
  }

  /** Closes at once, without waiting for the peer. */
  destroy(): void {
    this.#poison(this.#closedError('connection destroyed'));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #closeSocket(timeout: number): Promise<void> {
    const socket = this.#socket;
    const pendingError = this.#closedError('connection closed locally');
    for (const waiter of this.#waiters.splice(0)) waiter.fail(pendingError);
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => socket.destroy(), timeout);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
  }

  #read<T>(attempt: Attempt<T>, atEnd: () => T, options: Partial<ReadOptions>): Promise<T> {
    let timeout: number;
    let signal: AbortSignal | undefined;
    try {
      ({ timeout, signal } = timedOptions(options, this.settings.timeout));
    } catch (err) {
      return rejected(err);
    }
    const unusable = this.#unusable();
    if (unusable) return Promise.reject(unusable);
    if (this.#waiters.length === 0) {
      try {
        const value = attempt();
        if (value !== NOT_READY) {
          this.#flow();
          return Promise.resolve(value);
        }
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
        () =>
          new NetworkTimeoutError(`read timed out after ${timeout} ms: ${this.#targetText()}`, {
            timeoutMs: timeout,
            phase: 'response',
          }),
        signal,
        () => this.#abortError(signal!),
        () => {
          const at = this.#waiters.indexOf(waiter);
          if (at !== -1) this.#waiters.splice(at, 1);
        },
      );
      this.#waiters.push(waiter);
      // Queued behind other reads after the stream ended: settle with the rest now.
      if (this.#ended) this.#pump();
      else this.#flow();
    });
  }

  #write(bytes: Buffer, options: Partial<SendOptions>): Promise<void> {
    let timeout: number;
    let signal: AbortSignal | undefined;
    try {
      ({ timeout, signal } = timedOptions(options, this.settings.timeout));
    } catch (err) {
      return rejected(err);
    }
    const unusable = this.#unusable();
    if (unusable) return Promise.reject(unusable);
    const socket = this.#socket!;
    if (signal?.aborted) return Promise.reject(this.#abortError(signal));
    if (socket.write(bytes)) return Promise.resolve();
    return waitForDrain(socket, timeout, signal, {
      closed: () =>
        this.#failure ?? this.#closedError('connection closed before the data was sent'),
      timedOut: (ms) =>
        new NetworkTimeoutError(
          `send timed out waiting for drain after ${ms} ms: ${targetText(this.settings)}`,
          {
            timeoutMs: ms,
            phase: 'total',
          },
        ),
      aborted: (sig) => this.#abortError(sig),
    });
  }

  /** Why no read or write can start now, if so. */
  #unusable(): NetworkError | undefined {
    if (this.#failure) return this.#failure;
    if (this.#closing) return this.#closedError('connection closed locally');
    if (!this.#socket) return this.#closedError('not connected');
    return undefined;
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
    if (this.#ended) this.#settleAtEnd();
    this.#flow();
  }

  #settleAtEnd(): void {
    for (const waiter of this.#waiters.splice(0)) waiter.end();
  }

  /** Pauses the socket while enough is buffered and nobody waits; resumes otherwise. */
  #flow(): void {
    const socket = this.#socket;
    if (!socket || socket.destroyed) return;
    const full = this.#queue.length >= this.settings.highWaterMark && this.#waiters.length === 0;
    if (full && !socket.isPaused()) socket.pause();
    else if (!full && socket.isPaused()) socket.resume();
  }

  #poison(error: NetworkError): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#queue.clear();
    for (const waiter of this.#waiters.splice(0)) waiter.fail(error);
    this.#socket?.destroy();
  }

  #context(operation: string) {
    return errorContext(this.settings, operation);
  }

  #targetText(): string {
    return targetText(this.settings);
  }

  #closedError(what: string): ConnectionError {
    return closedError(this.settings, what);
  }

  #abortError(signal: AbortSignal): AbortError {
    return abortError(this.settings, signal);
  }
}
