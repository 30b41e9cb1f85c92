export { HTTPClient } from './http-client.js';
export type { StreamResponse } from './streamed-call.js';
export { Response } from './response.js';
export type { Timings } from './response.js';
export { getHttpClient } from './shared-client.js';
export type {
  HTTPClientDefaults,
  HTTPClientOptions,
  TimeoutOptions,
  TlsOptions,
} from './options.js';
export type { RequestOptions, Progress } from './request-options.js';
export type { RetryOptions } from './retry-policy.js';
export type { ProxyOptions } from './proxy-config.js';
export type { CookieJar } from './cookie-jar.js';
export type { Hooks, OutgoingRequest, RetryInfo } from './hooks.js';
export type { DownloadOptions, DownloadResult } from './download.js';

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
