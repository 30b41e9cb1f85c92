export { WebSocketClient } from './websocket-client.js';
export type { WebSocketState } from './websocket-client.js';
export type {
  WebSocketClientEvents,
  WebSocketOpenEvent,
  WebSocketCloseEvent,
  ReconnectingEvent,
} from './events.js';
export { Message } from './message.js';
export { defaults, defaultShouldReconnect } from './options.js';
export type {
  WebSocketClientOptions,
  ReconnectOptions,
  HeartbeatOptions,
  QueueOptions,
  AckOptions,
  TlsOptions,
} from './options.js';
export type { SendData } from './encode-frame.js';
export { backoffDelay } from './backoff.js';
