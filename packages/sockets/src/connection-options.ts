import type { FrameOptions } from './frame-decoder.js';

/**
 * Options every read accepts. Timeouts follow the @net convention: milliseconds, where `0` and
 * `Infinity` both mean "no limit".
 */
export interface ReadOptions {
  /** Give up after this many ms with NetworkTimeoutError (phase 'response'); nothing is consumed by a read that timed out. 0 or Infinity: no limit. @default the connection's `timeout` */
  timeout?: number;
  /** Aborts the read with AbortError (the signal's reason as `cause`); nothing is consumed. @default undefined */
  signal?: AbortSignal;
}
export const READ_OPTION_KEYS = ['timeout', 'signal'] as const;

export interface ReceiveOptions extends ReadOptions {
  /** At most this many bytes are returned. @default 65536 */
  maxBytes?: number;
}
export const RECEIVE_OPTION_KEYS = [...READ_OPTION_KEYS, 'maxBytes'] as const;

export interface ReadLineOptions extends ReadOptions {
  /** What ends a line; not part of the result. @default '\n' */
  delimiter?: string | Uint8Array;
  /** The longest line accepted, delimiter excluded; a longer one is a ProtocolError. @default 65536 */
  maxLength?: number;
  /** How the line's bytes are decoded. @default 'utf8' */
  encoding?: BufferEncoding;
}
export const READ_LINE_OPTION_KEYS = [
  ...READ_OPTION_KEYS,
  'delimiter',
  'maxLength',
  'encoding',
] as const;

export interface FramesOptions extends FrameOptions {
  /** Per-frame wait, as in `ReadOptions.timeout`. @default 0 (no limit) */
  timeout?: number;
  /** Ends the iteration with AbortError. @default undefined */
  signal?: AbortSignal;
}
export const FRAME_OPTION_KEYS = ['framing', 'lengthBytes', 'delimiter', 'maxFrameSize'] as const;
export const FRAMES_OPTION_KEYS = [...FRAME_OPTION_KEYS, 'timeout', 'signal'] as const;

export interface SendOptions {
  /** Give up waiting for the socket to drain after this many ms (the data stays queued); 0 or Infinity: no limit. @default the connection's `timeout` */
  timeout?: number;
  /** Stops waiting for the drain with AbortError (the data stays queued). @default undefined */
  signal?: AbortSignal;
}
export const SEND_OPTION_KEYS = ['timeout', 'signal'] as const;
export const WRITE_FRAME_OPTION_KEYS = [...FRAME_OPTION_KEYS, ...SEND_OPTION_KEYS] as const;

export interface CloseOptions {
  /** How long to wait for the peer to finish closing before the socket is destroyed; 0 or Infinity: no limit. @default 2000 */
  timeout?: number;
  /** Destroys the socket at once and rejects with AbortError. @default undefined */
  signal?: AbortSignal;
}
export const CLOSE_OPTION_KEYS = ['timeout', 'signal'] as const;

/** Options of `shutdownWrite()` / `end()`. */
export interface ShutdownOptions {
  /** Give up waiting for the queued data and the FIN to be handed to the kernel; 0 or Infinity: no limit. @default the connection's `timeout` */
  timeout?: number;
  /** Stops waiting with AbortError (the FIN still goes out once the queue drains). @default undefined */
  signal?: AbortSignal;
}
export const SHUTDOWN_OPTION_KEYS = ['timeout', 'signal'] as const;

/** `{ signal }`: the options of operations that take nothing else (connect, listen). */
export interface SignalOptions {
  /** Aborts the operation with AbortError (the signal's reason as `cause`). @default undefined */
  signal?: AbortSignal;
}
export const SIGNAL_OPTION_KEYS = ['signal'] as const;

/**
 * Bytes a client socket may hold unsent before `send()` waits for it to drain. Node's default
 * (16 KiB) would make every 64 KiB write wait for a drain; 256 KiB keeps bulk writes flowing
 * while still bounding memory against a peer that stops reading.
 */
export const WRITE_HIGH_WATER_MARK = 256 * 1024;

/** Settings shared by client and server connections. */
export interface ConnectionSettings {
  host: string;
  port: number;
  protocol: 'tcp' | 'tls';
  /** Default per-operation timeout in ms (Infinity = none). */
  timeout: number;
  /** Bytes buffered before the socket is paused while nobody reads. */
  highWaterMark: number;
}
