import type { Message } from './message.js';

/**
 * An async iterator over received messages. It buffers what arrives between `next()` calls,
 * ends when the client closes, and throws the error that closed the client, if one did.
 */
export class MessageStream implements AsyncIterableIterator<Message> {
  #buffer: Message[] = [];
  #head = 0;
  #waiting:
    { resolve: (r: IteratorResult<Message>) => void; reject: (e: Error) => void } | undefined;
  #done = false;
  #error: Error | undefined;
  readonly #detach: (stream: MessageStream) => void;

  constructor(detach: (stream: MessageStream) => void) {
    this.#detach = detach;
  }

  /** Called by the client for each message. */
  push(message: Message): void {
    if (this.#waiting) {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting.resolve({ value: message, done: false });
    } else {
      this.#buffer.push(message);
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
