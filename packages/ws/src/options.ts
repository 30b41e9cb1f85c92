import {
  checkBoolean,
  checkFunction,
  checkHeaders,
  checkInteger,
  checkNumber,
  checkOptionKeys,
  checkTimeout,
  invalidArgType,
  invalidArgValue,
} from '@net/errors/internal';
import { clientDefaults } from './defaults.js';
import { checkSendData, type SendData } from './encode-frame.js';
import type {
  AckOptions,
  HeartbeatOptions,
  MessagesOptions,
  QueueOptions,
  ReconnectOptions,
  TlsOptions,
  WebSocketClientOptions,
} from './option-types.js';

export interface ResolvedOptions {
  /** The checked URL's href (a string is smaller than a URL object; errors parse it when needed). */
  url: string;
  protocols: readonly string[];
  headers: Readonly<Record<string, string>>;
  /** ms; Infinity for none. */
  connectTimeout: number;
  reconnect: Required<ReconnectOptions> | false;
  heartbeat:
    (Required<Omit<HeartbeatOptions, 'message'>> & { message: SendData | undefined }) | false;
  queue: Required<QueueOptions>;
  acks: (AckOptions & { deliverAcks: boolean }) | false;
  tls: Readonly<TlsOptions>;
  perMessageDeflate: boolean;
  /** ms; Infinity for none. */
  closeTimeout: number;
  /** What ws's constructor gets in Node, built once per client rather than per attempt. */
  nodeOptions: object;
}

const CLIENT_KEYS = [
  'url',
  'protocols',
  'headers',
  'connectTimeout',
  'reconnect',
  'heartbeat',
  'queue',
  'acks',
  'tls',
  'perMessageDeflate',
  'closeTimeout',
];
const RECONNECT_KEYS = ['initialDelay', 'maxDelay', 'factor', 'maxAttempts', 'shouldReconnect'];
const HEARTBEAT_KEYS = ['interval', 'timeout', 'message', 'mode'];
const QUEUE_KEYS = ['maxMessages', 'maxBytes'];
const MESSAGES_KEYS = ['highWaterMark', 'highWaterBytes'];
const ACK_KEYS = ['wrap', 'ackOf', 'deliverAcks'];
const TLS_KEYS = ['ca', 'cert', 'key', 'rejectUnauthorized', 'servername'];
/** The longest delay a timer can express; a longer back-off or interval is a mistake. */
const MAX_DELAY = 2 ** 31 - 1;
/** RFC 9110 token: subprotocols are tokens. */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** ws's options for an all-defaults client, shared (ws copies what it keeps). */
const DEFAULT_NODE_OPTIONS = Object.freeze({ perMessageDeflate: false });

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

function resolveProtocols(value: unknown): readonly string[] {
  if (value === undefined) return clientDefaults.protocols;
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

function resolveReconnect(value: unknown): ResolvedOptions['reconnect'] {
  if (value === false) return false;
  // The defaults are shared, never copied per client: nothing mutates resolved options.
  if (value === true || value === undefined) return clientDefaults.reconnect;
  const r = checkOptionKeys<ReconnectOptions>('reconnect', value, RECONNECT_KEYS);
  const d = clientDefaults.reconnect;
  const delay = { min: 0, max: MAX_DELAY };
  return {
    initialDelay: checkInteger('reconnect.initialDelay', r.initialDelay ?? d.initialDelay, delay),
    maxDelay: checkInteger('reconnect.maxDelay', r.maxDelay ?? d.maxDelay, delay),
    factor: checkNumber('reconnect.factor', r.factor ?? d.factor, { min: 1, max: 100 }),
    maxAttempts: checkInteger('reconnect.maxAttempts', r.maxAttempts ?? d.maxAttempts, {
      max: Infinity,
    }),
    shouldReconnect: checkFunction(
      'reconnect.shouldReconnect',
      r.shouldReconnect ?? d.shouldReconnect,
    ),
  };
}

function resolveHeartbeat(value: unknown): ResolvedOptions['heartbeat'] {
  if (value === false) return false;
  if (value === true || value === undefined) return clientDefaults.heartbeat;
  const h = checkOptionKeys<HeartbeatOptions>('heartbeat', value, HEARTBEAT_KEYS);
  const d = clientDefaults.heartbeat;
  const mode = h.mode ?? d.mode;
  if (mode !== 'auto' && mode !== 'ping' && mode !== 'message') {
    throw invalidArgValue('heartbeat.mode', "It must be 'auto', 'ping' or 'message'.");
  }
  if (h.message !== undefined) checkSendData(h.message, 'heartbeat.message');
  if (mode === 'message' && h.message === undefined) {
    throw invalidArgValue('heartbeat.message', "It is required when heartbeat.mode is 'message'.");
  }
  return {
    // Not a timeout: pinging "never" is `heartbeat: false`, so 0 stays an error here.
    interval: checkInteger('heartbeat.interval', h.interval ?? d.interval, {
      min: 1,
      max: MAX_DELAY,
    }),
    timeout: checkTimeout('heartbeat.timeout', h.timeout, d.timeout),
    message: h.message,
    mode,
  };
}

function resolveQueue(value: unknown): ResolvedOptions['queue'] {
  if (value === undefined) return clientDefaults.queue;
  const q = checkOptionKeys<QueueOptions>('queue', value, QUEUE_KEYS);
  const d = clientDefaults.queue;
  return {
    maxMessages: checkInteger('queue.maxMessages', q.maxMessages ?? d.maxMessages),
    maxBytes: checkInteger('queue.maxBytes', q.maxBytes ?? d.maxBytes),
  };
}

function resolveAcks(value: unknown): ResolvedOptions['acks'] {
  if (value === false || value === undefined) return false;
  const a = checkOptionKeys<AckOptions>('acks', value, ACK_KEYS);
  return {
    wrap: checkFunction('acks.wrap', a.wrap),
    ackOf: checkFunction('acks.ackOf', a.ackOf),
    deliverAcks: checkBoolean('acks.deliverAcks', a.deliverAcks ?? false),
  };
}

function resolveTls(value: unknown): Readonly<TlsOptions> {
  if (value === undefined) return clientDefaults.tls;
  const tls = checkOptionKeys<TlsOptions>('tls', value, TLS_KEYS);
  if (tls.rejectUnauthorized !== undefined)
    checkBoolean('tls.rejectUnauthorized', tls.rejectUnauthorized);
  return { ...tls };
}

/** Checks every option and fills in defaults; throws TypeError/RangeError before any I/O. */
export function resolveOptions(options: WebSocketClientOptions): ResolvedOptions {
  if (options === undefined) throw invalidArgType('options', 'of type object', options);
  const o = checkOptionKeys<WebSocketClientOptions>('options', options, CLIENT_KEYS);
  const d = clientDefaults;
  const headers = checkHeaders('headers', o.headers) ?? d.headers;
  const tls = resolveTls(o.tls);
  const perMessageDeflate = checkBoolean(
    'perMessageDeflate',
    o.perMessageDeflate ?? d.perMessageDeflate,
  );
  return {
    url: parseWebSocketUrl(o.url).href,
    protocols: resolveProtocols(o.protocols),
    headers,
    connectTimeout: checkTimeout('connectTimeout', o.connectTimeout, d.connectTimeout),
    reconnect: resolveReconnect(o.reconnect),
    heartbeat: resolveHeartbeat(o.heartbeat),
    queue: resolveQueue(o.queue),
    acks: resolveAcks(o.acks),
    tls,
    perMessageDeflate,
    closeTimeout: checkTimeout('closeTimeout', o.closeTimeout, d.closeTimeout),
    nodeOptions:
      headers === d.headers && tls === d.tls && !perMessageDeflate
        ? DEFAULT_NODE_OPTIONS
        : { headers, perMessageDeflate, ...tls },
  };
}

/** Checks `messages()` options; the result shares the defaults object when nothing is set. */
export function resolveMessagesOptions(value: unknown): Required<MessagesOptions> {
  if (value === undefined) return clientDefaults.messages;
  const m = checkOptionKeys<MessagesOptions>('options', value, MESSAGES_KEYS);
  const d = clientDefaults.messages;
  return {
    highWaterMark: checkInteger('highWaterMark', m.highWaterMark ?? d.highWaterMark, { min: 1 }),
    highWaterBytes: checkInteger('highWaterBytes', m.highWaterBytes ?? d.highWaterBytes, {
      min: 1,
    }),
  };
}
