import { ProtocolError } from '@net/errors';
import { argOutOfRange, checkInteger, invalidArgValue, toBytes } from '@net/errors/internal';
import type { ByteQueue } from './byte-queue.js';

/** How a byte stream is cut into messages. */
export type Framing = 'line' | 'length-prefixed';

/** Options of `frames()` and `writeFrame()`. */
export interface FrameOptions {
  /** `'line'`: frames end with `delimiter`; `'length-prefixed'`: a big-endian length, then the payload. @default 'line' */
  framing?: Framing;
  /** Size of the length prefix in bytes (length-prefixed framing). @default 4 */
  lengthBytes?: 1 | 2 | 4;
  /** The end-of-frame marker (line framing); not part of the frame. @default '\n' */
  delimiter?: string | Uint8Array;
  /** The largest payload accepted or sent, in bytes, delimiter and prefix excluded. @default 1048576 */
  maxFrameSize?: number;
}

export interface ResolvedFrameOptions {
  framing: Framing;
  lengthBytes: 1 | 2 | 4;
  delimiter: Buffer;
  maxFrameSize: number;
}

export const frameDefaults = {
  framing: 'line',
  lengthBytes: 4,
  delimiter: '\n',
  maxFrameSize: 1_048_576,
} as const satisfies Required<FrameOptions>;

const PREFIX_MAX = { 1: 0xff, 2: 0xffff, 4: 0xffff_ffff } as const;

export function resolveFrameOptions(options: FrameOptions = {}): ResolvedFrameOptions {
  const framing = options.framing ?? frameDefaults.framing;
  if (framing !== 'line' && framing !== 'length-prefixed') {
    throw invalidArgValue(
      'framing',
      `Expected 'line' or 'length-prefixed'. Received ${String(framing)}`,
    );
  }
  const lengthBytes = options.lengthBytes ?? frameDefaults.lengthBytes;
  if (lengthBytes !== 1 && lengthBytes !== 2 && lengthBytes !== 4) {
    throw argOutOfRange('lengthBytes', '1, 2 or 4', lengthBytes);
  }
  const delimiter = toBytes('delimiter', options.delimiter ?? frameDefaults.delimiter);
  if (delimiter.length === 0) throw invalidArgValue('delimiter', 'Must not be empty.');
  const maxFrameSize = checkInteger(
    'maxFrameSize',
    options.maxFrameSize ?? frameDefaults.maxFrameSize,
    { min: 1 },
  );
  return { framing, lengthBytes, delimiter, maxFrameSize };
}

/**
 * Cuts frames off the front of a `ByteQueue`. Pure: it holds no bytes itself, so the same
 * queue can serve `receive()`, `readLine()` and `frames()` in turn.
 */
export class FrameDecoder {
  readonly options: ResolvedFrameOptions;
  /** How far the queue was already searched for a delimiter, so each byte is scanned once. */
  #searched = 0;
  /** `queue.consumed` when `#searched` was recorded; another reader taking bytes invalidates it. */
  #searchedAt = -1;

  constructor(options: ResolvedFrameOptions) {
    this.options = options;
  }

  /**
   * The next complete frame, or `undefined` when more bytes are needed.
   * @throws ProtocolError when the frame being received exceeds `maxFrameSize`.
   */
  next(queue: ByteQueue): Buffer | undefined {
    return this.options.framing === 'line' ? this.#nextLine(queue) : this.#nextPrefixed(queue);
  }

  /**
   * What to make of bytes left over at end of stream: an unterminated last line is a frame;
   * half a length-prefixed frame is a truncation.
   */
  finish(queue: ByteQueue): Buffer | undefined {
    if (queue.length === 0) return undefined;
    if (this.options.framing === 'line') {
      this.#searched = 0;
      return queue.take(queue.length);
    }
    throw new ProtocolError(`frame truncated by end of stream (${queue.length} bytes left over)`);
  }

  #nextLine(queue: ByteQueue): Buffer | undefined {
    const { delimiter, maxFrameSize } = this.options;
    if (this.#searchedAt !== queue.consumed) this.#searched = 0;
    const at = queue.indexOf(delimiter, this.#searched);
    if (at === -1) {
      if (queue.length >= maxFrameSize + delimiter.length) {
        throw new ProtocolError(`line longer than ${maxFrameSize} bytes`);
      }
      this.#searched = Math.max(0, queue.length - delimiter.length + 1);
      this.#searchedAt = queue.consumed;
      return undefined;
    }
    if (at > maxFrameSize) throw new ProtocolError(`line longer than ${maxFrameSize} bytes`);
    this.#searched = 0;
    const frame = queue.take(at);
    queue.skip(delimiter.length);
    return frame;
  }

  #nextPrefixed(queue: ByteQueue): Buffer | undefined {
    const { lengthBytes, maxFrameSize } = this.options;
    if (queue.length < lengthBytes) return undefined;
    const size = queue.peekUIntBE(lengthBytes);
    // Refuse before the payload arrives: a hostile length must not make us buffer it.
    if (size > maxFrameSize) {
      throw new ProtocolError(`frame of ${size} bytes exceeds maxFrameSize ${maxFrameSize}`);
    }
    if (queue.length < lengthBytes + size) return undefined;
    queue.skip(lengthBytes);
    return queue.take(size);
  }
}

/** Encodes one frame for sending. Throws before any I/O when the payload cannot be framed. */
export function encodeFrame(data: unknown, options: ResolvedFrameOptions): Buffer {
  const payload = toBytes('data', data);
  if (payload.length > options.maxFrameSize) {
    throw argOutOfRange('data.length', `<= maxFrameSize (${options.maxFrameSize})`, payload.length);
  }
  if (options.framing === 'line') {
    if (payload.includes(options.delimiter)) {
      throw invalidArgValue('data', 'A line frame must not contain the delimiter.');
    }
    return Buffer.concat([payload, options.delimiter]);
  }
  const max = PREFIX_MAX[options.lengthBytes];
  if (payload.length > max) {
    throw argOutOfRange(
      'data.length',
      `<= ${max} for a ${options.lengthBytes}-byte length prefix`,
      payload.length,
    );
  }
  const out = Buffer.allocUnsafe(options.lengthBytes + payload.length);
  out.writeUIntBE(payload.length, 0, options.lengthBytes);
  payload.copy(out, options.lengthBytes);
  return out;
}
