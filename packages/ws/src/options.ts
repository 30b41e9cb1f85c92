import { argOutOfRange, invalidArgType, invalidArgValue } from '@net/errors';
import type { Message } from './message.js';
import { checkSendData, type SendData } from './encode-frame.js';

/** Back-off for reconnecting after a connection that was open drops. */
export interface ReconnectOptions {
  /** Upper bound of the first delay (full jitter picks a delay in `[0, bound]`). @default 1000 */
  initialDelay?: number;
  /** The bound never grows past this. @default 30000 */
  maxDelay?: number;
  /** The bound grows by this factor per failed attempt. @default 2 */
  factor?: number;
  /** Consecutive failed attempts before the client gives up and closes. @default Infinity */
  maxAttempts?: number;
  /**
   * Whether to reconnect after the server closed an open connection with `closeCode`.
   * @default reconnect unless the code is 1000, 1003, 1007, 1008, 1009 or 1010 (see `defaultShouldReconnect`)
   */
  shouldReconnect?: (closeCode: number) => boolean;
}

/** Detects a dead peer: a ping every `interval`, and the connection is declared dead when nothing arrives for `timeout` after it. */
export interface HeartbeatOptions {
  /** Time between pings. @default 30000 */
  interval?: number;
  /** How long to wait for a pong (or any frame) after a ping. @default 10000 */
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

/** Bounds of the outgoing buffer (messages waiting for a connection, and unacknowledged ones in ack mode). */
export interface QueueOptions {
  /** @default 1000 */
  maxMessages?: number;
  /** Total size of the buffered frames, in bytes (UTF-8 for text). @default 1048576 (1 MiB) */
  maxBytes?: number;
}

/**
 * Opt-in at-least-once delivery. Each accepted message gets a sequence number (1, 2, 3 … for
 * the life of the client) that `wrap` puts into the frame; the server acknowledges cumulatively
 * and `ackOf` reads those acknowledgements. Unacknowledged messages are kept and re-sent, in
 * order, after a reconnect — so the server must drop sequence numbers it has already seen to
 * get exactly-once.
 */
export interface AckOptions {
  /** Builds the frame for message number `seq`. @example (seq, data) => ({ seq, data }) */
  wrap: (seq: number, data: SendData) => SendData;
  /**
   * The highest sequence number an incoming message acknowledges, or `undefined` if it is not
   * an ack. Called for every incoming message; a throw (e.g. from `json()` on a non-JSON
   * message) counts as "not an ack".
   */
  ackOf: (message: Message) => number | undefined;
  /** Also deliver ack messages to `message` listeners and iterators. @default false */
  deliverAcks?: boolean;
}

/** TLS options for Node (ignored by browsers, which use their own trust store). */
export interface TlsOptions {
  /** Extra trusted CA certificate(s), PEM. */
  ca?: string | Uint8Array | Array<string | Uint8Array>;
  cert?: string | Uint8Array;
  key?: string | Uint8Array;
  /** @default true */
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface WebSocketClientOptions {
  /** `ws://` or `wss://` URL. */
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
  /** @default { maxMessages: 1000, maxBytes: 1048576 } */
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

/** Close codes after which the server does not want the same client back unchanged. */
const NO_RECONNECT_CODES = new Set([1000, 1003, 1007, 1008, 1009, 1010]);

/**
 * Reconnect unless the server closed normally (1000: it ended the session on purpose) or
 * rejected what it got (1003 unsupported data, 1007 invalid payload, 1008 policy violation,
 * 1009 too big, 1010 missing extension): a new connection would repeat the same thing.
 * 1001 going away, 1006 abnormal drop, 1011–1014 and application codes 3000–4999 reconnect.
 */
export function defaultShouldReconnect(closeCode: number): boolean {
  return !NO_RECONNECT_CODES.has(closeCode);
}

/** The defaults, frozen: resolved options share them instead of copying per client. */
export const defaults = Object.freeze({
  protocols: Object.freeze([]) as unknown as string[],
  headers: Object.freeze({}) as Record<string, string>,
  connectTimeout: 10_000,
  reconnect: Object.freeze({
    initialDelay: 1_000,
    maxDelay: 30_000,
    factor: 2,
    maxAttempts: Number.POSITIVE_INFINITY,
    shouldReconnect: defaultShouldReconnect,
  }),
  heartbeat: Object.freeze({
    interval: 30_000,
    timeout: 10_000,
    message: undefined,
    mode: 'auto' as const,
  }),
  queue: Object.freeze({ maxMessages: 1_000, maxBytes: 1_048_576 }),
  tls: Object.freeze({}) as TlsOptions,
  perMessageDeflate: false,
  closeTimeout: 5_000,
} satisfies Omit<Required<WebSocketClientOptions>, 'url' | 'acks'>);

export interface ResolvedOptions {
  url: URL;
  protocols: string[];
  headers: Record<string, string>;
  connectTimeout: number;
  reconnect: Required<ReconnectOptions> | false;
  heartbeat:
    (Required<Omit<HeartbeatOptions, 'message'>> & { message: SendData | undefined }) | false;
  queue: Required<QueueOptions>;
  acks: (AckOptions & { deliverAcks: boolean }) | false;
  tls: TlsOptions;
  perMessageDeflate: boolean;
  closeTimeout: number;
}

const MAX_TIMER = 2 ** 31 - 1;
/** RFC 9110 token: header names and subprotocols. */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function checkTime(name: string, value: unknown, min = 1): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!(value >= min && value <= MAX_TIMER))
    throw argOutOfRange(name, `>= ${min} and <= ${MAX_TIMER}`, value);
  return value;
}

function checkCount(name: string, value: unknown, allowInfinity = false): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (allowInfinity && value === Number.POSITIVE_INFINITY) return value;
  if (!Number.isInteger(value) || value < 0)
    throw argOutOfRange(name, 'a non-negative integer', value);
  return value;
}

function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
  return value;
}

function checkObject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgType(name, 'of type object', value);
  }
  return value as Record<string, unknown>;
}

/** Parses and checks the URL: only ws: and wss: are WebSocket URLs. */
export function parseWebSocketUrl(value: unknown): URL {
  if (typeof value !== 'string' && !(value instanceof URL))
    throw invalidArgType('url', 'a string or URL', value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidArgValue('url', 'It is not a valid URL.');
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw invalidArgValue('url', `The protocol must be ws: or wss:, not ${url.protocol}`);
  }
  if (url.hash) throw invalidArgValue('url', 'A WebSocket URL may not have a fragment.');
  return url;
}

function resolveProtocols(value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list))
    throw invalidArgType('protocols', 'a string or an array of strings', value);
  for (const p of list) {
    // RFC 6455 subprotocols are HTTP tokens.
    if (typeof p !== 'string' || !HTTP_TOKEN.test(p)) {
      throw invalidArgValue('protocols', 'Each subprotocol must be a non-empty HTTP token.');
    }
  }
  if (new Set(list).size !== list.length)
    throw invalidArgValue('protocols', 'Subprotocols must be unique.');
  return [...(list as string[])];
}

function resolveHeaders(value: unknown): Record<string, string> {
  const headers = checkObject('headers', value);
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(headers)) {
    if (typeof v !== 'string') throw invalidArgType(`headers.${name}`, 'of type string', v);
    if (!HTTP_TOKEN.test(name))
      throw invalidArgValue('headers', `${JSON.stringify(name)} is not a valid header name.`);
    // Never echo the value: it may be a credential.
    if (/[\r\n\0]/.test(v)) {
      throw invalidArgValue(`headers.${name}`, 'Header values may not contain CR, LF or NUL.');
    }
    out[name] = v;
  }
  return out;
}

function resolveReconnect(value: unknown): ResolvedOptions['reconnect'] {
  if (value === false) return false;
  // The defaults are shared, never copied per client: nothing mutates resolved options.
  if (value === true || value === undefined) return defaults.reconnect;
  const r = checkObject('reconnect', value);
  const out = {
    initialDelay: checkTime(
      'reconnect.initialDelay',
      r.initialDelay ?? defaults.reconnect.initialDelay,
      0,
    ),
    maxDelay: checkTime('reconnect.maxDelay', r.maxDelay ?? defaults.reconnect.maxDelay, 0),
    factor: r.factor ?? defaults.reconnect.factor,
    maxAttempts: checkCount(
      'reconnect.maxAttempts',
      r.maxAttempts ?? defaults.reconnect.maxAttempts,
      true,
    ),
    shouldReconnect: r.shouldReconnect ?? defaults.reconnect.shouldReconnect,
  };
  if (typeof out.factor !== 'number')
    throw invalidArgType('reconnect.factor', 'of type number', out.factor);
  if (!(out.factor >= 1 && out.factor <= 100))
    throw argOutOfRange('reconnect.factor', '>= 1 and <= 100', out.factor);
  if (typeof out.shouldReconnect !== 'function') {
    throw invalidArgType('reconnect.shouldReconnect', 'a function', out.shouldReconnect);
  }
  return out as Required<ReconnectOptions>;
}

function resolveHeartbeat(value: unknown): ResolvedOptions['heartbeat'] {
  if (value === false) return false;
  if (value === true || value === undefined) return defaults.heartbeat;
  const h = checkObject('heartbeat', value);
  const mode = h.mode ?? defaults.heartbeat.mode;
  if (mode !== 'auto' && mode !== 'ping' && mode !== 'message') {
    throw invalidArgValue('heartbeat.mode', "It must be 'auto', 'ping' or 'message'.");
  }
  if (h.message !== undefined) checkSendData(h.message, 'heartbeat.message');
  if (mode === 'message' && h.message === undefined) {
    throw invalidArgValue('heartbeat.message', "It is required when heartbeat.mode is 'message'.");
  }
  return {
    interval: checkTime('heartbeat.interval', h.interval ?? defaults.heartbeat.interval),
    timeout: checkTime('heartbeat.timeout', h.timeout ?? defaults.heartbeat.timeout),
    message: h.message as SendData | undefined,
    mode,
  };
}

function resolveAcks(value: unknown): ResolvedOptions['acks'] {
  if (value === false || value === undefined) return false;
  const a = checkObject('acks', value);
  if (typeof a.wrap !== 'function') throw invalidArgType('acks.wrap', 'a function', a.wrap);
  if (typeof a.ackOf !== 'function') throw invalidArgType('acks.ackOf', 'a function', a.ackOf);
  return { ...(a as unknown as AckOptions), deliverAcks: a.deliverAcks === true };
}

/** Checks every option and fills in defaults; throws TypeError/RangeError before any I/O. */
export function resolveOptions(options: WebSocketClientOptions): ResolvedOptions {
  const o = checkObject('options', options) as Partial<WebSocketClientOptions>;
  const queue = checkObject('queue', o.queue ?? {});
  return {
    url: parseWebSocketUrl(o.url),
    protocols: resolveProtocols(o.protocols ?? defaults.protocols),
    headers: resolveHeaders(o.headers ?? defaults.headers),
    connectTimeout: checkTime('connectTimeout', o.connectTimeout ?? defaults.connectTimeout),
    reconnect: resolveReconnect(o.reconnect),
    heartbeat: resolveHeartbeat(o.heartbeat),
    queue: {
      maxMessages: checkCount('queue.maxMessages', queue.maxMessages ?? defaults.queue.maxMessages),
      maxBytes: checkCount('queue.maxBytes', queue.maxBytes ?? defaults.queue.maxBytes),
    },
    acks: resolveAcks(o.acks),
    tls: checkObject('tls', o.tls ?? defaults.tls),
    perMessageDeflate: checkBoolean(
      'perMessageDeflate',
      o.perMessageDeflate ?? defaults.perMessageDeflate,
    ),
    closeTimeout: checkTime('closeTimeout', o.closeTimeout ?? defaults.closeTimeout),
  };
}
