import { brandFor, hasBrand } from './brand.js';
import { ErrorCodes } from './codes.js';
import { NetworkError, type NetworkErrorOptions } from './network-error.js';

export interface SSLErrorOptions extends NetworkErrorOptions {
  host?: string;
  /** The TLS or certificate code, e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  reason?: string;
}

/** TLS negotiation or certificate verification failed. Not retryable: the peer will not change. */
export class SSLError extends NetworkError {
  static override readonly brand: symbol = brandFor('SSLError');
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }

  declare readonly code: typeof ErrorCodes.TLS;
  readonly host: string | undefined;
  readonly reason: string | undefined;

  constructor(message: string, options: SSLErrorOptions = {}) {
    super(message, { ...options, code: ErrorCodes.TLS }, false);
    this.host = options.host;
    this.reason = options.reason;
  }
}
Object.defineProperty(SSLError.prototype, 'name', { value: 'SSLError', writable: true });
