import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import {
  got,
  type ExtendOptions,
  type Got,
  type OptionsInit,
  type PlainResponse,
  type Request as GotRequest,
} from 'got';
import { AgentPool } from './agent-pool.js';
import { drain, readAll, readHead, send } from './attempt.js';
import {
  downloadToFile,
  type DownloadHost,
  type DownloadOptions,
  type DownloadResult,
} from './download.js';
import { AttemptTimeout, mapError, type AttemptContext } from './map-error.js';
import { resolveOptions, type HTTPClientOptions, type ResolvedOptions } from './options.js';
import { prepareCall, type Call, type RequestOptions } from './request-options.js';
import { Response, type Timings } from './response.js';
import { runWithRetries, type AttemptBudget, type AttemptOutcome } from './retry-loop.js';
import { validateMethod } from './validate-request.js';
import { BODY_SNIPPET_BYTES } from '@net/errors/internal';

/** A response whose body has not been read: `body` is a stream of it. */
export interface StreamResponse {
  readonly statusCode: number;
  readonly statusMessage: string;
  /** Lower-case names. */
  readonly headers: IncomingHttpHeaders;
  /** The final URL, after redirects. */
  readonly url: string;
  readonly redirectUrls: string[];
  readonly retryCount: number;
  readonly timings: Timings | undefined;
  readonly method: string;
  /** True for 2xx. */
  readonly ok: boolean;
  /** The body; errors on it are `@net/errors` classes. */
  readonly body: Readable;
}

const EMPTY_BODY = Buffer.alloc(0);

/** What an attempt in flight is destroyed with by `close()`; maps to ConnectionError closed. */
function closedError(): Error {
  return Object.assign(new Error('HTTPClient closed'), { code: 'ERR_SOCKET_CLOSED' });
}

function buildGot(options: ResolvedOptions, agents: AgentPool): Got {
  const { tls, timeout } = options;
  const settings: ExtendOptions = {
    // Retries are ours: got's would not know about the total budget or idempotency keys. (Empty
    // lists, since got copies them for every request.)
    retry: { limit: 0, methods: [], statusCodes: [], errorCodes: [] },
    // Statuses are judged by the retry loop, which needs the body first.
    throwHttpErrors: false,
    followRedirect: options.followRedirects,
    maxRedirects: options.maxRedirects,
    decompress: options.decompress,
    // A body shorter than its Content-Length is a broken transfer, not a success.
    strictContentLength: true,
    http2: options.http2,
    ...(options.lookup ? { dnsLookup: options.lookup } : {}),
    agent: agents.direct,
    headers: { 'user-agent': '@net/http', ...options.headers },
    // The attempt budget is enforced by the client (see startAttempt); got keeps the connect one.
    timeout:
      timeout.connect !== undefined && Number.isFinite(timeout.connect)
        ? { connect: timeout.connect }
        : {},
    https: {
      certificateAuthority: tls.ca,
      certificate: tls.cert,
      key: tls.key,
      rejectUnauthorized: tls.rejectUnauthorized,
    },
  };
  return got.extend(settings);
}

/**
 * An HTTP client with safe retries, bounded time and typed errors, on got. Options are
 * resolved once; each client owns one got instance and its keep-alive sockets, which
 * `close()` releases.
 *
 * @example
 * const client = new HTTPClient({ timeout: 10_000, maxRetries: 3 });
 * const response = await client.get('https://api.example.com/users/1');
 * console.log(response.statusCode, response.json());
 */
export class HTTPClient implements AsyncDisposable, DownloadHost {
  /** @internal */
  readonly hooks: ResolvedOptions['hooks'];
  /** @internal The source of back-off jitter; tests replace it. */
  random: () => number = Math.random;
  /** @internal The client's options, resolved. */
  readonly resolved: ResolvedOptions;
  private readonly agents: AgentPool;
  private readonly got: Got;
  private readonly closer = new AbortController();
  /** Attempts in flight, with their attempt-budget timer. */
  private readonly inFlight = new Map<GotRequest, NodeJS.Timeout | undefined>();

  constructor(options: HTTPClientOptions = {}) {
    this.resolved = resolveOptions(options);
    this.hooks = this.resolved.hooks;
    this.agents = new AgentPool(this.resolved.proxy, this.resolved.maxSockets, this.resolved.http2);
    this.got = buildGot(this.resolved, this.agents);
  }

  /** Fires when the client is closed. */
  get closing(): AbortSignal {
    return this.closer.signal;
  }

  /** Sends a request and reads the whole response. */
  async request(
    method: string,
    url: string | URL,
    options: RequestOptions = {},
  ): Promise<Response> {
    const call = prepareCall(this.resolved, validateMethod(method), url, options);
    return runWithRetries(
      this,
      call,
      (budget) => this.bufferedAttempt(call, budget),
      (r) => r,
    );
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
   * ends the stream instead.
   */
  async stream(
    url: string | URL,
    options: RequestOptions & { method?: string } = {},
  ): Promise<StreamResponse> {
    const method = validateMethod(options.method ?? 'GET');
    const call = prepareCall(this.resolved, method, url, options);
    return runWithRetries(
      this,
      call,
      (budget) => this.streamAttempt(call, budget),
      (response) => ({ ...toStreamMeta(response), body: bodyStream(response.body) }),
    );
  }

  /**
   * Downloads `url` to `path` atomically: the body goes to a temporary file in the same
   * directory, which is flushed to disk and renamed into place only once complete. A failed
   * download leaves neither a partial file at `path` nor the temporary file.
   */
  async download(
    url: string | URL,
    path: string,
    options: DownloadOptions = {},
  ): Promise<DownloadResult> {
    return downloadToFile(this, url, path, options);
  }

  /** Aborts calls in flight, closes every socket and HTTP/2 session. Idempotent. */
  async close(): Promise<void> {
    if (this.closer.signal.aborted) return;
    this.closer.abort();
    for (const [stream, timer] of this.inFlight) {
      clearTimeout(timer);
      stream.destroy(closedError());
    }
    this.inFlight.clear();
    this.agents.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * @internal Starts one attempt of `call` on this client's got instance. The caller must
   * call `settled(stream)` once the attempt is over, so `close()` knows what is in flight.
   */
  startAttempt(call: Call, budget: AttemptBudget): GotRequest {
    let options: OptionsInit | undefined = call.plain ? undefined : call.got;
    const proxy = this.agents.hasProxy ? this.agents.proxyFor(call.url) : undefined;
    const agent = proxy ? this.agents.forProxy(proxy) : undefined;
    if (agent) {
      // A per-attempt copy only when something differs: the plain path reuses the call's object.
      // HTTP/2 is not tunnelled (hpagent is HTTP/1.1): got would otherwise open the h2 session
      // directly, past the proxy, on http2-wrapper's global agent.
      options = { ...call.got, agent, http2: false };
    }
    const stream = send(this.got, call.href, options, call.endEmpty);
    // The attempt budget is one plain timer of ours rather than got's `timeout.request`, whose
    // per-request listeners cost ~10% of a small request's CPU (see README, Performance).
    const timer = Number.isFinite(budget.attemptMs)
      ? setTimeout(() => stream.destroy(new AttemptTimeout(budget.attemptMs)), budget.attemptMs)
      : undefined;
    this.inFlight.set(stream, timer);
    if (call.onUploadProgress) stream.on('uploadProgress', call.onUploadProgress);
    if (call.onDownloadProgress) stream.on('downloadProgress', call.onDownloadProgress);
    return stream;
  }

  /** @internal The attempt on `stream` is over (its body read, handed out, or failed). */
  settled(stream: GotRequest): void {
    clearTimeout(this.inFlight.get(stream));
    this.inFlight.delete(stream);
    // As got's promise API does once a body is read: a finished request is destroyed, which
    // releases its listeners on the caller's AbortSignal (the socket is already back in the pool).
    if (!stream.destroyed) stream.destroy();
  }

  /** @internal Context for mapping an attempt's error. */
  errorContext(call: Call, budget: AttemptBudget): AttemptContext {
    return {
      method: call.method,
      call,
      attemptMs: budget.attemptMs,
      totalMs: budget.totalMs,
      signal: call.signal,
    };
  }

  /** @internal Builds a Response and runs the afterResponse hooks. */
  async toResponse(
    call: Call,
    raw: PlainResponse,
    body: Buffer,
    retryCount: number,
  ): Promise<Response> {
    let response = makeResponse(call, raw, body, retryCount);
    for (const hook of this.hooks.afterResponse) {
      response = (await hook(response)) ?? response;
    }
    return response;
  }

  private bufferedAttempt(call: Call, budget: AttemptBudget): Promise<AttemptOutcome<Response>> {
    if (this.hooks.beforeRequest.length > 0 || this.hooks.afterResponse.length > 0) {
      return this.bufferedAttemptWithHooks(call, budget);
    }
    // The hot path: no async function frames, one promise from got's stream to the outcome.
    const stream = this.startAttempt(call, budget);
    return readAll(stream).then(
      ({ response: raw, body }) => {
        this.settled(stream);
        const response = makeResponse(call, raw, body, budget.retryCount);
        return response.statusCode >= 400 ? { status: response } : { value: response };
      },
      (err: unknown) => {
        this.settled(stream);
        throw mapError(err, this.errorContext(call, budget));
      },
    );
  }

  private async bufferedAttemptWithHooks(
    call: Call,
    budget: AttemptBudget,
  ): Promise<AttemptOutcome<Response>> {
    await this.prepareAttempt(call, budget);
    let raw: PlainResponse;
    let body: Buffer;
    const stream = this.startAttempt(call, budget);
    try {
      ({ response: raw, body } = await readAll(stream));
    } catch (err) {
      throw mapError(err, this.errorContext(call, budget));
    } finally {
      this.settled(stream);
    }
    const response = await this.toResponse(call, raw, body, budget.retryCount);
    return response.statusCode >= 400 ? { status: response } : { value: response };
  }

  private async streamAttempt(
    call: Call,
    budget: AttemptBudget,
  ): Promise<AttemptOutcome<StreamResponse>> {
    await this.prepareAttempt(call, budget);
    const stream = this.startAttempt(call, budget);
    const context = this.errorContext(call, budget);
    try {
      const raw = await readHead(stream);
      const judged =
        raw.statusCode >= 400 &&
        (call.throwHttpErrors || (budget.mayRetry && call.policy.statusCodes.has(raw.statusCode)));
      if (judged) {
        const snippet = await drain(stream, BODY_SNIPPET_BYTES);
        this.settled(stream);
        return { status: await this.toResponse(call, raw, snippet, budget.retryCount) };
      }
      // afterResponse hooks see whole bodies only, so a streamed success skips them.
      const meta = makeResponse(call, raw, EMPTY_BODY, budget.retryCount);
      const body = new PassThrough();
      stream.once('error', (err) => body.destroy(mapError(err, context)));
      // Read to the end or destroyed by the consumer: either way the attempt is over.
      body.once('close', () => this.settled(stream));
      stream.pipe(body);
      return { value: { ...toStreamMeta(meta), body } };
    } catch (err) {
      this.settled(stream);
      stream.destroy();
      throw mapError(err, context);
    }
  }

  /** @internal Runs the beforeRequest hooks, which may change this attempt's headers. */
  async prepareAttempt(call: Call, budget: AttemptBudget): Promise<void> {
    if (this.hooks.beforeRequest.length === 0) return;
    const headers = { ...this.resolved.headers, ...call.headers };
    const request = { method: call.method, url: call.url, headers, retryCount: budget.retryCount };
    for (const hook of this.hooks.beforeRequest) await hook(request);
    call.got = { ...call.got, headers: request.headers };
    call.plain = false;
  }
}

function makeResponse(call: Call, raw: PlainResponse, body: Buffer, retryCount: number): Response {
  return new Response({
    statusCode: raw.statusCode,
    statusMessage: raw.statusMessage ?? '',
    headers: raw.headers,
    url: raw.url,
    redirectUrls: raw.redirectUrls.length === 0 ? [] : raw.redirectUrls.map((u) => u.href),
    body,
    retryCount,
    timings: raw.timings,
    method: call.method,
  });
}

function toStreamMeta(response: Response): Omit<StreamResponse, 'body'> {
  return {
    statusCode: response.statusCode,
    statusMessage: response.statusMessage,
    headers: response.headers,
    url: response.url,
    redirectUrls: response.redirectUrls,
    retryCount: response.retryCount,
    timings: response.timings,
    method: response.method,
    ok: response.ok,
  };
}

function bodyStream(body: Buffer): Readable {
  const stream = new PassThrough();
  stream.end(body);
  return stream;
}
