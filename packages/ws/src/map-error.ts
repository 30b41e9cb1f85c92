import {
  ErrorCodes,
  NetworkError,
  ProtocolError,
  WebSocketError,
  redactUrl,
  toNetworkError,
  type ErrorContext,
} from '@net/errors';
import { hostPort } from './client-errors.js';

/** Where in the life of a connection an error happened. */
export type ErrorPhase = 'connect' | 'open';

function errorContext(url: string): ErrorContext {
  return { operation: 'WebSocket', url, ...hostPort(url) };
}

/**
 * Maps what a socket reported to an `@net/errors` error:
 * a refused handshake (HTTP status) → WebSocketError ERR_NET_WS_HANDSHAKE with `statusCode`;
 * ws's frame errors (`WS_ERR_*`) and unparseable HTTP (`HPE_*`) → ProtocolError;
 * ws's other handshake complaints (bad Sec-WebSocket-Accept, subprotocol) → ERR_NET_WS_HANDSHAKE;
 * a browser's detail-free error event → WebSocketError ERR_NET_WS;
 * system and TLS errors → `toNetworkError` (ConnectionError, SSLError, DNSResolutionError …).
 */
export function mapSocketError(
  err: unknown,
  url: string,
  phase: ErrorPhase,
  statusCode?: number,
): NetworkError {
  if (err instanceof NetworkError) return err;
  const target = redactUrl(url);
  if (statusCode !== undefined) {
    return new WebSocketError(`WebSocket handshake refused with HTTP ${statusCode}: ${target}`, {
      code: ErrorCodes.WS_HANDSHAKE,
      cause: err,
      url,
      statusCode,
      // The server may recover from overload or an outage; it will not change its mind on a 4xx.
      retryable: statusCode >= 500 || statusCode === 408 || statusCode === 429,
    });
  }
  if (!(err instanceof Error)) {
    // Browsers hide the reason of a failed connection from scripts on purpose.
    return new WebSocketError(
      `WebSocket ${phase === 'connect' ? 'connection failed' : 'failed'}: ${target}`,
      {
        cause: err,
        url,
        retryable: true,
      },
    );
  }
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('WS_ERR_') || code.startsWith('HPE_'))) {
    return new ProtocolError(`WebSocket protocol error (${code}): ${target}`, { cause: err });
  }
  if (
    code === undefined &&
    phase === 'connect' &&
    !/closed before the connection/.test(err.message)
  ) {
    return new WebSocketError(`WebSocket handshake failed (${err.message}): ${target}`, {
      code: ErrorCodes.WS_HANDSHAKE,
      cause: err,
      url,
    });
  }
  return toNetworkError(err, errorContext(url));
}
