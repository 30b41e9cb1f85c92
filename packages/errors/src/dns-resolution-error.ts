import { brandFor, hasBrand } from './brand.js';
import { ErrorCodes } from './codes.js';
import { NetworkError, type NetworkErrorOptions } from './network-error.js';

export interface DNSResolutionErrorOptions extends NetworkErrorOptions {
  hostname?: string;
  /** The resolver's code: `ENOTFOUND`, `EAI_AGAIN` … */
  reason?: string;
}

/** A hostname could not be resolved. Only a temporary failure (`EAI_AGAIN`) is retryable. */
export class DNSResolutionError extends NetworkError {
  static override readonly brand: symbol = brandFor('DNSResolutionError');
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }

  declare readonly code: typeof ErrorCodes.DNS;
  readonly hostname: string | undefined;
  readonly reason: string | undefined;

  constructor(message: string, options: DNSResolutionErrorOptions = {}) {
    super(message, { ...options, code: ErrorCodes.DNS }, options.reason === 'EAI_AGAIN');
    this.hostname = options.hostname;
    this.reason = options.reason;
  }
}
Object.defineProperty(DNSResolutionError.prototype, 'name', {
  value: 'DNSResolutionError',
  writable: true,
});
