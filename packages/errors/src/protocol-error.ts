import { brandFor, hasBrand } from './brand.js';
import { ErrorCodes, type ProtocolErrorCode } from './codes.js';
import { NetworkError, type NetworkErrorOptions } from './network-error.js';

export interface ProtocolErrorOptions extends NetworkErrorOptions {
  /** A short excerpt of the offending data, for diagnosis. */
  snippet?: string;
  /**
   * `ERR_NET_TOO_LARGE` when the peer sent more than a configured limit allows (`limit` says
   * which bound, in bytes); malformed data keeps the default.
   * @default 'ERR_NET_PROTOCOL'
   */
  code?: ProtocolErrorCode;
  /** The limit that was exceeded, in bytes (with `ERR_NET_TOO_LARGE`). */
  limit?: number;
}

/**
 * The peer sent malformed data (a bad JSON body, a broken header: `ERR_NET_PROTOCOL`) or more
 * than a configured limit allows (a response over `maxResponseSize`: `ERR_NET_TOO_LARGE`).
 */
export class ProtocolError extends NetworkError {
  static override readonly brand: symbol = brandFor('ProtocolError');
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }

  declare readonly code: ProtocolErrorCode;
  readonly snippet: string | undefined;
  readonly limit: number | undefined;

  constructor(message: string, options: ProtocolErrorOptions = {}) {
    const { code = ErrorCodes.PROTOCOL, limit, ...rest } = options;
    super(message, { ...rest, code }, false);
    this.snippet = options.snippet;
    this.limit = limit;
  }
}
Object.defineProperty(ProtocolError.prototype, 'name', { value: 'ProtocolError', writable: true });
