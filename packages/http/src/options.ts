import type { LookupFunction } from 'node:net';
import {
  checkBoolean,
  checkFunction,
  checkHeaders,
  checkInteger,
  checkOptionKeys,
  checkTimeout,
  invalidArgType,
  invalidArgValue,
} from '@net/errors/internal';
import type { CookieJar } from './cookie-jar.js';
import type { Hooks } from './hooks.js';
import { resolveProxy, type ProxyOptions, type ResolvedProxy } from './proxy-config.js';
import {
  RETRY_DEFAULTS,
  resolveRetry,
  type RetryOptions,
  type RetryPolicy,
} from './retry-policy.js';

/**
 * Time budgets in ms. A plain number is the per-attempt budget. Every field follows the
 * @net convention: `0` and `Infinity` both mean "no limit".
 */
export interface TimeoutOptions {
  /**
   * One attempt, from sending to the last byte of the body.
   * @default 30000
   */
  attempt?: number;
  /**
   * Establishing the TCP connection (to the proxy, when one is used).
   * @default Infinity (bounded by `attempt`)
   */
  connect?: number;
  /**
   * The whole call: every attempt and every back-off wait between them.
   * @default Infinity (no overall cap)
   */
  total?: number;
}

/** TLS settings for HTTPS targets. */
export interface TlsOptions {
  /** Certificate authorities to trust instead of Node's bundle (PEM). @default Node's bundle */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate (PEM), for mutual TLS. @default undefined */
  cert?: string | Buffer;
  /** Client private key (PEM), for mutual TLS. @default undefined */
  key?: string | Buffer;
  /**
   * Reject certificates that do not verify. Turn off only for a test server you control.
   * @default true
   */
  rejectUnauthorized?: boolean;
}

/** Options of `new HTTPClient(options)`. */
export interface HTTPClientOptions {
  /**
   * Prefix of relative request URLs. `baseUrl: 'http://h/api'` with `get('users')` or
   * `get('/users')` requests `http://h/api/users`; absolute URLs ignore it.
   * @default undefined
   */
  baseUrl?: string | URL;
  /**
   * Headers sent with every request; a request's own headers win on conflict.
   * @default {}
   */
  headers?: Record<string, string>;
  /**
   * Per-attempt budget in ms, or `{ attempt, connect, total }`; `0` or `Infinity` for none.
   * @default 30000
   */
  timeout?: number | TimeoutOptions;
  /**
   * Retries after the first attempt, so a failing call is tried `maxRetries + 1` times.
   * @default 2
   */
  maxRetries?: number;
  /** The retry policy; see {@link RetryOptions}. @default see RetryOptions */
  retry?: RetryOptions;
  /**
   * Throw HTTPError (RateLimitError for 429) on 4xx/5xx. When false those resolve as a Response.
   * @default true
   */
  throwHttpErrors?: boolean;
  /**
   * Proxy URL for all targets, `{ http, https, noProxy }`, or `false` for none. By default read
   * once, at construction, from HTTP_PROXY, HTTPS_PROXY and NO_PROXY (either case). Each
   * redirect hop chooses its own proxy; `http://` targets are sent to the proxy in absolute
   * form, `https://` targets through a CONNECT tunnel.
   * @default from the environment
   */
  proxy?: string | URL | ProxyOptions | false;
  /** TLS settings for HTTPS targets. @default { rejectUnauthorized: true } */
  tls?: TlsOptions;
  /**
   * Speak HTTP/2 to HTTPS origins that offer it (negotiated by ALPN, else HTTP/1.1).
   * @default false
   */
  http2?: boolean;
  /**
   * Follow redirects. A redirect that changes scheme, host or port drops Authorization,
   * Proxy-Authorization, Cookie, every credential-like header and URL userinfo.
   * @default true
   */
  followRedirects?: boolean;
  /**
   * The most redirects followed in one attempt.
   * @default 10
   */
  maxRedirects?: number;
  /**
   * Request gzip, deflate and brotli and decode the body.
   * @default true
   */
  decompress?: boolean;
  /**
   * The largest (decoded) response body a buffered call (`request()`, `get()` …) reads, in
   * bytes; past it the transfer is aborted with ProtocolError. `Infinity` for no limit.
   * `stream()` and `download()` apply it only when a call passes its own.
   * @default 67108864 (64 MiB)
   */
  maxResponseSize?: number;
  /**
   * Most concurrent sockets per origin; further requests queue for a free one.
   * @default 256
   */
  maxSockets?: number;
  /** Functions run around each attempt; see {@link Hooks}. @default {} */
  hooks?: Hooks;
  /**
   * Resolves host names, with the signature of `dns.lookup` (e.g. a caching resolver).
   * @default dns.lookup
   */
  lookup?: LookupFunction;
  /**
   * A cookie jar (e.g. tough-cookie's `CookieJar`): cookies it holds for a URL are sent to it,
   * and `Set-Cookie` answers are stored in it, on every hop of a redirect.
   * @default undefined
   */
  cookieJar?: CookieJar;
}

/** @internal Client options with defaults applied, shorthands normalised and input checked. */
export interface ResolvedOptions {
  baseUrl: string | undefined;
  headers: Record<string, string>;
  /** Resolved budgets: `Infinity` for none. */
  timeout: { attempt: number; connect: number; total: number };
  maxRetries: number;
  retry: RetryPolicy;
  throwHttpErrors: boolean;
  proxy: ResolvedProxy | undefined;
  tls: TlsOptions;
  http2: boolean;
  followRedirects: boolean;
  maxRedirects: number;
  decompress: boolean;
  maxResponseSize: number;
  maxSockets: number;
  hooks: Required<Hooks>;
  lookup: LookupFunction | undefined;
  cookieJar: CookieJar | undefined;
}

/** The type of `HTTPClient.defaults`: every default, read-only. */
export interface HTTPClientDefaults {
  /** See {@link HTTPClientOptions.timeout}: 30000 per attempt, no connect or total cap. */
  readonly timeout: { readonly attempt: number; readonly connect: number; readonly total: number };
  /** See {@link HTTPClientOptions.maxRetries}: 2. */
  readonly maxRetries: number;
  /** See {@link RetryOptions}. */
  readonly retry: {
    readonly methods: readonly string[];
    readonly statusCodes: readonly number[];
    readonly baseDelay: number;
    readonly maxDelay: number;
    readonly maxRetryAfter: number;
  };
  /** See {@link HTTPClientOptions.throwHttpErrors}: true. */
  readonly throwHttpErrors: boolean;
  /** See {@link HTTPClientOptions.http2}: false. */
  readonly http2: boolean;
  /** See {@link HTTPClientOptions.followRedirects}: true. */
  readonly followRedirects: boolean;
  /** See {@link HTTPClientOptions.maxRedirects}: 10. */
  readonly maxRedirects: number;
  /** See {@link HTTPClientOptions.decompress}: true. */
  readonly decompress: boolean;
  /** See {@link HTTPClientOptions.maxResponseSize}: 64 MiB. */
  readonly maxResponseSize: number;
  /** See {@link HTTPClientOptions.maxSockets}: 256. */
  readonly maxSockets: number;
}

/** @internal The client's defaults, as data (`HTTPClient.defaults` is this object, deep-frozen). */
export const CLIENT_DEFAULTS: HTTPClientDefaults = deepFreeze({
  timeout: { attempt: 30_000, connect: Infinity, total: Infinity },
  maxRetries: 2,
  retry: RETRY_DEFAULTS,
  throwHttpErrors: true,
  http2: false,
  followRedirects: true,
  maxRedirects: 10,
  decompress: true,
  maxResponseSize: 64 * 1024 * 1024,
  maxSockets: 256,
});

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) {
    if (typeof inner === 'object' && inner !== null) deepFreeze(inner as object);
  }
  return Object.freeze(value);
}

const CLIENT_KEYS: readonly string[] = [
  'baseUrl',
  'headers',
  'timeout',
  'maxRetries',
  'retry',
  'throwHttpErrors',
  'proxy',
  'tls',
  'http2',
  'followRedirects',
  'maxRedirects',
  'decompress',
  'maxResponseSize',
  'maxSockets',
  'hooks',
  'lookup',
  'cookieJar',
];
const TIMEOUT_KEYS = ['attempt', 'connect', 'total'];
const TLS_KEYS = ['ca', 'cert', 'key', 'rejectUnauthorized'];
const HOOK_KEYS = ['beforeRequest', 'afterResponse', 'beforeRetry'] as const;

/** @internal Normalises `timeout: number | {…}` once, on top of `base`. */
export function resolveTimeout(
  name: string,
  value: unknown,
  base: ResolvedOptions['timeout'],
): ResolvedOptions['timeout'] {
  if (value === undefined) return base;
  if (typeof value === 'number') return { ...base, attempt: checkTimeout(name, value) };
  if (typeof value !== 'object' || value === null)
    throw invalidArgType(name, 'a number or an object', value);
  const given = checkOptionKeys<TimeoutOptions>(name, value, TIMEOUT_KEYS);
  return {
    attempt: checkTimeout(`${name}.attempt`, given.attempt, base.attempt),
    connect: checkTimeout(`${name}.connect`, given.connect, base.connect),
    total: checkTimeout(`${name}.total`, given.total, base.total),
  };
}

/** @internal A byte limit: a non-negative integer or Infinity. */
export function resolveSizeLimit(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  return checkInteger(name, value, { min: 0, max: Infinity });
}

function resolveBaseUrl(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && !(value instanceof URL))
    throw invalidArgType('baseUrl', 'a string or a URL', value);
  const text = String(value);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw invalidArgValue('baseUrl', 'It must be an absolute http(s) URL.');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalidArgValue('baseUrl', 'It must be an absolute http(s) URL.');
  }
  return text.endsWith('/') ? text : `${text}/`;
}

function resolveHooks(value: unknown): Required<Hooks> {
  const hooks = checkOptionKeys<Hooks>('hooks', value, HOOK_KEYS);
  const out: Required<Hooks> = { beforeRequest: [], afterResponse: [], beforeRetry: [] };
  for (const key of HOOK_KEYS) {
    const list = hooks[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((fn) => typeof fn !== 'function')) {
      throw invalidArgType(`hooks.${key}`, 'an array of functions', list);
    }
    (out[key] as unknown[]) = [...list];
  }
  return out;
}

function resolveTls(value: unknown): TlsOptions {
  const tls = checkOptionKeys<TlsOptions>('tls', value, TLS_KEYS);
  return {
    ...tls,
    rejectUnauthorized:
      tls.rejectUnauthorized === undefined
        ? true
        : checkBoolean('tls.rejectUnauthorized', tls.rejectUnauthorized),
  };
}

function resolveCookieJar(value: unknown): CookieJar | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'object' ||
    value === null ||
    !('getCookieString' in value) ||
    typeof value.getCookieString !== 'function' ||
    !('setCookie' in value) ||
    typeof value.setCookie !== 'function'
  ) {
    throw invalidArgType('cookieJar', 'an object with getCookieString() and setCookie()', value);
  }
  return value as CookieJar;
}

function optionalBoolean(name: string, value: unknown, fallback: boolean): boolean {
  return value === undefined ? fallback : checkBoolean(name, value);
}

/** @internal Applies defaults and validates every field of the client options, once. */
export function resolveOptions(
  input: HTTPClientOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedOptions {
  const options = checkOptionKeys<HTTPClientOptions>('options', input, CLIENT_KEYS);
  const d = CLIENT_DEFAULTS;
  return {
    baseUrl: resolveBaseUrl(options.baseUrl),
    headers: checkHeaders('headers', options.headers) ?? {},
    timeout: resolveTimeout('timeout', options.timeout, { ...d.timeout }),
    maxRetries:
      options.maxRetries === undefined
        ? d.maxRetries
        : checkInteger('maxRetries', options.maxRetries, { min: 0 }),
    retry: resolveRetry('retry', options.retry, undefined),
    throwHttpErrors: optionalBoolean('throwHttpErrors', options.throwHttpErrors, d.throwHttpErrors),
    proxy: resolveProxy(options.proxy, env),
    tls: resolveTls(options.tls),
    http2: optionalBoolean('http2', options.http2, d.http2),
    followRedirects: optionalBoolean('followRedirects', options.followRedirects, d.followRedirects),
    maxRedirects:
      options.maxRedirects === undefined
        ? d.maxRedirects
        : checkInteger('maxRedirects', options.maxRedirects, { min: 0 }),
    decompress: optionalBoolean('decompress', options.decompress, d.decompress),
    maxResponseSize: resolveSizeLimit(
      'maxResponseSize',
      options.maxResponseSize,
      d.maxResponseSize,
    ),
    maxSockets:
      options.maxSockets === undefined
        ? d.maxSockets
        : checkInteger('maxSockets', options.maxSockets, { min: 1 }),
    hooks: resolveHooks(options.hooks),
    lookup:
      options.lookup === undefined
        ? undefined
        : checkFunction<LookupFunction>('lookup', options.lookup),
    cookieJar: resolveCookieJar(options.cookieJar),
  };
}
