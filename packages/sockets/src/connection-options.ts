import type { FrameOptions } from './frame-decoder.js';

/** Options every read accepts. */
export interface ReadOptions {
  /** Give up after this many ms with NetworkTimeoutError (phase 'response'); 0 waits forever. Nothing is consumed by a read that timed out. @default the connection's `timeout` */
  timeout?: number;
  signal?: AbortSignal;
}

export interface ReceiveOptions extends ReadOptions {
  /** At most this many bytes are returned. @default 65536 */
  maxBytes?: number;
}

export interface ReadLineOptions extends ReadOptions {
  /** What ends a line; not part of the result. @default '\n' */
  delimiter?: string | Uint8Array;
  /** The longest line accepted, delimiter excluded; a longer one is a ProtocolError. @default 65536 */
  maxLength?: number;
  /** How the line's bytes are decoded. @default 'utf8' */
  encoding?: BufferEncoding;
}

export interface FramesOptions extends FrameOptions {
  /** Per-frame wait, as in `ReadOptions.timeout`. @default 0 (wait forever) */
  timeout?: number;
  signal?: AbortSignal;
}

export interface SendOptions {
  /** Give up waiting for the socket to drain after this many ms; the data stays queued. @default the connection's `timeout` */
  timeout?: number;
  signal?: AbortSignal;
}

export interface CloseOptions {
  /** How long to wait for the peer to finish closing before the socket is destroyed. @default 2000 */
  timeout?: number;
}

/**
 * Bytes a socket may hold unsent before `send()` waits for it to drain. Node's default (16 KiB)
 * would make every 64 KiB write wait for a drain; 256 KiB keeps bulk writes flowing while still
 * bounding memory against a peer that stops reading.
 */
export const WRITE_HIGH_WATER_MARK = 256 * 1024;

/** Settings shared by client and server connections. */
export interface ConnectionSettings {
  host: string;
  port: number;
  protocol: 'tcp' | 'tls';
  /** Default per-operation timeout in ms (0 = none). */
  timeout: number;
  /** Bytes buffered before the socket is paused while nobody reads. */
  highWaterMark: number;
}
