import {
  checkInteger,
  checkOptionKeys,
  checkSignal,
  checkTimeout,
  invalidArgValue,
} from '@net/errors/internal';
import type { ByteQueue } from './byte-queue.js';
import {
  FRAMES_OPTION_KEYS,
  READ_LINE_OPTION_KEYS,
  READ_OPTION_KEYS,
  RECEIVE_OPTION_KEYS,
  type FramesOptions,
  type ReadLineOptions,
  type ReadOptions,
  type ReceiveOptions,
} from './connection-options.js';
import { FrameDecoder, resolveFrameOptions } from './frame-decoder.js';
import { NOT_READY, type Attempt } from './pending-read.js';

/**
 * What each kind of read takes off a connection's byte queue: its options checked (each
 * builder throws the Node-style argument error, which the connection turns into a rejection)
 * and turned into an attempt, what it yields at end of stream, and its timeout and signal.
 */

/** A read's checked `timeout` (the connection's when absent) and `signal`. */
export interface Timed {
  timeout: number;
  signal: AbortSignal | undefined;
}

export interface ReadRequest<T> {
  attempt: Attempt<T>;
  atEnd: () => T;
  timed: Timed;
}

/** `timeout` and `signal` of a read's or write's options. */
export function timedOptions(
  options: { timeout?: unknown; signal?: unknown },
  defaultTimeout: number,
): Timed {
  return {
    timeout: checkTimeout('timeout', options.timeout, defaultTimeout),
    signal: checkSignal('signal', options.signal),
  };
}

export function receiveRequest(
  queue: ByteQueue,
  options: unknown,
  defaultTimeout: number,
): ReadRequest<Buffer | null> {
  const opts = checkOptionKeys<ReceiveOptions>('options', options, RECEIVE_OPTION_KEYS);
  const maxBytes = checkInteger('maxBytes', opts.maxBytes ?? 65_536, { min: 1 });
  return {
    attempt: () => (queue.length > 0 ? queue.take(Math.min(maxBytes, queue.length)) : NOT_READY),
    atEnd: () => null,
    timed: timedOptions(opts, defaultTimeout),
  };
}

export function readExactlyRequest(
  queue: ByteQueue,
  n: unknown,
  options: unknown,
  defaultTimeout: number,
  endedEarly: (have: number, want: number) => Error,
): ReadRequest<Buffer> {
  const want = checkInteger('n', n, { min: 1 });
  const opts = checkOptionKeys<ReadOptions>('options', options, READ_OPTION_KEYS);
  return {
    attempt: () => (queue.length >= want ? queue.take(want) : NOT_READY),
    atEnd: () => {
      throw endedEarly(queue.length, want);
    },
    timed: timedOptions(opts, defaultTimeout),
  };
}

export function readLineRequest(
  queue: ByteQueue,
  options: unknown,
  defaultTimeout: number,
): ReadRequest<string | null> {
  const opts = checkOptionKeys<ReadLineOptions>('options', options, READ_LINE_OPTION_KEYS);
  const decoder = new FrameDecoder(
    resolveFrameOptions({
      framing: 'line',
      delimiter: opts.delimiter,
      maxFrameSize: opts.maxLength ?? 65_536,
    }),
  );
  const encoding = opts.encoding ?? 'utf8';
  if (typeof encoding !== 'string' || !Buffer.isEncoding(encoding)) {
    throw invalidArgValue(
      'encoding',
      `Expected a Buffer encoding such as 'utf8'. Received ${JSON.stringify(String(encoding).slice(0, 32))}`,
    );
  }
  return {
    attempt: () => decoder.next(queue)?.toString(encoding) ?? NOT_READY,
    atEnd: () => decoder.finish(queue)?.toString(encoding) ?? null,
    timed: timedOptions(opts, defaultTimeout),
  };
}

/** The read of one frame, repeated by `frames()`; its timeout defaults to none. */
export function frameRequest(queue: ByteQueue, options: unknown): ReadRequest<Buffer | null> {
  const opts = checkOptionKeys<FramesOptions>('options', options, FRAMES_OPTION_KEYS);
  const decoder = new FrameDecoder(
    resolveFrameOptions({
      framing: opts.framing,
      lengthBytes: opts.lengthBytes,
      delimiter: opts.delimiter,
      maxFrameSize: opts.maxFrameSize,
    }),
  );
  return {
    attempt: () => decoder.next(queue) ?? NOT_READY,
    atEnd: () => decoder.finish(queue) ?? null,
    timed: timedOptions(opts, 0),
  };
}
