import { AbortError, ConnectionError, ErrorCodes, type ErrorContext } from '@net/errors';
import type { ConnectionSettings } from './connection-options.js';

/** `host:port` (IPv6 in brackets), the target part of every connection error message. */
export function targetText(settings: Pick<ConnectionSettings, 'host' | 'port'>): string {
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return `${host}:${settings.port}`;
}

export function errorContext(settings: ConnectionSettings, operation: string): ErrorContext {
  return { operation, host: settings.host, port: settings.port, protocol: settings.protocol };
}

/** ConnectionError ERR_NET_CONNECTION_CLOSED: `<what>: host:port`. */
export function closedError(settings: ConnectionSettings, what: string): ConnectionError {
  return new ConnectionError(`${what}: ${targetText(settings)}`, {
    code: ErrorCodes.CONNECTION_CLOSED,
    host: settings.host,
    port: settings.port,
    protocol: settings.protocol,
  });
}

export function abortError(settings: ConnectionSettings, signal: AbortSignal): AbortError {
  return new AbortError(`operation aborted: ${targetText(settings)}`, { cause: signal.reason });
}
