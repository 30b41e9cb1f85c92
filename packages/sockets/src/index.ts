export { TCPConnection } from './tcp-connection.js';
export type {
  ReadOptions,
  ReceiveOptions,
  ReadLineOptions,
  FramesOptions,
  SendOptions,
  CloseOptions,
} from './connection-options.js';
export { TCPClient, tcpClientDefaults } from './tcp-client.js';
export type { TCPClientOptions, TLSClientOptions } from './tcp-client.js';
export { TCPServer, tcpServerDefaults } from './tcp-server.js';
export type {
  TCPServerOptions,
  TLSServerOptions,
  ConnectionHandler,
  ServerAddress,
} from './tcp-server.js';
export { UDPClient, udpClientDefaults } from './udp-client.js';
export type {
  UDPClientOptions,
  UDPReceiveOptions,
  UDPRequestOptions,
  Datagram,
  UDPLookupFunction,
} from './udp-client.js';
export { FrameDecoder, encodeFrame, resolveFrameOptions, frameDefaults } from './frame-decoder.js';
export type { Framing, FrameOptions, ResolvedFrameOptions } from './frame-decoder.js';
export { ByteQueue } from './byte-queue.js';
export { PortScanner } from './port-scanner.js';
export { portScannerDefaults } from './port-scanner-options.js';
export type { PortScannerOptions, ScanOptions, ScanProgress } from './port-scanner-options.js';
export { toGreppable } from './scan-report.js';
export type { ScanReport, HostReport, PortResult } from './scan-report.js';
export type { PortState, EngineStats } from './scan-engine.js';
export { parsePorts } from './port-spec.js';
export type { PortSpec } from './port-spec.js';
export { parseTargets, expandTargets } from './target-spec.js';
export type { TargetGroup, ExpandedTarget } from './target-spec.js';
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
