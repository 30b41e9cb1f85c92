// Re-exports only, no logic. Each package is available flat (the public names are distinct)
// and as a namespace (`import { http } from '@net/all'`) for everything else, including the
// few type names two packages share (`TlsOptions` in http and ws, `CloseOptions` and
// `SignalOptions` in ws and sockets).

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
  invalidArgValue,
  invalidArgType,
  argOutOfRange,
} from '@net/errors';
export type { ErrorCode, ErrorContext, TimeoutPhase } from '@net/errors';

export { HTTPClient, Response, getHttpClient } from '@net/http';
export type { HTTPClientOptions, RequestOptions, RetryOptions, StreamResponse } from '@net/http';

export { WebSocketClient, Message } from '@net/ws';
export type {
  WebSocketClientOptions,
  WebSocketState,
  ReconnectOptions,
  HeartbeatOptions,
} from '@net/ws';

export { SSHClient } from '@net/ssh';
export type {
  SSHClientOptions,
  ExecOptions,
  ExecResult,
  TransferOptions,
  HostKeyPolicy,
} from '@net/ssh';

export {
  TCPClient,
  TCPServer,
  TCPConnection,
  UDPClient,
  PortScanner,
  toGreppable,
} from '@net/sockets';
export type {
  TCPClientOptions,
  TCPServerOptions,
  UDPClientOptions,
  PortScannerOptions,
  ScanOptions,
  ScanReport,
  PortState,
} from '@net/sockets';

export * as errors from '@net/errors';
export * as http from '@net/http';
export * as ws from '@net/ws';
export * as ssh from '@net/ssh';
export * as sockets from '@net/sockets';
