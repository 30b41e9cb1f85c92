import { AttemptEngine } from './attempt-engine.js';
import { bufferedCall } from './buffered-call.js';
import { downloadToFile, type DownloadOptions, type DownloadResult } from './download.js';
import {
  CLIENT_DEFAULTS,
  resolveOptions,
  type HTTPClientDefaults,
  type HTTPClientOptions,
} from './options.js';
import { REQUEST_KEYS, type RequestOptions } from './request-options.js';
import type { Response } from './response.js';
import { streamedCall, type StreamResponse } from './streamed-call.js';
import { validateMethod } from './validate-request.js';

const STREAM_KEYS = [...REQUEST_KEYS, 'method'];

const engines = new WeakMap<HTTPClient, AttemptEngine>();

/** @internal Test seam (not exported from the package): the engine behind a client. */
export function engineOf(client: HTTPClient): AttemptEngine {
  return engines.get(client)!;
}

/**
 * An HTTP client with safe retries, bounded time and memory, and typed errors, on got.
 * Options are resolved once; each client owns one got instance and its keep-alive sockets,
 * which `close()` releases.
 *
 * @example
 * const client = new HTTPClient({ timeout: 10_000, maxRetries: 3 });
 * const response = await client.get('https://api.example.com/users/1');
 * console.log(response.statusCode, response.json());
 */
export class HTTPClient implements AsyncDisposable {
  /** The defaults every option falls back to (deep-frozen; read-only). */
  static readonly defaults: HTTPClientDefaults = CLIENT_DEFAULTS;

  readonly #engine: AttemptEngine;

  constructor(options: HTTPClientOptions = {}) {
    this.#engine = new AttemptEngine(resolveOptions(options));
    engines.set(this, this.#engine);
  }

  /** An AbortSignal that fires when the client is closed. */
  get closing(): AbortSignal {
    return this.#engine.closing;
  }

  /** Sends a request and reads the whole response (at most `maxResponseSize` bytes). */
  request(method: string, url: string | URL, options?: RequestOptions): Promise<Response> {
    // Not an async function: one promise less per call. Bad input still rejects, never throws.
    const engine = this.#engine;
    let call;
    try {
      call = engine.prepare(validateMethod(method), url, options, engine.requestLimits);
    } catch (err) {
      // prepare() throws only TypeError and RangeError.
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return bufferedCall(engine, call);
  }

  /** GET `url`. */
  get(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('GET', url, options);
  }
  /** HEAD `url`. */
  head(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('HEAD', url, options);
  }
  /** POST `url`; retried only with `idempotencyKey`. */
  post(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('POST', url, options);
  }
  /** PUT `url`. */
  put(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('PUT', url, options);
  }
  /** PATCH `url`; retried only with `idempotencyKey`. */
  patch(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('PATCH', url, options);
  }
  /** DELETE `url`. */
  delete(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('DELETE', url, options);
  }
  /** OPTIONS `url`. */
  options(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('OPTIONS', url, options);
  }

  /**
   * Sends a request and resolves once the response head arrives, with the body as a stream.
   * Failures before the head are retried as for `request()`; once the body flows, an error
   * ends the stream instead. The body is unlimited unless the call passes `maxResponseSize`.
   */
  async stream(
    url: string | URL,
    options?: RequestOptions & { method?: string },
  ): Promise<StreamResponse> {
    const engine = this.#engine;
    const method = validateMethod(options?.method ?? 'GET');
    const call = engine.prepare(method, url, options, {
      keys: STREAM_KEYS,
      maxResponseSize: Infinity,
    });
    return streamedCall(engine, call);
  }

  /**
   * Downloads `url` to `path` atomically: the body goes to a temporary file in the same
   * directory, which is flushed to disk and renamed into place only once complete. A failed
   * download leaves neither a partial file at `path` nor the temporary file. A replaced file
   * keeps its permission bits. `maxResponseSize` bounds what a server can make us write.
   */
  async download(
    url: string | URL,
    path: string,
    options?: DownloadOptions,
  ): Promise<DownloadResult> {
    return downloadToFile(this.#engine, url, path, options);
  }

  /** Aborts calls in flight, closes every socket and HTTP/2 session. Idempotent. */
  async close(): Promise<void> {
    this.#engine.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
