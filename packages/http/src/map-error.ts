import {
  AbortError,
  ConnectionError,
  ErrorCodes,
  NetworkError,
  NetworkTimeoutError,
  ProtocolError,
  ProxyError,
  SSLError,
  redactUrl,
  toNetworkError,
  type TimeoutPhase,
} from '@net/errors';
import { PROXY_FAILURE, type ProxyFailure } from './proxy-agents.js';
import { isRefusedStream, markRefused } from './refused-stream.js';
import { ResponseTooLarge } from './size-limit.js';
import { malformedUrl } from './validate-request.js';
import { streamRefused } from './http2-sessions.js';

/** @internal The client's own per-attempt timer fired; handed to `stream.destroy()`, found again in the cause chain. */
export class AttemptTimeout extends Error {
  override readonly name = 'AttemptTimeout';
  readonly code = 'ETIMEDOUT';
  constructor(
    readonly timeoutMs: number,
    /** Set when the attempt was still waiting for its proxy connection. */
    readonly proxyUrl?: URL,
  ) {
    super(`Attempt exceeded ${timeoutMs} ms`);
  }
}

function findInChain<T>(err: unknown, pick: (e: object) => T | undefined): T | undefined {
  let current: unknown = err;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const found = pick(current);
    if (found !== undefined) return found;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** @internal What the client knew about the attempt that failed. */
export interface AttemptContext {
  method: string;
  /** The call; its `url` is parsed only here, on the error path. */
  call: { readonly url: URL };
  /** The per-attempt budget that was in force (what the client's attempt timer was set to). */
  attemptMs: number;
  /** Set when the attempt's budget was cut to what remained of `timeout.total`. */
  totalMs: number | undefined;
  signal: AbortSignal | undefined;
  /** The proxy the first hop went through, if any. */
  proxyUrl: URL | undefined;
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

/** llhttp's codes for a response that is not HTTP: a bad status line, oversized or broken headers. */
const PARSE_ERROR = /^HPE_/;

function defaultPort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

function codeOf(err: unknown): string | undefined {
  return findInChain(err, (e) => {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' && code !== 'ERR_GOT_REQUEST_ERROR' ? code : undefined;
  });
}

/** Where HTTP/2 said a stream was never processed (RFC 9113 §8.7), so any method may be replayed. */
function wasRefused(err: unknown): boolean {
  if (streamRefused(err)) return true;
  return (
    findInChain(err, (e) => {
      const { code, message } = e as { code?: string; message?: string };
      if (code === 'ERR_HTTP2_GOAWAY_SESSION' || code === 'ERR_HTTP2_INVALID_SESSION') return true;
      if (code === 'ERR_HTTP2_STREAM_ERROR' && /REFUSED_STREAM/.test(message ?? '')) return true;
      if (/gracefully closing\. No new streams/.test(message ?? '')) return true;
      return undefined;
    }) === true
  );
}

function proxyError(failure: ProxyFailure, err: unknown, code: string | undefined): ProxyError {
  const why =
    failure.statusCode === undefined ? (code ?? 'unreachable') : `status ${failure.statusCode}`;
  return new ProxyError(`Proxy failed (${why}): ${redactUrl(failure.proxyUrl)}`, {
    cause: err,
    proxyUrl: failure.proxyUrl,
    statusCode: failure.statusCode,
  });
}

function proxyTimeout(proxyUrl: URL, timeoutMs: number, err: unknown): ProxyError {
  const shown = redactUrl(proxyUrl);
  const cause = new NetworkTimeoutError(`Connecting to the proxy timed out: ${shown}`, {
    cause: err,
    timeoutMs,
    phase: 'connect',
  });
  return new ProxyError(`Proxy failed (connect timed out after ${timeoutMs} ms): ${shown}`, {
    cause,
    proxyUrl,
  });
}

/**
 * @internal
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

  const tooLarge = findInChain(err, (x) => (x instanceof ResponseTooLarge ? x : undefined));
  if (tooLarge) {
    return new ProtocolError(
      `Response body exceeds maxResponseSize (${tooLarge.limit} bytes): ${target}`,
      { cause: err, code: ErrorCodes.TOO_LARGE, limit: tooLarge.limit },
    );
  }

  const code = codeOf(err);
  const attemptTimeout = findInChain(err, (x) => (x instanceof AttemptTimeout ? x : undefined));
  if (attemptTimeout?.proxyUrl)
    return proxyTimeout(attemptTimeout.proxyUrl, attemptTimeout.timeoutMs, err);
  const proxy = findInChain(err, (x) => (x as { [PROXY_FAILURE]?: ProxyFailure })[PROXY_FAILURE]);
  if (proxy) {
    const ms = findInChain(err, (x) => (x as { proxyConnectTimeout?: number }).proxyConnectTimeout);
    return ms === undefined ? proxyError(proxy, err, code) : proxyTimeout(proxy.proxyUrl, ms, err);
  }

  if (attemptTimeout) {
    // The attempt's own budget was what remained of the total: the total ran out.
    if (context.totalMs !== undefined) {
      return new NetworkTimeoutError(
        `Request timed out after the total budget of ${context.totalMs} ms: ${target}`,
        { cause: err, timeoutMs: context.totalMs, phase: 'total' },
      );
    }
    return new NetworkTimeoutError(`Request timed out after ${context.attemptMs} ms: ${target}`, {
      cause: err,
      timeoutMs: context.attemptMs,
      phase: 'response',
    });
  }
  if (e.name === 'TimeoutError' && typeof e.event === 'string') {
    if (context.proxyUrl && e.event === 'connect') {
      return proxyTimeout(
        context.proxyUrl,
        (err as { timings?: unknown; ms?: number }).ms ?? 0,
        err,
      );
    }
    return new NetworkTimeoutError(`Request timed out (${e.event}): ${target}`, {
      cause: err,
      phase: PHASES[e.event] ?? 'response',
    });
  }

  if (wasRefused(err)) {
    return markRefused(
      new ConnectionError(`HTTP/2 stream refused by the server (not processed): ${target}`, {
        cause: err,
        code: ErrorCodes.CONNECTION_CLOSED,
        host: url.hostname,
        port: defaultPort(url),
        protocol: 'http',
        retryable: true,
      }),
    );
  }
  if (code === 'ERR_HTTP_CONTENT_LENGTH_MISMATCH') {
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
  if (code !== undefined && PARSE_ERROR.test(code)) {
    const what =
      code === 'HPE_HEADER_OVERFLOW' ? 'Response headers too large' : 'Malformed response';
    return new ProtocolError(`${what} (${code}): ${target}`, { cause: err });
  }
  if (code === 'EPROTO') {
    // OpenSSL's refusals (protocol version, handshake alerts) surface as a bare EPROTO.
    return new SSLError(`TLS failed (EPROTO): ${target}`, {
      cause: err,
      host: url.hostname,
      reason: 'EPROTO',
    });
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

export { isRefusedStream };
