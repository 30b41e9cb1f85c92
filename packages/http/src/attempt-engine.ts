/**
 * The attempt machinery, owned by one unit: the got instance, the agents, the attempts in
 * flight with their timers, the hooks and the retry loop's host. `request()`, `stream()` and
 * `download()` are strategies over it (buffered-call.ts, streamed-call.ts, download.ts): they
 * call into the engine, the engine never calls them nor the client.
 */
import { ProxyError, redactUrl } from '@net/errors';
import { hasTimeout } from '@net/errors/internal';
import {
  got,
  type BeforeRedirectHook,
  type BeforeRequestHook,
  type ExtendOptions,
  type Got,
  type OptionsInit,
  type PlainResponse,
  type Request as GotRequest,
} from 'got';
import { AgentPool } from './agent-pool.js';
import { send } from './attempt.js';
import { AttemptTimeout, mapError } from './map-error.js';
import type { ResolvedOptions } from './options.js';
import { useCheapNativeOptions } from './native-request-options.js';
import { redirectGuard } from './redirect-guard.js';
import { prepareCall, REQUEST_KEYS, type Call } from './request-options.js';
import { collectSecrets } from './request-secrets.js';
import { Response } from './response.js';
import {
  runWithRetries,
  type AttemptBudget,
  type AttemptOutcome,
  type LoopHost,
} from './retry-loop.js';

/** What an attempt in flight is destroyed with by `close()`; maps to ConnectionError closed. */
function closedError(): Error {
  return Object.assign(new Error('HTTPClient closed'), { code: 'ERR_SOCKET_CLOSED' });
}

/** @internal One attempt on the wire. */
export interface Attempt {
  readonly stream: GotRequest;
  readonly call: Call;
  readonly budget: AttemptBudget;
  /** The proxy the first hop goes through, if any. */
  readonly proxyUrl: URL | undefined;
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
    // A body shorter than its Content-Length is a broken transfer, not a success. (got 14 never
    // ends a response with both this and a cookie jar on: readAll checks the length then.)
    strictContentLength: options.cookieJar === undefined,
    http2: options.http2,
    ...(options.lookup ? { dnsLookup: options.lookup } : {}),
    ...(options.cookieJar ? { cookieJar: options.cookieJar } : {}),
    agent: agents.direct,
    headers: { 'user-agent': '@net/http', ...options.headers },
    // The attempt budget is enforced by the engine (see start); got keeps the connect one.
    timeout: Number.isFinite(timeout.connect) ? { connect: timeout.connect } : {},
    https: {
      certificateAuthority: tls.ca,
      certificate: tls.cert,
      key: tls.key,
      rejectUnauthorized: tls.rejectUnauthorized,
    },
    hooks: {
      beforeRedirect: options.followRedirects
        ? [redirectGuard(agents, options.http2) as BeforeRedirectHook]
        : [],
      // Node 20 only: got's own build of node:http's options is its costliest step there.
      beforeRequest: process.env.NET_NO_CHEAP
        ? []
        : [useCheapNativeOptions as unknown as BeforeRequestHook],
    },
  };
  return got.extend(settings);
}

/** @internal */
export class AttemptEngine {
  readonly options: ResolvedOptions;
  /** The retry loop's view of this engine. */
  readonly loop: LoopHost;
  /** got's strict Content-Length check is off (see buildGot): buffered reads check it. */
  readonly verifyLength: boolean;
  /** What `request()` checks a call's options against. */
  readonly requestLimits: { keys: readonly string[]; maxResponseSize: number };
  /** The source of back-off jitter; tests replace it. */
  random: () => number = Math.random;
  private readonly agents: AgentPool;
  private readonly got: Got;
  private readonly closer = new AbortController();
  /** Attempts in flight, with their attempt-budget timer. */
  private readonly inFlight = new Map<GotRequest, NodeJS.Timeout | undefined>();

  constructor(options: ResolvedOptions) {
    this.options = options;
    this.verifyLength = options.cookieJar !== undefined;
    this.requestLimits = { keys: REQUEST_KEYS, maxResponseSize: options.maxResponseSize };
    const { timeout } = options;
    // A proxy that never answers must not hold a connection open past any budget we have.
    const proxyConnect = Math.min(timeout.connect, timeout.attempt, timeout.total);
    this.agents = new AgentPool(options.proxy, options.maxSockets, options.http2, proxyConnect);
    this.got = buildGot(options, this.agents);
    this.loop = {
      beforeRetry: options.hooks.beforeRetry,
      closing: this.closer.signal,
      random: () => this.random(),
      secretsOf: (call) =>
        collectSecrets(
          [this.options.headers, call.headers],
          call.href,
          this.options.proxy ? [this.options.proxy.http, this.options.proxy.https] : [],
        ),
    };
  }

  get closing(): AbortSignal {
    return this.closer.signal;
  }

  /** Validates a call against the client's options, before any I/O. */
  prepare(
    method: string,
    url: unknown,
    options: unknown,
    limits: { keys: readonly string[]; maxResponseSize: number },
  ): Call {
    return prepareCall(this.options, method, url, options, limits);
  }

  /** Runs `attempt` under the retry policy of `call`. */
  run<T>(
    call: Call,
    attempt: (budget: AttemptBudget) => Promise<AttemptOutcome<T>>,
    settle: (response: Response) => T,
  ): Promise<T> {
    const budget = this.firstBudget(call);
    if (budget === undefined) return runWithRetries(this.loop, call, attempt, settle);
    // The common case, a first attempt that succeeds, without the retry loop's async frame:
    // the loop takes over with this attempt's result only when it did not simply succeed.
    return attempt(budget).then(
      (outcome) =>
        'value' in outcome ? outcome.value : this.continueAfter(call, attempt, settle, { outcome }),
      (error: unknown) => this.continueAfter(call, attempt, settle, { error }),
    );
  }

  /**
   * The budget of a first attempt that may run outside the retry loop, or undefined when the
   * loop must own the call from the start (a signal or a total budget to watch, or closing).
   */
  firstBudget(call: Call): AttemptBudget | undefined {
    if (call.signal !== undefined || this.closer.signal.aborted || Number.isFinite(call.totalMs))
      return undefined;
    return new FirstBudget(call.attemptMs, call.maxRetries > 0);
  }

  /** Hands a call whose first attempt ran outside the loop to the retry loop. */
  continueAfter<T>(
    call: Call,
    attempt: (budget: AttemptBudget) => Promise<AttemptOutcome<T>>,
    settle: (response: Response) => T,
    first: { outcome: AttemptOutcome<T> } | { error: unknown },
  ): Promise<T> {
    return runWithRetries(this.loop, call, attempt, settle, first);
  }

  /** Whether beforeRequest hooks run (then `beforeAttempt` must be awaited before `start`). */
  get hasRequestHooks(): boolean {
    return this.options.hooks.beforeRequest.length > 0;
  }

  /** Whether afterResponse hooks run on whole responses. */
  get hasResponseHooks(): boolean {
    return this.options.hooks.afterResponse.length > 0;
  }

  /** Runs the beforeRequest hooks; returns the headers this attempt sends (the call is untouched). */
  async beforeAttempt(
    call: Call,
    budget: AttemptBudget,
  ): Promise<Record<string, string> | undefined> {
    if (!this.hasRequestHooks) return undefined;
    const headers = { ...this.options.headers, ...call.headers };
    const request = { method: call.method, url: call.url, headers, retryCount: budget.retryCount };
    for (const hook of this.options.hooks.beforeRequest) await hook(request);
    return request.headers;
  }

  /**
   * Starts one attempt of `call`. The caller must call `settle(attempt)` once the attempt is
   * over, so `close()` knows what is in flight.
   */
  start(call: Call, budget: AttemptBudget, headers?: Record<string, string>): Attempt {
    let options: OptionsInit | undefined = call.plain ? undefined : call.got;
    if (headers !== undefined) options = { ...call.got, headers };
    const proxyUrl = this.agents.hasProxy ? this.agents.proxyFor(call.url) : undefined;
    if (proxyUrl) {
      // HTTP/2 is not tunnelled: got would otherwise open the h2 session directly, past the proxy.
      options = { ...options, agent: this.agents.forProxy(proxyUrl), http2: false };
    }
    const stream = send(this.got, call.href, options, call.endEmpty);
    // The attempt budget is one plain timer of ours rather than got's `timeout.request`, whose
    // per-request listeners cost ~10% of a small request's CPU (see README, Performance).
    const timer = hasTimeout(budget.attemptMs)
      ? setTimeout(() => {
          // Still waiting for the proxy connection: the proxy, not the target, is at fault.
          const socket = stream.socket;
          const stuck = proxyUrl !== undefined && (!socket || socket.connecting);
          stream.destroy(new AttemptTimeout(budget.attemptMs, stuck ? proxyUrl : undefined));
        }, budget.attemptMs)
      : undefined;
    this.inFlight.set(stream, timer);
    if (call.onUploadProgress) stream.on('uploadProgress', call.onUploadProgress);
    if (call.onDownloadProgress) stream.on('downloadProgress', call.onDownloadProgress);
    return { stream, call, budget, proxyUrl };
  }

  /**
   * The attempt is over (its body read, handed out, or failed). `bodyRead`: the response
   * ended normally, so its socket is already back in the pool.
   */
  settle(attempt: Attempt, bodyRead = false): void {
    const { stream } = attempt;
    clearTimeout(this.inFlight.get(stream));
    this.inFlight.delete(stream);
    // As got's promise API does once a body is read: a finished request is destroyed, which
    // releases its listeners on the caller's AbortSignal. A request read to its end without a
    // signal holds nothing that destroying would release: that work (and its 'close' tick) is
    // skipped on the hot path.
    if (!stream.destroyed && !(bodyRead && attempt.call.signal === undefined)) stream.destroy();
  }

  /** Maps an attempt's error to a `@net/errors` class. */
  fail(attempt: Attempt, err: unknown): Error {
    return mapError(err, {
      method: attempt.call.method,
      call: attempt.call,
      attemptMs: attempt.budget.attemptMs,
      totalMs: attempt.budget.totalMs,
      signal: attempt.call.signal,
      proxyUrl: attempt.proxyUrl,
    });
  }

  /**
   * A proxy's refusal of a forwarded (absolute-form) request arrives as an ordinary response:
   * 407, or 401 from tinyproxy, which answers a wrong password so. Both carry
   * `Proxy-Authenticate` or come from a hop that went through a proxy with a 407.
   */
  proxyRefusal(raw: PlainResponse): ProxyError | undefined {
    const status = raw.statusCode;
    if ((status !== 407 && status !== 401) || !this.agents.hasProxy) return undefined;
    const url = new URL(raw.url);
    if (url.protocol !== 'http:') return undefined;
    const proxyUrl = this.agents.proxyFor(url);
    if (!proxyUrl) return undefined;
    if (status === 401 && raw.headers['proxy-authenticate'] === undefined && !isTinyproxy(raw))
      return undefined;
    return new ProxyError(`Proxy failed (status ${status}): ${redactUrl(proxyUrl)}`, {
      proxyUrl,
      statusCode: status,
    });
  }

  /** Builds a Response and runs the afterResponse hooks. */
  async toResponse(
    call: Call,
    raw: PlainResponse,
    body: Buffer,
    retryCount: number,
  ): Promise<Response> {
    let response = makeResponse(call, raw, body, retryCount);
    for (const hook of this.options.hooks.afterResponse) {
      response = (await hook(response)) ?? response;
    }
    return response;
  }

  /** Aborts attempts in flight, closes every socket and HTTP/2 session. Idempotent. */
  close(): void {
    if (this.closer.signal.aborted) return;
    this.closer.abort();
    for (const [stream, timer] of this.inFlight) {
      clearTimeout(timer);
      stream.destroy(closedError());
    }
    this.inFlight.clear();
    this.agents.destroy();
  }
}

/** A first attempt's budget (one shape, no literal per call). */
class FirstBudget implements AttemptBudget {
  retryCount = 0;
  totalMs = undefined;
  constructor(
    public attemptMs: number,
    public mayRetry: boolean,
  ) {}
}

/** tinyproxy's own error pages name it in `Server`; its 401 is an authentication refusal. */
function isTinyproxy(raw: PlainResponse): boolean {
  const server = raw.headers.server;
  return typeof server === 'string' && /tinyproxy/i.test(server);
}

/** @internal */
export function makeResponse(
  call: Call,
  raw: PlainResponse,
  body: Buffer,
  retryCount: number,
): Response {
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
