import { AbortError } from './abort-error.js';
import { ErrorCodes, type ConnectionErrorCode } from './codes.js';
import { ConnectionError } from './connection-error.js';
import { DNSResolutionError } from './dns-resolution-error.js';
import { NetworkError } from './network-error.js';
import { NetworkTimeoutError, type TimeoutPhase } from './network-timeout-error.js';
import { formatHostPort } from './internal/target.js';
import { redactUrl } from './redact.js';
import { SSLError } from './ssl-error.js';

/** What the caller knows about the operation that failed; used for fields and the message. */
export interface ErrorContext {
  /** What was being done, e.g. 'GET', 'connect', 'upload'. Starts the message. */
  operation?: string;
  host?: string;
  port?: number;
  /** 'tcp', 'udp', 'http', 'ws', 'ssh' … */
  protocol?: string;
  /** The target URL (redacted before use). */
  url?: string | URL;
  /** For timeouts: the budget that ran out. */
  timeoutMs?: number;
  /** For timeouts: which phase. @default 'total' */
  phase?: TimeoutPhase;
}

const CONNECTION_CODES: Record<string, ConnectionErrorCode> = {
  ECONNREFUSED: ErrorCodes.CONNECTION_REFUSED,
  ECONNRESET: ErrorCodes.CONNECTION_RESET,
  EPIPE: ErrorCodes.CONNECTION_RESET,
  ECONNABORTED: ErrorCodes.CONNECTION_RESET,
  EHOSTUNREACH: ErrorCodes.CONNECTION_UNREACHABLE,
  ENETUNREACH: ErrorCodes.CONNECTION_UNREACHABLE,
  EHOSTDOWN: ErrorCodes.CONNECTION_UNREACHABLE,
  ENETDOWN: ErrorCodes.CONNECTION_UNREACHABLE,
  EADDRNOTAVAIL: ErrorCodes.CONNECTION_UNREACHABLE,
  ERR_SOCKET_CLOSED: ErrorCodes.CONNECTION_CLOSED,
  ERR_STREAM_PREMATURE_CLOSE: ErrorCodes.CONNECTION_CLOSED,
  ERR_SOCKET_CLOSED_BEFORE_CONNECTION: ErrorCodes.CONNECTION_CLOSED,
};

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);

/** OpenSSL verification codes and Node's TLS codes. */
function isTlsCode(code: string): boolean {
  return (
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    code.startsWith('CERT_') ||
    code.startsWith('UNABLE_TO_') ||
    code.includes('SELF_SIGNED') ||
    code === 'HOSTNAME_MISMATCH' ||
    code === 'ERR_OSSL_PEM_NO_START_LINE' ||
    code.startsWith('ERR_OSSL_')
  );
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Walks `err` and its causes for the first code this mapping knows. */
function findKnownCode(err: unknown): { code: string; source: unknown } | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 8; depth++) {
    const code = codeOf(current);
    if (
      code &&
      (code in CONNECTION_CODES ||
        TIMEOUT_CODES.has(code) ||
        DNS_CODES.has(code) ||
        isTlsCode(code))
    ) {
      return { code, source: current };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isAbort(err: unknown): boolean {
  const e = err as { name?: unknown; code?: unknown } | null;
  return e?.name === 'AbortError' || e?.code === 'ABORT_ERR';
}

function describeTarget(context: ErrorContext): string {
  if (context.url !== undefined) return redactUrl(context.url);
  if (context.host !== undefined) return formatHostPort(context.host, context.port);
  return 'unknown target';
}

/**
 * The one mapping from Node system, DNS, TLS and abort errors to `@net/errors` classes.
 * An error that already is a `NetworkError` (from any copy of this package) is returned as is.
 * The original error is always kept as `cause`.
 *
 * @example
 * socket.on('error', (err) => reject(toNetworkError(err, { host, port, protocol: 'tcp' })));
 */
export function toNetworkError(err: unknown, context: ErrorContext = {}): NetworkError {
  if (err instanceof NetworkError) return err;
  const target = describeTarget(context);
  const what = context.operation ? `${context.operation} ` : '';

  // A timeout signal (`AbortSignal.timeout()`) is a timeout, not a caller's abort.
  if ((err as { name?: unknown } | null)?.name === 'TimeoutError') {
    return new NetworkTimeoutError(`${what}timed out: ${target}`, {
      cause: err,
      timeoutMs: context.timeoutMs,
      phase: context.phase,
    });
  }
  if (isAbort(err)) return new AbortError(`${what}aborted: ${target}`, { cause: err });

  const known = findKnownCode(err);
  const code = known?.code;
  if (code && code in CONNECTION_CODES) {
    const connectionCode = CONNECTION_CODES[code]!;
    const verb = {
      [ErrorCodes.CONNECTION_REFUSED]: 'connection refused',
      [ErrorCodes.CONNECTION_RESET]: 'connection reset',
      [ErrorCodes.CONNECTION_UNREACHABLE]: 'host unreachable',
      [ErrorCodes.CONNECTION_CLOSED]: 'connection closed',
    }[connectionCode];
    return new ConnectionError(`${what}${verb} (${code}): ${target}`, {
      cause: err,
      code: connectionCode,
      host: context.host,
      port: context.port,
      protocol: context.protocol,
    });
  }
  if (code && TIMEOUT_CODES.has(code)) {
    return new NetworkTimeoutError(`${what}timed out (${code}): ${target}`, {
      cause: err,
      timeoutMs: context.timeoutMs,
      phase: context.phase ?? 'connect',
    });
  }
  if (code && DNS_CODES.has(code)) {
    const hostname =
      ((known.source as { hostname?: unknown }).hostname as string | undefined) ?? context.host;
    return new DNSResolutionError(`${what}DNS lookup failed (${code}): ${hostname ?? target}`, {
      cause: err,
      hostname,
      reason: code,
    });
  }
  if (code && isTlsCode(code)) {
    return new SSLError(`${what}TLS failed (${code}): ${target}`, {
      cause: err,
      host: context.host,
      reason: code,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new NetworkError(`${what}failed: ${target}: ${message}`, { cause: err });
}
