import { argOutOfRange } from '@net/errors';
import type { Message } from './message.js';
import { MessageStream } from './message-stream.js';

const DEFAULT_HIGH_WATER_MARK = 1_000;

/**
 * The client's open message iterators. It hands each received message to all of them and
 * counts those over their high-water mark, telling the client when the first fills up and
 * when the last drains: one full iterator is enough to pause the socket.
 */
export class MessageFanout {
  readonly #streams = new Set<MessageStream>();
  /** Iterators over their high-water mark. */
  #pressure = 0;

  constructor(private readonly onPressure: (full: boolean) => void) {}

  /** Whether any iterator is over its high-water mark (the socket should stay paused). */
  get full(): boolean {
    return this.#pressure > 0;
  }

  /** A new iterator; `ended` (the client is closed) makes one that is already done. */
  open(highWaterMark: number | undefined, ended: boolean): MessageStream {
    const limit = highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
      throw argOutOfRange('highWaterMark', 'a positive integer', limit);
    }
    const stream = new MessageStream(
      (s) => this.#streams.delete(s),
      (_s, over) => this.#onStreamPressure(over),
      limit,
    );
    if (ended) stream.end();
    else this.#streams.add(stream);
    return stream;
  }

  push(message: Message): void {
    // Checked first: iterating an empty Set still allocates an iterator per message.
    if (this.#streams.size > 0) for (const stream of this.#streams) stream.push(message);
  }

  /** The client closed for good: every iterator ends (with `error`, if it closed on one). */
  end(error: Error | undefined): void {
    for (const stream of this.#streams) stream.end(error);
    this.#streams.clear();
    this.#pressure = 0;
  }

  #onStreamPressure(over: boolean): void {
    const before = this.#pressure;
    this.#pressure = Math.max(0, before + (over ? 1 : -1));
    if (before === 0 && this.#pressure === 1) this.onPressure(true);
    else if (before > 0 && this.#pressure === 0) this.onPressure(false);
  }
}
