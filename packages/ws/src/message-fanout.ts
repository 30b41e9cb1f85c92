import type { Message } from './message.js';
import { MessageStream, type StreamLimits } from './message-stream.js';
import type { MessagesOptions } from './option-types.js';

/**
 * The client's open message iterators. It hands each received message to all of them and
 * counts those over their high-water mark, telling the client when the first fills up and
 * when the last drains: one full iterator is enough to pause the socket.
 */
export class MessageFanout {
  // Created with the first iterator: most connections of a busy process never open one.
  #streams: Set<MessageStream> | undefined;
  /** Iterators over their high-water mark. */
  #pressure = 0;

  constructor(
    private readonly onPressure: (full: boolean) => void,
    /** Whether the socket can be paused (Node); browsers' iterators overflow loudly instead. */
    private readonly pausable: boolean,
    private readonly overflowError: (unread: number, bytes: number, limits: StreamLimits) => Error,
  ) {}

  /** Whether any iterator is over its high-water mark (the socket should stay paused). */
  get full(): boolean {
    return this.#pressure > 0;
  }

  /** A new iterator with checked `limits`; `ended` (the client is closed) makes one that is already done. */
  open(limits: Required<MessagesOptions>, ended: boolean): MessageStream {
    const streamLimits: StreamLimits = { ...limits, pausable: this.pausable };
    const stream = new MessageStream(
      (s) => this.#streams?.delete(s),
      (_s, over) => this.#onStreamPressure(over),
      streamLimits,
      (unread, bytes) => this.overflowError(unread, bytes, streamLimits),
    );
    if (ended) stream.end();
    else (this.#streams ??= new Set()).add(stream);
    return stream;
  }

  push(message: Message): void {
    const streams = this.#streams;
    // Checked first: iterating an empty Set still allocates an iterator per message.
    if (streams !== undefined && streams.size > 0)
      for (const stream of streams) stream.push(message);
  }

  /** The client closed for good: every iterator ends (with `error`, if it closed on one). */
  end(error: Error | undefined): void {
    const streams = this.#streams;
    this.#streams = undefined;
    this.#pressure = 0;
    if (streams !== undefined) for (const stream of streams) stream.end(error);
  }

  #onStreamPressure(over: boolean): void {
    const before = this.#pressure;
    this.#pressure = Math.max(0, before + (over ? 1 : -1));
    if (before === 0 && this.#pressure === 1) this.onPressure(true);
    else if (before > 0 && this.#pressure === 0) this.onPressure(false);
  }
}
