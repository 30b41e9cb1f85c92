import type { Message } from './message.js';

/** What a stream tells its client: it went over its high-water mark (`true`) or drained (`false`). */
export type PressureListener = (stream: MessageStream, over: boolean) => void;

/**
 * An async iterator over received messages. It buffers what arrives between `next()` calls,
 * ends when the client closes, and throws the error that closed the client, if one did.
 * Past `highWaterMark` buffered messages it reports pressure, so the client can stop reading
 * the socket; it reports relief once a quarter of that is left.
 */
export class MessageStream implements AsyncIterableIterator<Message> {
  #buffer: Message[] = [];
  #head = 0;
  #waiting:
    { resolve: (r: IteratorResult<Message>) => void; reject: (e: Error) => void } | undefined;
  #done = false;
  #error: Error | undefined;
  #over = false;
  readonly #detach: (stream: MessageStream) => void;
  readonly #pressure: PressureListener;
  readonly #highWaterMark: number;

  constructor(
    detach: (stream: MessageStream) => void,
    pressure: PressureListener,
    highWaterMark: number,
  ) {
    this.#detach = detach;
    this.#pressure = pressure;
    this.#highWaterMark = highWaterMark;
  }

  #setOver(over: boolean): void {
    if (this.#over === over) return;
    this.#over = over;
    this.#pressure(this, over);
  }

  /** Called by the client for each message. */
  push(message: Message): void {
    if (this.#waiting) {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting.resolve({ value: message, done: false });
    } else {
      this.#buffer.push(message);
      if (this.#buffer.length - this.#head >= this.#highWaterMark) this.#setOver(true);
    }
  }

  /** Called by the client when it is closed for good; buffered messages are still delivered first. */
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
      if (this.#head === this.#buffer.length) {
        this.#buffer = [];
        this.#head = 0;
      }
      if (this.#over && this.#buffer.length - this.#head <= this.#highWaterMark >> 2)
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
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
