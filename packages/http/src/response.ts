import type { IncomingHttpHeaders } from 'node:http';
import { ProtocolError, redactUrl } from '@net/errors';
import { bodySnippet } from '@net/errors/internal';

/**
 * When each phase of the last attempt happened (ms since the epoch), and how long each took
 * (`phases`, ms). A field is undefined when its phase did not happen (no DNS lookup for an IP,
 * no TLS for http, a reused socket has no connect).
 */
export interface Timings {
  start: number;
  socket?: number;
  lookup?: number;
  connect?: number;
  secureConnect?: number;
  upload?: number;
  response?: number;
  end?: number;
  error?: number;
  abort?: number;
  phases: {
    wait?: number;
    dns?: number;
    tcp?: number;
    tls?: number;
    request?: number;
    firstByte?: number;
    download?: number;
    total?: number;
  };
}

export interface ResponseInit {
  statusCode: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  url: string;
  redirectUrls: string[];
  body: Buffer;
  retryCount: number;
  timings: Timings | undefined;
  method: string;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A completed response: status, headers and the whole body, already read. `text()` and
 * `json()` are synchronous because nothing is left to wait for.
 */
export class Response {
  /** e.g. 200. */
  readonly statusCode: number;
  /** e.g. 'OK' (empty over HTTP/2, which has no reason phrase). */
  readonly statusMessage: string;
  /** Response headers with lower-case names. */
  readonly headers: IncomingHttpHeaders;
  /** The final URL, after redirects. */
  readonly url: string;
  /** Every URL redirected to, in order. */
  readonly redirectUrls: string[];
  /** The body (decompressed). */
  readonly body: Buffer;
  /** How many retries it took; 0 when the first attempt succeeded. */
  readonly retryCount: number;
  /** Phase timestamps of the last attempt (socket, lookup, connect, response, end …), from got. */
  readonly timings: Timings | undefined;
  /** The request method. */
  readonly method: string;

  constructor(init: ResponseInit) {
    this.statusCode = init.statusCode;
    this.statusMessage = init.statusMessage;
    this.headers = init.headers;
    this.url = init.url;
    this.redirectUrls = init.redirectUrls;
    this.body = init.body;
    this.retryCount = init.retryCount;
    this.timings = init.timings;
    this.method = init.method;
  }

  /** True for 2xx statuses. */
  get ok(): boolean {
    return this.statusCode >= 200 && this.statusCode < 300;
  }

  /** The body decoded as UTF-8. */
  text(): string {
    return this.body.toString('utf8');
  }

  /**
   * The body parsed as JSON.
   * @throws ProtocolError when the body is not valid JSON (with the first 1 KiB as `snippet`).
   */
  json<T = unknown>(): T {
    const text = this.body.toString('utf8');
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new ProtocolError(
        `Response body is not valid JSON: ${this.method} ${redactUrl(this.url)}`,
        {
          cause: err,
          snippet: bodySnippet(text),
        },
      );
    }
  }

  // A response URL may carry credentials in its query; logs get the redacted form.
  [INSPECT](): string {
    return `Response { ${this.statusCode} ${this.statusMessage}, ${this.method} ${redactUrl(this.url)}, ${this.body.length} bytes }`;
  }
}
