import {
  AbortError,
  ConnectionError,
  ErrorCodes,
  NetworkError,
  NetworkTimeoutError,
  ProtocolError,
  ProxyError,
  redactUrl,
  toNetworkError,
  type TimeoutPhase,
} from '@net/errors';
import { PROXY_FAILURE, type ProxyFailure } from './agent-pool.js';
import { malformedUrl } from './validate-request.js';

/** The client's own per-attempt timer fired; handed to `stream.destroy()`, found again in the cause chain. */
export class AttemptTimeout extends Error {
  override readonly name = 'AttemptTimeout';
  readonly code = 'ETIMEDOUT';
  constructor(readonly timeoutMs: number) {
    super(`Attempt exceeded ${timeoutMs} ms`);
  }
}

function findAttemptTimeout(err: unknown): AttemptTimeout | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 6; depth++) {
    if (current instanceof AttemptTimeout) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** What the client knew about the attempt that failed. */
export interface AttemptContext {
  method: string;
  /** The call; its `url` is parsed only here, on the error path. */
  call: { readonly url: URL };
  /** The per-attempt budget that was in force (what the client's attempt timer was set to). */
  attemptMs: number;
  /** Set when the attempt's budget was cut to what remained of `timeout.total`. */
  totalMs: number | undefined;
  signal: AbortSignal | undefined;
}

/** got's timeout events, mapped to the phases of NetworkTimeoutError. */
const PHASES: Record<string, TimeoutPhase> = {
  lookup: 'lookup',
  connect: 'connect',
  secureConnect: 'tls',
  socket: 'idle',
  send: 'response',
  response: 'response',
  request: 'response',
};

function findProxyFailure(err: unknown): ProxyFailure | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 6; depth++) {
    const failure = (current as { [PROXY_FAILURE]?: ProxyFailure })[PROXY_FAILURE];
    if (failure) return failure;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function defaultPort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/**
 * Maps an error from got (a `RequestError` wrapping the system error) to the `@net/errors`
 * class that says what went wrong. The original is always the `cause`.
 */
export function mapError(err: unknown, context: AttemptContext): NetworkError | TypeError {
  if (err instanceof NetworkError) return err;
  const e = err as { name?: string; code?: string; event?: string };
  // got's own parse refused a URL that passed the cheap check: still bad input, not a fault.
  if (e.code === 'ERR_INVALID_URL') return malformedUrl();
  const url = context.call.url;
  const target = `${context.method} ${redactUrl(url)}`;

  if (context.signal?.aborted) {
    return new AbortError(`Request aborted: ${target}`, { cause: context.signal.reason ?? err });
  }

  const proxy = findProxyFailure(err);
  if (proxy) {
    const why =
      proxy.statusCode === undefined ? (e.code ?? 'unreachable') : `status ${proxy.statusCode}`;
    return new ProxyError(`Proxy failed (${why}): ${redactUrl(proxy.proxyUrl)}`, {
      cause: err,
      proxyUrl: proxy.proxyUrl,
      statusCode: proxy.statusCode,
    });
  }

  if (findAttemptTimeout(err)) {
    // The attempt's own budget was what remained of the total: the total ran out.
    if (context.totalMs !== undefined) {
      return new NetworkTimeoutError(
        `Request timed out after the total budget of ${context.totalMs} ms: ${target}`,
        {
          cause: err,
          timeoutMs: context.totalMs,
          phase: 'total',
        },
      );
    }
    return new NetworkTimeoutError(`Request timed out after ${context.attemptMs} ms: ${target}`, {
      cause: err,
      timeoutMs: context.attemptMs,
      phase: 'response',
    });
  }
  if (e.name === 'TimeoutError' && typeof e.event === 'string') {
    return new NetworkTimeoutError(`Request timed out (${e.event}): ${target}`, {
      cause: err,
      phase: PHASES[e.event] ?? 'response',
    });
  }

  if (e.code === 'ERR_HTTP_CONTENT_LENGTH_MISMATCH') {
    return new ConnectionError(`Connection closed before the whole body arrived: ${target}`, {
      cause: err,
      code: ErrorCodes.CONNECTION_CLOSED,
      host: url.hostname,
      port: defaultPort(url),
      protocol: 'http',
    });
  }
  if (e.name === 'MaxRedirectsError') {
    return new ProtocolError(`Too many redirects: ${target}`, { cause: err });
  }
  return toNetworkError(err, {
    operation: context.method,
    url,
    host: url.hostname,
    port: defaultPort(url),
    protocol: 'http',
    timeoutMs: context.attemptMs,
  });
}
