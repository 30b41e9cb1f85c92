export { HTTPClient } from './http-client.js';
export type { StreamResponse } from './http-client.js';
export { Response } from './response.js';
export type { Timings } from './response.js';
export { getHttpClient } from './shared-client.js';
export { defaults } from './options.js';
export type { HTTPClientOptions, TimeoutOptions, TlsOptions } from './options.js';
export type { RequestOptions, Progress } from './request-options.js';
export type { RetryOptions } from './retry-policy.js';
export {
  backoffDelay,
  parseRetryAfter,
  retryDefaults,
  IDEMPOTENT_METHODS,
  RETRYABLE_STATUS_CODES,
} from './retry-policy.js';
export type { ProxyOptions } from './proxy-config.js';
export type { Hooks, OutgoingRequest, RetryInfo } from './hooks.js';
export type { DownloadOptions, DownloadResult } from './download.js';
