import { AbortError, ConnectionError, ErrorCodes, WebSocketError, redactUrl } from '@net/errors';

/** The errors the client raises itself (the ones it maps from sockets are in map-error.ts). */

/** The ConnectionError fields of a (checked) WebSocket URL; parsed only when an error needs them. */
export function hostPort(href: string): { host: string; port: number; protocol: string } {
  const url = new URL(href);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (url.protocol === 'wss:' ? 443 : 80) : Number(url.port);
  return { host, port, protocol: url.protocol.slice(0, -1) };
}

/** An attempt's socket closed before the upgrade completed, without any error of its own. */
export function closedBeforeOpenError(url: string, code: number): ConnectionError {
  return new ConnectionError(
    `WebSocket connection closed (${code}) before it opened: ${redactUrl(url)}`,
    {
      code: ErrorCodes.CONNECTION_CLOSED,
      ...hostPort(url),
    },
  );
}

/** An open connection ended without a close frame (close code 1006). */
export function droppedError(url: string): ConnectionError {
  return new ConnectionError(
    `WebSocket connection closed without a close frame: ${redactUrl(url)}`,
    {
      code: ErrorCodes.CONNECTION_CLOSED,
      ...hostPort(url),
    },
  );
}

export function clientClosedError(
  url: string,
  operation: string,
  finalClose: { code: number; reason: string } | undefined,
  cause?: unknown,
): WebSocketError {
  return new WebSocketError(
    `WebSocket ${operation} failed, the client is closed: ${redactUrl(url)}`,
    {
      code: ErrorCodes.WS_CLOSED,
      url,
      cause,
      closeCode: finalClose?.code,
      closeReason: finalClose?.reason,
    },
  );
}

/**
 * `send()` refused a message: `queued` messages wait in the client, `buffered` bytes are held in
 * total (queue plus the open socket's unwritten bytes) and `bytes` more would pass a bound.
 */
export function queueFullError(
  url: string,
  used: { queued: number; buffered: number; bytes: number },
  limits: { maxMessages: number; maxBytes: number },
): WebSocketError {
  return new WebSocketError(
    `WebSocket send buffer is full (${used.queued}/${limits.maxMessages} messages queued, ${used.buffered} bytes buffered + ${used.bytes} > ${limits.maxBytes}; await flush()): ${redactUrl(url)}`,
    { code: ErrorCodes.WS_QUEUE_FULL, url, retryable: true },
  );
}

/** A browser's messages() iterator reached a bound while messages kept arriving (it cannot pause the socket). */
export function iteratorOverflowError(
  url: string,
  unread: number,
  bytes: number,
  limits: { highWaterMark: number; highWaterBytes: number },
): WebSocketError {
  return new WebSocketError(
    `WebSocket messages() iterator overflowed: ${unread} unread messages (${bytes} bytes) reached its bound (highWaterMark ${limits.highWaterMark}, highWaterBytes ${limits.highWaterBytes}) and a browser cannot pause the socket; later messages were not kept: ${redactUrl(url)}`,
    { code: ErrorCodes.WS_QUEUE_FULL, url, retryable: false },
  );
}

export function abortedError(url: string, operation: string, signal: AbortSignal): AbortError {
  return new AbortError(`WebSocket ${operation} aborted: ${redactUrl(url)}`, {
    cause: signal.reason,
  });
}
