// Re-exports only: each protocol package flat (names are distinct) and as a namespace.
export {
  ErrorCodes,
  NetworkError,
  ConnectionError,
  NetworkTimeoutError,
  SSLError,
  HTTPError,
  RateLimitError,
  DNSResolutionError,
  WebSocketError,
  ProxyError,
  SSHError,
  ProtocolError,
  AbortError,
  toNetworkError,
  redactUrl,
  redactHeaders,
  redactText,
} from '@net/errors';
export type { ErrorCode, ErrorContext, TimeoutPhase } from '@net/errors';
export * as errors from '@net/errors';
export * as http from '@net/http';
export * as ws from '@net/ws';
export * as ssh from '@net/ssh';
export * as sockets from '@net/sockets';
