import type {
  HeartbeatOptions,
  MessagesOptions,
  QueueOptions,
  ReconnectOptions,
  TlsOptions,
} from './option-types.js';

/** The shape of `WebSocketClient.defaults` (see `WebSocketClientOptions` for each field's meaning). */
export interface WebSocketClientDefaults {
  readonly protocols: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly connectTimeout: number;
  readonly reconnect: Readonly<Required<ReconnectOptions>>;
  readonly heartbeat: Readonly<Required<Omit<HeartbeatOptions, 'message'>>> & {
    readonly message: undefined;
  };
  readonly queue: Readonly<Required<QueueOptions>>;
  /** Bounds of each `messages()` iterator. */
  readonly messages: Readonly<Required<MessagesOptions>>;
  readonly acks: false;
  readonly tls: Readonly<TlsOptions>;
  readonly perMessageDeflate: boolean;
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
