import type { LookupFunction } from 'node:net';
import { argOutOfRange, invalidArgType, invalidArgValue } from '@net/errors';
import type { Hooks } from './hooks.js';
import { resolveProxy, type ProxyOptions, type ResolvedProxy } from './proxy-config.js';
import { retryDefaults, type RetryOptions, type RetryPolicy } from './retry-policy.js';
import { validateHeaders } from './validate-request.js';

/** Time budgets in ms. A plain number is the per-attempt budget. */
export interface TimeoutOptions {
  /**
   * One attempt, from sending to the last byte of the body.
   * @default 30000
   */
  attempt?: number;
  /**
   * Establishing the TCP connection (and the proxy tunnel, when one is used).
   * @default undefined (bounded by `attempt`)
   */
  connect?: number;
  /**
   * The whole call: every attempt and every back-off wait between them.
   * @default undefined (no overall cap)
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
   * Per-attempt budget in ms, or `{ attempt, connect, total }`.
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
   * once, at construction, from HTTP_PROXY, HTTPS_PROXY and NO_PROXY (either case).
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
   * Follow redirects. A redirect to another origin drops Authorization and Cookie.
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
}

/** Client options with defaults applied, shorthands normalised and input checked. */
export interface ResolvedOptions {
  baseUrl: string | undefined;
  headers: Record<string, string>;
  timeout: { attempt: number; connect: number | undefined; total: number | undefined };
  maxRetries: number;
  retry: RetryPolicy;
  throwHttpErrors: boolean;
  proxy: ResolvedProxy | undefined;
  tls: TlsOptions;
  http2: boolean;
  followRedirects: boolean;
  maxRedirects: number;
  decompress: boolean;
  maxSockets: number;
  hooks: Required<Hooks>;
  lookup: LookupFunction | undefined;
}

/** The client's scalar defaults (retry defaults: `retryDefaults`). */
export const defaults = {
  timeout: 30_000,
  maxRetries: 2,
  throwHttpErrors: true,
  http2: false,
  followRedirects: true,
  maxRedirects: 10,
  decompress: true,
  maxSockets: 256,
} satisfies HTTPClientOptions;

/** A budget in ms: a non-negative finite number, or Infinity for none. */
export function checkMs(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (Number.isNaN(value) || value <= 0) throw argOutOfRange(name, '> 0', value);
  return value;
}

function checkCount(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < 0) throw argOutOfRange(name, 'an integer >= 0', value);
  return value;
}

function checkFunction<F>(name: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function')
    throw invalidArgType(name, 'a function', value);
  return value;
}

/** Normalises `timeout: number | {…}` once. */
export function resolveTimeout(
  name: string,
  value: number | TimeoutOptions | undefined,
  base: ResolvedOptions['timeout'],
): ResolvedOptions['timeout'] {
  if (value === undefined) return base;
  if (typeof value === 'number') return { ...base, attempt: checkMs(name, value)! };
  if (typeof value !== 'object' || value === null)
    throw invalidArgType(name, 'a number or an object', value);
  return {
    attempt: checkMs(`${name}.attempt`, value.attempt) ?? base.attempt,
    connect: checkMs(`${name}.connect`, value.connect) ?? base.connect,
    total: checkMs(`${name}.total`, value.total) ?? base.total,
  };
}

/** Merges retry options onto a policy, checking each field. */
export function resolveRetry(
  name: string,
  value: RetryOptions | undefined,
  base: RetryPolicy,
): RetryPolicy {
  if (value === undefined) return base;
  if (typeof value !== 'object' || value === null) throw invalidArgType(name, 'an object', value);
  const methods =
    value.methods === undefined ? base.methods : new Set(value.methods.map((m) => m.toUpperCase()));
  const statusCodes =
    value.statusCodes === undefined ? base.statusCodes : new Set(value.statusCodes);
  return {
    methods,
    statusCodes,
    baseDelay: checkCount(`${name}.baseDelay`, value.baseDelay, base.baseDelay),
    maxDelay: checkCount(`${name}.maxDelay`, value.maxDelay, base.maxDelay),
    maxRetryAfter: checkCount(`${name}.maxRetryAfter`, value.maxRetryAfter, base.maxRetryAfter),
  };
}

export function resolveMaxRetries(name: string, value: unknown, fallback: number): number {
  return checkCount(name, value, fallback);
}

function resolveBaseUrl(value: string | URL | undefined): string | undefined {
  if (value === undefined) return undefined;
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

function resolveHooks(hooks: Hooks | undefined): Required<Hooks> {
  const out: Required<Hooks> = { beforeRequest: [], afterResponse: [], beforeRetry: [] };
  if (hooks === undefined) return out;
  for (const key of ['beforeRequest', 'afterResponse', 'beforeRetry'] as const) {
    const list = hooks[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((fn) => typeof fn !== 'function')) {
      throw invalidArgType(`hooks.${key}`, 'an array of functions', list);
    }
    (out[key] as unknown[]) = [...list];
  }
  return out;
}

/** Applies defaults and validates every field of the client options, once. */
export function resolveOptions(
  options: HTTPClientOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedOptions {
  if (typeof options !== 'object' || options === null)
    throw invalidArgType('options', 'an object', options);
  const timeout = resolveTimeout('timeout', options.timeout, {
    attempt: defaults.timeout,
    connect: undefined,
    total: undefined,
  });
  return {
    baseUrl: resolveBaseUrl(options.baseUrl),
    headers: validateHeaders('headers', options.headers) ?? {},
    timeout,
    maxRetries: checkCount('maxRetries', options.maxRetries, defaults.maxRetries),
    retry: resolveRetry('retry', options.retry, {
      methods: new Set(retryDefaults.methods),
      statusCodes: new Set(retryDefaults.statusCodes),
      baseDelay: retryDefaults.baseDelay,
      maxDelay: retryDefaults.maxDelay,
      maxRetryAfter: retryDefaults.maxRetryAfter,
    }),
    throwHttpErrors: options.throwHttpErrors ?? defaults.throwHttpErrors,
    proxy: resolveProxy(options.proxy, env),
    tls: { rejectUnauthorized: true, ...options.tls },
    http2: options.http2 ?? defaults.http2,
    followRedirects: options.followRedirects ?? defaults.followRedirects,
    maxRedirects: checkCount('maxRedirects', options.maxRedirects, defaults.maxRedirects),
    decompress: options.decompress ?? defaults.decompress,
    maxSockets:
      checkCount('maxSockets', options.maxSockets, defaults.maxSockets) || defaults.maxSockets,
    hooks: resolveHooks(options.hooks),
    lookup: checkFunction('lookup', options.lookup),
  };
}
