import { brandFor, hasBrand } from './brand.js';
import { ErrorCodes, type ErrorCode } from './codes.js';
import { NetworkError, type NetworkErrorOptions } from './network-error.js';
import { redactHeaders, redactUrl, type HeaderBag } from './redact.js';

/** How much of a response body an error keeps. */
export const BODY_SNIPPET_BYTES = 1024;

/** Statuses where the same request may succeed later. */
const RETRYABLE_STATUSES = new Set([408, 413, 429, 500, 502, 503, 504]);

export interface HTTPErrorOptions extends NetworkErrorOptions {
  statusCode: number;
  statusMessage?: string;
  method?: string;
  url?: string | URL;
  headers?: HeaderBag;
  /** The body; only the first 1 KiB is kept, as text. */
  body?: string | Uint8Array;
  /** The full response object. Kept non-enumerable so logs stay small. */
  response?: unknown;
}

/** Decodes at most the first KiB of a body as UTF-8. */
export function bodySnippet(body: string | Uint8Array | undefined): string | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return body.slice(0, BODY_SNIPPET_BYTES);
  return new TextDecoder().decode(body.subarray(0, BODY_SNIPPET_BYTES));
}

/** The server answered with a 4xx or 5xx status. */
export class HTTPError extends NetworkError {
  static override readonly brand: symbol = brandFor('HTTPError');
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }

  readonly statusCode: number;
  readonly statusMessage: string | undefined;
  readonly method: string | undefined;
  /** The request URL, redacted. */
  readonly url: string | undefined;
  /** Response headers, with credential headers redacted. */
  readonly headers: Record<string, string | string[]>;
  /** The first 1 KiB of the response body as text. */
  readonly body: string | undefined;
  declare readonly response: unknown;

  constructor(
    message: string,
    options: HTTPErrorOptions,
    code: ErrorCode = ErrorCodes.HTTP_STATUS,
  ) {
    super(message, { ...options, code }, RETRYABLE_STATUSES.has(options.statusCode));
    this.statusCode = options.statusCode;
    this.statusMessage = options.statusMessage;
    this.method = options.method;
    this.url = options.url === undefined ? undefined : redactUrl(options.url);
    this.headers = redactHeaders(options.headers);
    this.body = bodySnippet(options.body);
    Object.defineProperty(this, 'response', { value: options.response, enumerable: false });
  }
}
Object.defineProperty(HTTPError.prototype, 'name', { value: 'HTTPError', writable: true });
