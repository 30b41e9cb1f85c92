import {
  AbortError,
  ConnectionError,
  ErrorCodes,
  NetworkTimeoutError,
  type ErrorContext,
  type TimeoutPhase,
} from '@net/errors';
import { formatHostPort } from '@net/errors/internal';
import type { ConnectionSettings } from './connection-options.js';

/** `host:port` (IPv6 in brackets), the target part of every connection error message. */
export function targetText(settings: Pick<ConnectionSettings, 'host' | 'port'>): string {
  return formatHostPort(settings.host, settings.port);
}

export function errorContext(settings: ConnectionSettings, operation: string): ErrorContext {
  return { operation, host: settings.host, port: settings.port, protocol: settings.protocol };
}

/** ConnectionError ERR_NET_CONNECTION_CLOSED: `<what>: host:port`. */
export function closedError(
  settings: { host: string; port: number; protocol: string },
  what: string,
): ConnectionError {
  return new ConnectionError(`${what}: ${targetText(settings)}`, {
    code: ErrorCodes.CONNECTION_CLOSED,
    host: settings.host,
    port: settings.port,
    protocol: settings.protocol,
  });
}

export function abortError(
  settings: Pick<ConnectionSettings, 'host' | 'port'>,
  signal: AbortSignal,
  what = 'operation',
): AbortError {
  return new AbortError(`${what} aborted: ${targetText(settings)}`, { cause: signal.reason });
}

export function timeoutError(
  settings: Pick<ConnectionSettings, 'host' | 'port'>,
  what: string,
  timeoutMs: number,
  phase: TimeoutPhase,
): NetworkTimeoutError {
  return new NetworkTimeoutError(`${what} after ${timeoutMs} ms: ${targetText(settings)}`, {
    timeoutMs,
    phase,
  });
}
