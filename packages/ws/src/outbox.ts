import type { Frame, SendData } from './encode-frame.js';

/** One buffered message: the frame to write and, in ack mode, its sequence number and original data. */
export interface OutboxEntry {
  frame: Frame;
  bytes: number;
  /** 0 outside ack mode. */
  seq: number;
  /** What the caller passed to `send()`, handed back if the client closes before delivery. */
  data: SendData;
}

/**
 * The outgoing buffer, in send order. Entries before `written` have been written to the
 * current socket (only kept in ack mode, until acknowledged); the rest wait for a connection.
 * A head index instead of `shift()` keeps removal O(1) for long queues.
 */
export class Outbox {
  #entries: OutboxEntry[] = [];
  #head = 0;
  #written = 0;
  #bytes = 0;

  constructor(
    readonly maxMessages: number,
    readonly maxBytes: number,
  ) {}

  /** Messages buffered (waiting plus, in ack mode, unacknowledged). */
  get size(): number {
    return this.#entries.length - this.#head;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Messages not yet written to the current socket. */
  get unwritten(): number {
    return this.#entries.length - this.#head - this.#written;
  }

  /** Whether a frame of `bytes` fits within both bounds, with `elsewhere` bytes held by the socket. */
  fits(bytes: number, elsewhere = 0): boolean {
    return this.size < this.maxMessages && this.#bytes + elsewhere + bytes <= this.maxBytes;
  }

  push(entry: OutboxEntry): void {
    this.#entries.push(entry);
    this.#bytes += entry.bytes;
  }

  /** Writes every unwritten entry through `write`, in order; `keep` retains them (ack mode). */
  writeAll(write: (frame: Frame) => void, keep: boolean): void {
    while (this.unwritten > 0) {
      const entry = this.#entries[this.#head + this.#written]!;
      write(entry.frame);
      if (keep) this.#written++;
      else this.#drop(1);
    }
  }

  /** After a reconnect in ack mode: everything unacknowledged is to be written again. */
  rewind(): void {
    this.#written = 0;
  }

  /** Drops written entries whose sequence number is `<= seq` (acks are cumulative). */
  acknowledge(seq: number): void {
    let n = 0;
    while (n < this.#written && this.#entries[this.#head + n]!.seq <= seq) n++;
    this.#drop(n);
    this.#written -= n;
  }

  /** Empties the buffer, returning what was in it. */
  drain(): SendData[] {
    const out = this.#entries.slice(this.#head).map((e) => e.data);
    this.#entries = [];
    this.#head = 0;
    this.#written = 0;
    this.#bytes = 0;
    return out;
  }

  #drop(n: number): void {
    for (let i = 0; i < n; i++) {
      this.#bytes -= this.#entries[this.#head]!.bytes;
      this.#entries[this.#head++] = undefined as unknown as OutboxEntry;
    }
    // Compact once the dead prefix dominates, so memory follows the live size.
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }
}
