import { Readable } from 'node:stream';
import {
  checkFunction,
  checkHeaders,
  checkInteger,
  checkOptionKeys,
  checkSignal,
  invalidArgType,
  invalidArgValue,
} from '@net/errors/internal';
import type { OptionsInit } from 'got';
import {
  resolveSizeLimit,
  resolveTimeout,
  type ResolvedOptions,
  type TimeoutOptions,
} from './options.js';
import {
  isRetryableMethod,
  resolveRetry,
  type RetryOptions,
  type RetryPolicy,
} from './retry-policy.js';
import { resolveUrl } from './validate-request.js';

/** Transfer progress: bytes so far, the total when known, and their ratio (0 to 1). */
export interface Progress {
  /** 0 to 1; 0 while the total is unknown. */
  percent: number;
  /** Bytes transferred so far. */
  transferred: number;
  /** The total in bytes, when known (from Content-Length). */
  total?: number;
}

/** Options of one call; each overrides the client's for this call only. */
export interface RequestOptions {
  /** Headers of this call, merged over the client's. @default {} */
  headers?: Record<string, string>;
  /** Query parameters appended to the URL. @default undefined */
  searchParams?: URLSearchParams | Record<string, string | number | boolean> | string;
  /** A JSON body; sets `content-type: application/json` unless given. @default undefined */
  json?: unknown;
  /**
   * A raw body. A stream or async iterable can be sent only once, so such a call is never
   * retried. @default undefined
   */
  body?: string | Buffer | Uint8Array | Readable | AsyncIterable<Uint8Array>;
  /** A urlencoded form body. @default undefined */
  form?: URLSearchParams | Record<string, string | number | boolean>;
  /** Per-attempt budget in ms, or `{ attempt, connect, total }`. @default the client's */
  timeout?: number | TimeoutOptions;
  /** Cancels the call, including any back-off wait; rejects with AbortError. @default undefined */
  signal?: AbortSignal;
  /** Retry policy for this call, or `false` for a single attempt. @default the client's */
  retry?: RetryOptions | false;
  /** Retries after the first attempt. @default the client's (2) */
  maxRetries?: number;
  /**
   * Sent as the `Idempotency-Key` header on every attempt; makes POST and PATCH retryable (as
   * does an `Idempotency-Key` passed in `headers`).
   * @default undefined
   */
  idempotencyKey?: string;
  /** Throw on 4xx/5xx. @default the client's (true) */
  throwHttpErrors?: boolean;
  /** Called as the request body is sent. @default undefined */
  onUploadProgress?: (progress: Progress) => void;
  /** Called as the response body arrives. @default undefined */
  onDownloadProgress?: (progress: Progress) => void;
  /**
   * The largest decoded response body this call reads, in bytes (`Infinity` for none); past
   * it the transfer is aborted with ProtocolError.
   * @default the client's `maxResponseSize` for buffered calls, Infinity for `stream()`
   */
  maxResponseSize?: number;
}

/** @internal The option names of one call (`request()` and friends). */
export const REQUEST_KEYS: readonly string[] = [
  'headers',
  'searchParams',
  'json',
  'body',
  'form',
  'timeout',
  'signal',
  'retry',
  'maxRetries',
  'idempotencyKey',
  'throwHttpErrors',
  'onUploadProgress',
  'onDownloadProgress',
  'maxResponseSize',
];

/** @internal One call, resolved once before its first attempt. */
export interface Call {
  method: string;
  /** The URL as handed to got. */
  href: string;
  /** The URL parsed, on first use only: the plain path never needs it (got parses `href`). */
  readonly url: URL;
  /** What is handed to got on every attempt (got merges it over the client's instance). */
  readonly got: Readonly<OptionsInit>;
  /** True when `got` is empty: the attempt can call got with the URL alone. */
  readonly plain: boolean;
  /** The call's own headers (lower-case), for hooks. */
  readonly headers: Readonly<Record<string, string>>;
  /** Resolved budgets: Infinity for none. */
  attemptMs: number;
  totalMs: number;
  /** Retries allowed for this call (0 when the method or body is not safe to repeat). */
  maxRetries: number;
  policy: RetryPolicy;
  throwHttpErrors: boolean;
  signal: AbortSignal | undefined;
  onUploadProgress: ((progress: Progress) => void) | undefined;
  onDownloadProgress: ((progress: Progress) => void) | undefined;
  /** The body must be ended by hand (a method that may carry one, sent without one). */
  endEmpty: boolean;
  /** Decoded body bytes this call may read (Infinity for none). */
  maxResponseSize: number;
}

const NO_BODY_METHODS = new Set(['GET', 'HEAD']);

function appendSearchParams(url: URL, params: RequestOptions['searchParams']): void {
  if (params === undefined) return;
  let entries: Iterable<[string, string]>;
  if (typeof params === 'string') entries = new URLSearchParams(params);
  else if (params instanceof URLSearchParams) entries = params;
  else if (typeof params === 'object' && params !== null) {
    entries = Object.entries(params).map(([k, v]) => [k, String(v)] as [string, string]);
  } else throw invalidArgType('searchParams', 'an object, URLSearchParams or a string', params);
  for (const [key, value] of entries) url.searchParams.append(key, value);
}

function isStreamBody(body: unknown): boolean {
  return (
    body instanceof Readable ||
    (typeof body === 'object' && body !== null && Symbol.asyncIterator in body)
  );
}

/** @internal Validates a call and resolves its options against the client's, before any I/O. */
export function prepareCall(
  client: ResolvedOptions,
  method: string,
  input: unknown,
  given: unknown,
  limits: { keys: readonly string[]; maxResponseSize: number },
): Call {
  if (given === undefined) return plainCall(client, method, input, limits.maxResponseSize);
  const options = checkOptionKeys<RequestOptions>('options', given, limits.keys);
  let { href, parsed } = resolveUrl(input, client.baseUrl);
  if (options.searchParams !== undefined) {
    parsed = new URL(href);
    appendSearchParams(parsed, options.searchParams);
    href = parsed.href;
  }
  const headers = checkHeaders('headers', options.headers) ?? {};
  const timeout = resolveTimeout('timeout', options.timeout, client.timeout);
  const policy =
    options.retry === false ? client.retry : resolveRetry('retry', options.retry, client.retry);
  let maxRetries =
    options.retry === false
      ? 0
      : options.maxRetries === undefined
        ? client.maxRetries
        : checkInteger('maxRetries', options.maxRetries, { min: 0 });

  const bodies = [
    options.json !== undefined,
    options.body !== undefined,
    options.form !== undefined,
  ].filter(Boolean);
  if (bodies.length > 1) throw invalidArgValue('options', 'Pass only one of json, body and form.');
  if (bodies.length === 1 && NO_BODY_METHODS.has(method)) {
    throw invalidArgValue('options', `A ${method} request cannot have a body.`);
  }

  // GET is got's default: leaving it out lets a plain GET skip got's per-call option merge.
  const got: OptionsInit = method === 'GET' ? {} : { method: method as OptionsInit['method'] };
  if (options.json !== undefined) {
    got.body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  } else if (options.form !== undefined) {
    if (typeof options.form !== 'object' || options.form === null)
      throw invalidArgType('form', 'an object', options.form);
    const form =
      options.form instanceof URLSearchParams
        ? options.form
        : new URLSearchParams(Object.entries(options.form).map(([k, v]) => [k, String(v)]));
    got.body = form.toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  } else if (options.body !== undefined) {
    const body = options.body;
    if (typeof body !== 'string' && !(body instanceof Uint8Array) && !isStreamBody(body)) {
      throw invalidArgType('body', 'a string, Buffer, Uint8Array, stream or async iterable', body);
    }
    // A stream is consumed by the first attempt; a retry would send nothing.
    if (isStreamBody(body)) maxRetries = 0;
    got.body = body as OptionsInit['body'];
  }

  if (options.idempotencyKey !== undefined) {
    if (
      typeof options.idempotencyKey !== 'string' ||
      options.idempotencyKey === '' ||
      /[\0\r\n]/.test(options.idempotencyKey)
    ) {
      throw invalidArgValue(
        'idempotencyKey',
        'It must be a non-empty string without CR, LF or NUL.',
      );
    }
    headers['idempotency-key'] = options.idempotencyKey;
  }
  // An Idempotency-Key set by hand as a header counts the same as the option.
  if (!isRetryableMethod(method, policy, headers['idempotency-key'] !== undefined)) maxRetries = 0;

  const signal = checkSignal('signal', options.signal);
  for (const name of ['onUploadProgress', 'onDownloadProgress'] as const) {
    if (options[name] !== undefined) checkFunction(name, options[name]);
  }
  const maxResponseSize = resolveSizeLimit(
    'maxResponseSize',
    options.maxResponseSize,
    limits.maxResponseSize,
  );
  const throwHttpErrors = options.throwHttpErrors ?? client.throwHttpErrors;
  if (typeof throwHttpErrors !== 'boolean')
    throw invalidArgType('throwHttpErrors', 'of type boolean', throwHttpErrors);

  if (Object.keys(headers).length > 0) got.headers = headers;
  if (timeout.connect !== client.timeout.connect) {
    // got's own connect timer; Infinity is got's "none" as an empty object.
    got.timeout = Number.isFinite(timeout.connect) ? { connect: timeout.connect } : {};
  }
  if (signal) got.signal = signal;
  const call = new PreparedCall(method, href, parsed, got, headers, policy, signal);
  call.attemptMs = timeout.attempt;
  call.totalMs = timeout.total;
  call.maxRetries = maxRetries;
  call.throwHttpErrors = throwHttpErrors;
  call.onUploadProgress = options.onUploadProgress;
  call.onDownloadProgress = options.onDownloadProgress;
  call.endEmpty = got.body === undefined && !NO_BODY_METHODS.has(method);
  call.maxResponseSize = maxResponseSize;
  return call;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const NO_OPTIONS: Readonly<OptionsInit> = Object.freeze({});

/**
 * A call without options (`client.get(url)`), the common case: nothing to check but the URL,
 * so the client's resolved values are taken as they are.
 */
function plainCall(
  client: ResolvedOptions,
  method: string,
  input: unknown,
  maxResponseSize: number,
): Call {
  const { href, parsed } = resolveUrl(input, client.baseUrl);
  // GET is got's default: leaving it out lets a plain GET skip got's per-call option merge.
  const got = method === 'GET' ? NO_OPTIONS : { method: method as OptionsInit['method'] };
  const call = new PreparedCall(method, href, parsed, got, NO_HEADERS, client.retry, undefined);
  call.attemptMs = client.timeout.attempt;
  call.totalMs = client.timeout.total;
  call.maxRetries = isRetryableMethod(method, client.retry, false) ? client.maxRetries : 0;
  call.throwHttpErrors = client.throwHttpErrors;
  call.endEmpty = !NO_BODY_METHODS.has(method);
  call.maxResponseSize = maxResponseSize;
  return call;
}

/** One shape for every call (a class, not an object literal with a getter, for V8's sake). */
class PreparedCall implements Call {
  attemptMs = 0;
  totalMs = Infinity;
  maxRetries = 0;
  throwHttpErrors = true;
  onUploadProgress: ((progress: Progress) => void) | undefined = undefined;
  onDownloadProgress: ((progress: Progress) => void) | undefined = undefined;
  endEmpty = false;
  maxResponseSize = Infinity;
  readonly plain: boolean;

  constructor(
    readonly method: string,
    readonly href: string,
    private parsed: URL | undefined,
    readonly got: Readonly<OptionsInit>,
    readonly headers: Readonly<Record<string, string>>,
    readonly policy: RetryPolicy,
    readonly signal: AbortSignal | undefined,
  ) {
    this.plain = got === NO_OPTIONS || Object.keys(got).length === 0;
  }

  /** The URL parsed, on first use only: the plain path never needs it (got parses `href`). */
  get url(): URL {
    this.parsed ??= new URL(this.href);
    return this.parsed;
  }
}
