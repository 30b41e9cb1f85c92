export { TCPConnection } from './tcp-connection.js';
export type {
  ReadOptions,
  ReceiveOptions,
  ReadLineOptions,
  FramesOptions,
  SendOptions,
  CloseOptions,
  ShutdownOptions,
  SignalOptions,
} from './connection-options.js';
export { TCPClient } from './tcp-client.js';
export type { TCPClientOptions, TLSClientOptions } from './tcp-client.js';
export { TCPServer } from './tcp-server.js';
export type {
  TCPServerOptions,
  TLSServerOptions,
  ConnectionHandler,
  ServerAddress,
} from './tcp-server.js';
export { UDPClient } from './udp-client.js';
export type {
  UDPClientOptions,
  UDPReceiveOptions,
  UDPRequestOptions,
  Datagram,
  UDPLookupFunction,
} from './udp-client.js';
export type { Framing, FrameOptions } from './frame-decoder.js';
export { PortScanner } from './port-scanner.js';
export type {
  PortScannerOptions,
  PortScannerDefaults,
  ScanOptions,
  ScanProgress,
  ScanShard,
} from './port-scanner-options.js';
export { toGreppable } from './scan-report.js';
export type { ScanReport, HostReport, PortResult } from './scan-report.js';
export type { PortState, EngineStats } from './scan-engine.js';
export type { PortSpec } from './port-spec.js';
export { serviceName, TOP_100_TCP_PORTS } from './service-names.js';
export type { BannerOptions } from './banner-grab.js';

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
