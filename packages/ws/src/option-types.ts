import type { SendData } from './encode-frame.js';
import type { Message } from './message.js';

/** Back-off for reconnecting after a connection that was open drops. */
export interface ReconnectOptions {
  /** Upper bound of the first delay in ms (full jitter picks a delay in `[0, bound)`). @default 1000 */
  initialDelay?: number;
  /** The bound never grows past this (ms). @default 30000 */
  maxDelay?: number;
  /** The bound grows by this factor per failed attempt (1 to 100). @default 2 */
  factor?: number;
  /** Consecutive failed attempts before the client gives up and closes. @default Infinity */
  maxAttempts?: number;
  /**
   * Whether to reconnect after the server closed an open connection with `closeCode`.
   * @default reconnect unless the code is 1000, 1003, 1007, 1008, 1009 or 1010 (`WebSocketClient.defaults.reconnect.shouldReconnect`)
   */
  shouldReconnect?: (closeCode: number) => boolean;
}

/** Detects a dead peer: a ping every `interval`, and the connection is declared dead when nothing arrives for `timeout` after it. */
export interface HeartbeatOptions {
  /** Time between pings, in ms. @default 30000 */
  interval?: number;
  /**
   * How long to wait for a pong (or any frame) after a ping, in ms. `0` or `Infinity`: never
   * declare the peer dead (pings are still sent, which keeps idle proxies from closing).
   * @default 10000
   */
  timeout?: number;
  /**
   * An application-level ping message, for browsers (which cannot send protocol pings) or
   * servers that expect one. Any frame the server sends back counts as an answer.
   * @default undefined (browsers then run no heartbeat)
   */
  message?: SendData;
  /**
   * 'auto': protocol pings where the socket supports them (Node), else `message`.
   * 'ping' / 'message' force one kind.
   * @default 'auto'
   */
  mode?: 'auto' | 'ping' | 'message';
}

/**
 * Bounds of what the client holds for sending: messages waiting for a connection, messages the
 * open socket has not written yet (its `bufferedAmount`), and unacknowledged ones in ack mode.
 * `send()` throws ERR_NET_WS_QUEUE_FULL rather than pass them, in every state.
 */
export interface QueueOptions {
  /** Messages waiting for a connection (and, with acks, unacknowledged). @default 1000 */
  maxMessages?: number;
  /**
   * Bytes buffered in total: the queue (UTF-8 for text) plus the open socket's `bufferedAmount`.
   * A single message larger than this is refused too.
   * @default 1048576 (1 MiB)
   */
  maxBytes?: number;
}

/** Bounds of one `messages()` iterator's buffer of unread messages. */
export interface MessagesOptions {
  /**
   * Unread messages at which the iterator is full. Node: the client stops reading the socket
   * (TCP backpressure reaches the server; it resumes at a quarter). Browsers cannot pause a
   * WebSocket: there the iterator fails with WebSocketError ERR_NET_WS_QUEUE_FULL instead of
   * growing.
   * @default 1000
   */
  highWaterMark?: number;
  /**
   * Unread payload size at which the iterator is full, as for `highWaterMark` (bytes for binary
   * messages, UTF-16 code units for text).
   * @default 16777216 (16 MiB)
   */
  highWaterBytes?: number;
}

/**
 * Opt-in at-least-once delivery. Each accepted message gets a sequence number (1, 2, 3 … for
 * the life of the client) that `wrap` puts into the frame; the server acknowledges cumulatively
 * and `ackOf` reads those acknowledgements. Unacknowledged messages are kept and re-sent, in
 * order, after a reconnect — so the server must drop sequence numbers it has already seen to
 * get exactly-once.
 */
export interface AckOptions {
  /**
   * Builds the frame for message number `seq` (required).
   * @default none
   * @example (seq, data) => ({ seq, data })
   */
  wrap: (seq: number, data: SendData) => SendData;
  /**
   * The highest sequence number an incoming message acknowledges, or `undefined` if it is not
   * an ack (required). Called for every incoming message; a throw (e.g. from `json()` on a
   * non-JSON message) counts as "not an ack".
   * @default none
   */
  ackOf: (message: Message) => number | undefined;
  /** Also deliver ack messages to `message` listeners and iterators. @default false */
  deliverAcks?: boolean;
}

/** TLS options for Node (ignored by browsers, which use their own trust store). */
export interface TlsOptions {
  /** Extra trusted CA certificate(s), PEM. @default undefined (Node's bundled CAs) */
  ca?: string | Uint8Array | Array<string | Uint8Array>;
  /** Client certificate, PEM. @default undefined (none) */
  cert?: string | Uint8Array;
  /** Private key of `cert`, PEM. @default undefined (none) */
  key?: string | Uint8Array;
  /** Verify the server's certificate chain and name. @default true */
  rejectUnauthorized?: boolean;
  /** Server name for SNI and certificate checks. @default the URL's host name */
  servername?: string;
}

/** Options of `new WebSocketClient()`. Times are milliseconds; a timeout of `0` or `Infinity` means no limit. */
export interface WebSocketClientOptions {
  /** `ws://` or `wss://` URL (required). @default none */
  url: string | URL;
  /** Subprotocols offered in `Sec-WebSocket-Protocol`. @default [] */
  protocols?: string | string[];
  /** Extra handshake headers (Node only; browsers do not allow them). @default {} */
  headers?: Record<string, string>;
  /** Budget for TCP connect, TLS and the HTTP upgrade of each attempt. @default 10000 */
  connectTimeout?: number;
  /** `false` disables reconnecting. @default true (see `ReconnectOptions`) */
  reconnect?: boolean | ReconnectOptions;
  /** `false` disables it. @default true (see `HeartbeatOptions`) */
  heartbeat?: boolean | HeartbeatOptions;
  /** Bounds of the outgoing buffer. @default { maxMessages: 1000, maxBytes: 1048576 } */
  queue?: QueueOptions;
  /** Opt-in acknowledgements for at-least-once delivery. @default false */
  acks?: false | AckOptions;
  /** TLS settings for `wss:` in Node. @default {} */
  tls?: TlsOptions;
  /** Offer permessage-deflate (Node; browsers always offer it). @default false */
  perMessageDeflate?: boolean;
  /** How long `close()` waits for the server's close frame before dropping the connection. @default 5000 */
  closeTimeout?: number;
}

/** Per-call options of `connect()` and `flush()`. */
export interface SignalOptions {
  /** Stops waiting (the promise rejects with AbortError, the reason as its cause). @default undefined */
  signal?: AbortSignal;
}

/** Per-call options of `close()`. */
export interface CloseOptions {
  /** Stops waiting for the server's close frame and drops the connection at once. @default undefined */
  signal?: AbortSignal;
}
