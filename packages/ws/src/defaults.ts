import type {
  HeartbeatOptions,
  MessagesOptions,
  QueueOptions,
  ReconnectOptions,
  TlsOptions,
} from './option-types.js';

/** The shape of `WebSocketClient.defaults` (see `WebSocketClientOptions` for each field's meaning). */
export interface WebSocketClientDefaults {
  /** No subprotocols offered. */
  readonly protocols: readonly string[];
  /** No extra handshake headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** 10 000 ms per connection attempt. */
  readonly connectTimeout: number;
  /** Reconnect with full-jitter back-off from 1 s up to 30 s, without limit, unless the close code says not to. */
  readonly reconnect: Readonly<Required<ReconnectOptions>>;
  /** A ping every 30 s; dead after 10 s without an answer. */
  readonly heartbeat: Readonly<Required<Omit<HeartbeatOptions, 'message'>>> & {
    readonly message: undefined;
  };
  /** 1 000 messages and 1 MiB buffered for sending (queue plus socket). */
  readonly queue: Readonly<Required<QueueOptions>>;
  /** Bounds of each `messages()` iterator: 1 000 messages, 16 MiB. */
  readonly messages: Readonly<Required<MessagesOptions>>;
  /** Acknowledgements off. */
  readonly acks: false;
  /** Node's trust store, certificates verified. */
  readonly tls: Readonly<TlsOptions>;
  /** Compression not offered. */
  readonly perMessageDeflate: boolean;
  /** 5 000 ms for the server's close frame. */
  readonly closeTimeout: number;
}

/** Close codes after which the server does not want the same client back unchanged. */
const NO_RECONNECT_CODES: ReadonlySet<number> = new Set([1000, 1003, 1007, 1008, 1009, 1010]);

/**
 * Reconnect unless the server closed normally (1000: it ended the session on purpose) or
 * rejected what it got (1003 unsupported data, 1007 invalid payload, 1008 policy violation,
 * 1009 too big, 1010 missing extension): a new connection would repeat the same thing.
 * 1001 going away, 1006 abnormal drop, 1011–1014 and application codes 3000–4999 reconnect.
 */
function shouldReconnect(closeCode: number): boolean {
  return !NO_RECONNECT_CODES.has(closeCode);
}

/**
 * Every default of `WebSocketClient`, deep-frozen. Resolved options share these objects instead
 * of copying them per client, so an idle client costs no copy of its defaults.
 */
export const clientDefaults: WebSocketClientDefaults = Object.freeze({
  protocols: Object.freeze<string[]>([]),
  headers: Object.freeze({}) as Readonly<Record<string, string>>,
  connectTimeout: 10_000,
  reconnect: Object.freeze({
    initialDelay: 1_000,
    maxDelay: 30_000,
    factor: 2,
    maxAttempts: Number.POSITIVE_INFINITY,
    shouldReconnect,
  }),
  heartbeat: Object.freeze({
    interval: 30_000,
    timeout: 10_000,
    message: undefined,
    mode: 'auto' as const,
  }),
  queue: Object.freeze({ maxMessages: 1_000, maxBytes: 1_048_576 }),
  messages: Object.freeze({ highWaterMark: 1_000, highWaterBytes: 16_777_216 }),
  acks: false as const,
  tls: Object.freeze({}) as Readonly<TlsOptions>,
  perMessageDeflate: false,
  closeTimeout: 5_000,
});
