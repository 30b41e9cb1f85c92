export { WebSocketClient } from './websocket-client.js';
export type { WebSocketState } from './client-state.js';
export type { WebSocketClientDefaults } from './defaults.js';
export type {
  WebSocketClientEvents,
  WebSocketOpenEvent,
  WebSocketCloseEvent,
  ReconnectingEvent,
} from './events.js';
export { Message } from './message.js';
export type {
  WebSocketClientOptions,
  ReconnectOptions,
  HeartbeatOptions,
  QueueOptions,
  MessagesOptions,
  AckOptions,
  TlsOptions,
  SignalOptions,
  CloseOptions,
} from './option-types.js';
export type { SendData } from './encode-frame.js';

// The errors this package throws, so that installing it alone is enough for `instanceof`
// checks and `ErrorCodes` (they are the very classes of @net/errors, not copies).
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
} from '@net/errors';
export type { ErrorCode } from '@net/errors';
