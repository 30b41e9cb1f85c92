// The public surface of @net/errors: the error classes, their codes and options, the one mapping
// from system errors, redaction, and the builders of Node-style argument errors. Shared checks
// for the @net packages live in the non-public `@net/errors/internal` subpath instead.
export { ErrorCodes } from './codes.js';
export type {
  ErrorCode,
  ConnectionErrorCode,
  WebSocketErrorCode,
  SSHErrorCode,
  ProtocolErrorCode,
} from './codes.js';
export { NetworkError } from './network-error.js';
export type { NetworkErrorOptions } from './network-error.js';
export { ConnectionError } from './connection-error.js';
export type { ConnectionErrorOptions } from './connection-error.js';
export { NetworkTimeoutError } from './network-timeout-error.js';
export type { NetworkTimeoutErrorOptions, TimeoutPhase } from './network-timeout-error.js';
export { SSLError } from './ssl-error.js';
export type { SSLErrorOptions } from './ssl-error.js';
export { HTTPError } from './http-error.js';
export type { HTTPErrorOptions } from './http-error.js';
export { RateLimitError } from './rate-limit-error.js';
export type { RateLimitErrorOptions } from './rate-limit-error.js';
export { DNSResolutionError } from './dns-resolution-error.js';
export type { DNSResolutionErrorOptions } from './dns-resolution-error.js';
export { WebSocketError } from './websocket-error.js';
export type { WebSocketErrorOptions } from './websocket-error.js';
export { ProxyError } from './proxy-error.js';
export type { ProxyErrorOptions } from './proxy-error.js';
export { SSHError } from './ssh-error.js';
export type { SSHErrorOptions } from './ssh-error.js';
export { ProtocolError } from './protocol-error.js';
export type { ProtocolErrorOptions } from './protocol-error.js';
export { AbortError } from './abort-error.js';
export { toNetworkError } from './to-network-error.js';
export type { ErrorContext } from './to-network-error.js';
export { redactUrl, redactHeaders, redactText, REDACTED } from './redact.js';
export type { HeaderBag } from './redact.js';
export { invalidArgValue, invalidArgType, argOutOfRange } from './invalid-argument.js';
export type { ArgumentError, ArgumentErrorCode } from './invalid-argument.js';
