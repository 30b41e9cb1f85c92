import type { Message } from './message.js';

/** What a stream tells its fan-out: it went over its high-water mark (`true`) or drained (`false`). */
export type PressureListener = (stream: MessageStream, over: boolean) => void;

/** The bounds of one stream's buffer and what it does when they are reached. */
export interface StreamLimits {
  highWaterMark: number;
  highWaterBytes: number;
  /**
   * Whether the socket can be paused (Node). If not (browsers), a message arriving while the
   * buffer is at a bound ends the stream with `overflow()`'s error instead of growing it.
   */
  pausable: boolean;
}

/** The size a message counts for against `highWaterBytes`. */
export function messageSize(message: Message): number {
  const data = message.data;
  return typeof data === 'string' ? data.length : data.byteLength;
}

/**
 * An async iterator over received messages. It buffers what arrives between `next()` calls,
 * ends when the client closes, and throws the error that closed the client, if one did.
 * At `highWaterMark` messages or `highWaterBytes` buffered it reports pressure, so the client
 * can stop reading the socket; it reports relief once a quarter of both is left.
 */
export class MessageStream implements AsyncIterableIterator<Message> {
  #buffer: Message[] = [];
  #head = 0;
  #bytes = 0;
  #waiting:
    { resolve: (r: IteratorResult<Message>) => void; reject: (e: Error) => void } | undefined;
  #done = false;
  #error: Error | undefined;
  #over = false;
  readonly #detach: (stream: MessageStream) => void;
  readonly #pressure: PressureListener;
  readonly #limits: StreamLimits;
  readonly #overflow: (unread: number, bytes: number) => Error;

  constructor(
    detach: (stream: MessageStream) => void,
    pressure: PressureListener,
    limits: StreamLimits,
    overflow: (unread: number, bytes: number) => Error,
  ) {
    this.#detach = detach;
    this.#pressure = pressure;
    this.#limits = limits;
    this.#overflow = overflow;
  }

  /** Unread messages buffered. */
  get unread(): number {
    return this.#buffer.length - this.#head;
  }

  /** Size of the unread messages (see `messageSize`). */
  get bytes(): number {
    return this.#bytes;
  }

  #setOver(over: boolean): void {
    if (this.#over === over) return;
    this.#over = over;
    this.#pressure(this, over);
  }

  #atBound(): boolean {
    return (
      this.#buffer.length - this.#head >= this.#limits.highWaterMark ||
      this.#bytes >= this.#limits.highWaterBytes
    );
  }

  /** Called by the fan-out for each message. */
  push(message: Message): void {
    if (this.#done) return;
    if (this.#waiting) {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting.resolve({ value: message, done: false });
      return;
    }
    if (!this.#limits.pausable && this.#atBound()) {
      // A browser keeps reading whatever we do: fail loudly rather than grow without limit.
      // What is buffered is still delivered, then the error says the rest was not kept.
      this.#detach(this);
      this.end(this.#overflow(this.unread, this.#bytes));
      return;
    }
    this.#buffer.push(message);
    this.#bytes += messageSize(message);
    if (this.#limits.pausable && this.#atBound()) this.#setOver(true);
  }

  /** Called when the client is closed for good; buffered messages are still delivered first. */
  end(error?: Error): void {
    if (this.#done) return;
    this.#done = true;
    this.#error = error;
    if (this.#waiting) {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (error === undefined) waiting.resolve({ value: undefined, done: true });
      else {
        this.#error = undefined;
        waiting.reject(error);
      }
    }
  }

  next(): Promise<IteratorResult<Message>> {
    if (this.#head < this.#buffer.length) {
      const value = this.#buffer[this.#head]!;
      this.#buffer[this.#head++] = undefined as unknown as Message;
      this.#bytes -= messageSize(value);
      if (this.#head === this.#buffer.length) {
        this.#buffer = [];
        this.#head = 0;
      }
      if (
        this.#over &&
        this.#buffer.length - this.#head <= this.#limits.highWaterMark >> 2 &&
        this.#bytes <= this.#limits.highWaterBytes / 4
      )
        this.#setOver(false);
      return Promise.resolve({ value, done: false });
    }
    if (this.#done) {
      const error = this.#error;
      if (error !== undefined) {
        // The error is reported once; later calls just see the end.
        this.#error = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  /** `break` in `for await`: stop receiving. */
  return(): Promise<IteratorResult<Message>> {
    this.#detach(this);
    this.#setOver(false);
    this.#done = true;
    this.#error = undefined;
    this.#buffer = [];
    this.#head = 0;
    this.#bytes = 0;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
