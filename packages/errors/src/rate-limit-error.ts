import { brandFor, hasBrand } from './brand.js';
import { ErrorCodes } from './codes.js';
import { HTTPError, type HTTPErrorOptions } from './http-error.js';

export interface RateLimitErrorOptions extends HTTPErrorOptions {
  /** How long the server asked to wait (from Retry-After or RateLimit-Reset). */
  retryAfterMs?: number;
}

/**
 * The server rate-limited the request (429, or a Retry-After too long to wait for).
 * Retryable, but only after `retryAfterMs`.
 */
export class RateLimitError extends HTTPError {
  static override readonly brand: symbol = brandFor('RateLimitError');
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }

  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: RateLimitErrorOptions) {
    super(message, { retryable: true, ...options }, ErrorCodes.RATE_LIMITED);
    this.retryAfterMs = options.retryAfterMs;
  }
}
Object.defineProperty(RateLimitError.prototype, 'name', {
  value: 'RateLimitError',
  writable: true,
});
