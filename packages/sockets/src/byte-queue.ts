/**
 * A FIFO of received chunks. Reads take bytes off the front without concatenating everything
 * that arrived, so a reader that asks for a few bytes at a time stays O(bytes), not O(bytes²).
 */
export class ByteQueue {
  #chunks: Buffer[] = [];
  /** Offset of the first unread byte inside `#chunks[0]`. */
  #head = 0;
  #length = 0;
  #consumed = 0;

  /** Bytes taken or skipped since the queue was created: lets a reader tell its scan went stale. */
  get consumed(): number {
    return this.#consumed;
  }

  /** Bytes queued and not yet taken. */
  get length(): number {
    return this.#length;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  clear(): void {
    this.#consumed += this.#length;
    this.#chunks = [];
    this.#head = 0;
    this.#length = 0;
  }

  /** Removes and returns the first `n` bytes (`n <= length`). Zero-copy when one chunk holds them. */
  take(n: number): Buffer {
    if (n > this.#length) throw new RangeError(`take(${n}) with only ${this.#length} bytes queued`);
    if (n === 0) return Buffer.alloc(0);
    const first = this.#chunks[0]!;
    const available = first.length - this.#head;
    if (n <= available) {
      const out = first.subarray(this.#head, this.#head + n);
      this.#advance(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    while (written < n) {
      const chunk = this.#chunks[0]!;
      const count = Math.min(n - written, chunk.length - this.#head);
      chunk.copy(out, written, this.#head, this.#head + count);
      written += count;
      this.#advance(count);
    }
    return out;
  }

  /** Drops the first `n` bytes. */
  skip(n: number): void {
    let left = Math.min(n, this.#length);
    while (left > 0) {
      const count = Math.min(left, this.#chunks[0]!.length - this.#head);
      this.#advance(count);
      left -= count;
    }
  }

  /** The byte at queue offset `index` (`index < length`). */
  byteAt(index: number): number {
    let offset = index + this.#head;
    for (const chunk of this.#chunks) {
      if (offset < chunk.length) return chunk[offset]!;
      offset -= chunk.length;
    }
    throw new RangeError(`byteAt(${index}) with only ${this.#length} bytes queued`);
  }

  /** Reads an unsigned big-endian integer of `bytes` (1–4) bytes at the front, without taking it. */
  peekUIntBE(bytes: number): number {
    let value = 0;
    for (let i = 0; i < bytes; i++) value = value * 256 + this.byteAt(i);
    return value;
  }

  /**
   * The queue offset of the first occurrence of `needle` at or after `from`, or -1. Matches that
   * span chunk boundaries are found too.
   */
  indexOf(needle: Buffer, from = 0): number {
    const d = needle.length;
    if (d === 0) return from <= this.#length ? from : -1;
    let base = 0;
    for (let c = 0; c < this.#chunks.length; c++) {
      const chunk = this.#chunks[c]!;
      const start = c === 0 ? this.#head : 0;
      const len = chunk.length - start;
      if (base + len > from) {
        const localFrom = Math.max(0, from - base);
        const hit = chunk.indexOf(needle, start + localFrom);
        if (hit !== -1) return base + hit - start;
        // A match that starts in this chunk's tail and runs into the next chunk(s).
        for (let p = Math.max(localFrom, len - d + 1); p < len; p++) {
          if (base + p + d <= this.#length && this.#matchesAt(base + p, needle)) return base + p;
        }
      }
      base += len;
    }
    return -1;
  }

  #matchesAt(index: number, needle: Buffer): boolean {
    for (let i = 0; i < needle.length; i++) if (this.byteAt(index + i) !== needle[i]) return false;
    return true;
  }

  #advance(n: number): void {
    this.#head += n;
    this.#length -= n;
    this.#consumed += n;
    if (this.#head === this.#chunks[0]!.length) {
      this.#chunks.shift();
      this.#head = 0;
    }
  }
}
