import { brandFor, hasBrand } from './brand.js';
import { ErrorCodes } from './codes.js';
import { NetworkError, type NetworkErrorOptions } from './network-error.js';

export interface ProtocolErrorOptions extends NetworkErrorOptions {
  /** A short excerpt of the offending data, for diagnosis. */
  snippet?: string;
}

/** The peer sent malformed data: a bad JSON body, an oversized frame, a broken header. */
export class ProtocolError extends NetworkError {
  static override readonly brand: symbol = brandFor('ProtocolError');
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }

  declare readonly code: typeof ErrorCodes.PROTOCOL;
  readonly snippet: string | undefined;

  constructor(message: string, options: ProtocolErrorOptions = {}) {
    super(message, { ...options, code: ErrorCodes.PROTOCOL }, false);
    this.snippet = options.snippet;
  }
}
Object.defineProperty(ProtocolError.prototype, 'name', { value: 'ProtocolError', writable: true });
