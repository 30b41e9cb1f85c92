import type { WebSocketError } from '@net/errors';
import { queueFullError } from './client-errors.js';
import type { Connection } from './connection.js';
import {
  encodeFrame,
  frameBytes,
  maxFrameBytes,
  ownFrame,
  type Frame,
  type SendData,
} from './encode-frame.js';
import type { Message } from './message.js';
import type { ResolvedOptions } from './options.js';
import { Outbox } from './outbox.js';

/**
 * Everything `send()` decides: write now or queue, number and re-send messages in ack mode,
 * and refuse what would take the client past its bounds. The bytes bound counts the queue and
 * the open socket's unwritten bytes together, in every state, so a peer that stops reading
 * cannot make the client buffer without limit. The queue itself is created on first use.
 */
export class SendBuffer {
  #outbox: Outbox | undefined;
  /** The last sequence number handed out in ack mode. */
  #seq = 0;

  constructor(private readonly options: ResolvedOptions) {}

  /** Messages buffered (waiting plus, in ack mode, unacknowledged). */
  get size(): number {
    return this.#outbox?.size ?? 0;
  }

  /** Bytes of the buffered messages. */
  get bytes(): number {
    return this.#outbox?.bytes ?? 0;
  }

  /**
   * Writes `frame` to `conn` if it is writable and nothing waits ahead, else queues it.
   * @throws WebSocketError ERR_NET_WS_QUEUE_FULL (nothing taken) past `queue.maxBytes`/`maxMessages`.
   */
  send(data: SendData, frame: Frame, conn: Connection<unknown> | undefined): void {
    const acks = this.options.acks;
    const socketBytes = conn === undefined ? 0 : conn.bufferedAmount;
    if (acks === false) {
      // The hot path: nothing queued ahead, so it may go straight out. The exact UTF-8 size is
      // only counted when the cheap upper bound does not already fit.
      if ((this.#outbox === undefined || this.#outbox.size === 0) && conn?.writable) {
        const max = this.options.queue.maxBytes;
        if (socketBytes + maxFrameBytes(frame) > max) {
          const bytes = frameBytes(frame);
          if (socketBytes + bytes > max) throw this.#full(socketBytes, bytes);
        }
        conn.send(frame);
        return;
      }
      const outbox = this.#queue();
      const bytes = frameBytes(frame);
      if (!outbox.fits(bytes, socketBytes)) throw this.#full(socketBytes, bytes);
      outbox.push({ frame: ownFrame(frame), bytes, seq: 0, data });
    } else {
      const outbox = this.#queue();
      const seq = this.#seq + 1;
      const wrapped = encodeFrame(acks.wrap(seq, data), 'acks.wrap() result');
      const bytes = frameBytes(wrapped);
      if (!outbox.fits(bytes, socketBytes)) throw this.#full(socketBytes, bytes);
      this.#seq = seq;
      outbox.push({ frame: ownFrame(wrapped), bytes, seq, data });
    }
    this.writeQueued(conn);
  }

  /** Writes what waits, in order, if `conn` is writable (ack mode keeps it until acknowledged). */
  writeQueued(conn: Connection<unknown> | undefined): void {
    const outbox = this.#outbox;
    if (!conn?.writable || outbox === undefined || outbox.unwritten === 0) return;
    outbox.writeAll((frame) => conn.send(frame), this.options.acks !== false);
  }

  /** A connection opened: in ack mode everything unacknowledged is written again, first. */
  reopened(conn: Connection<unknown>): void {
    if (this.#outbox === undefined) return;
    this.#outbox.rewind();
    this.writeQueued(conn);
  }

  /**
   * In ack mode, whether `message` is an acknowledgement (then applied: acknowledged messages
   * are dropped). A throwing `ackOf` (e.g. `json()` on a non-JSON message) means "not an ack".
   */
  acknowledgedBy(message: Message): boolean {
    const acks = this.options.acks;
    if (acks === false) return false;
    let seq: number | undefined;
    try {
      seq = acks.ackOf(message);
    } catch {
      return false;
    }
    if (typeof seq !== 'number') return false;
    this.#outbox?.acknowledge(seq);
    return true;
  }

  /** Empties the buffer (the client closed for good), returning what it held, in order. */
  drain(): SendData[] {
    return this.#outbox?.drain() ?? [];
  }

  #queue(): Outbox {
    const { maxMessages, maxBytes } = this.options.queue;
    return (this.#outbox ??= new Outbox(maxMessages, maxBytes));
  }

  #full(socketBytes: number, bytes: number): WebSocketError {
    const buffered = this.bytes + socketBytes;
    return queueFullError(
      this.options.url,
      { queued: this.size, buffered, bytes },
      this.options.queue,
    );
  }
}
