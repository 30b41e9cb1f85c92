import type { NetworkError } from '@net/errors';
import type { Response } from './response.js';

/** What a `beforeRequest` hook sees and may change before an attempt is sent. */
export interface OutgoingRequest {
  /** Upper-case method. */
  readonly method: string;
  /** The full URL, search parameters included. */
  readonly url: URL;
  /** Headers of this attempt (client defaults merged with the call's); mutate to change them. */
  headers: Record<string, string>;
  /** 0 for the first attempt, 1 for the first retry … */
  readonly retryCount: number;
}

/** What a `beforeRetry` hook is told. */
export interface RetryInfo {
  /** Why the previous attempt failed. */
  readonly error: NetworkError;
  /** The number of the retry about to happen (1 for the first). */
  readonly retryCount: number;
  /** How long the client waits before it. */
  readonly delayMs: number;
  readonly method: string;
  readonly url: URL;
}

/**
 * Functions run around each attempt, in order. Hooks may be async; a hook that throws fails
 * the call with its error.
 */
export interface Hooks {
  /** Before each attempt is sent; may change headers (e.g. sign the request). @default [] */
  beforeRequest?: Array<(request: OutgoingRequest) => void | Promise<void>>;
  /**
   * After each attempt's response is read, before its status is judged. Return a Response to
   * replace it. @default []
   */
  afterResponse?: Array<(response: Response) => Response | void | Promise<Response | void>>;
  /** Before each back-off wait. @default [] */
  beforeRetry?: Array<(info: RetryInfo) => void | Promise<void>>;
}
