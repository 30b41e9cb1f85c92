import { brandFor, hasBrand } from './brand.js';
import { ErrorCodes } from './codes.js';
import { NetworkError, type NetworkErrorOptions } from './network-error.js';

/** The caller's AbortSignal fired. `cause` is the signal's reason. */
export class AbortError extends NetworkError {
  static override readonly brand: symbol = brandFor('AbortError');
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }

  declare readonly code: typeof ErrorCodes.ABORTED;

  constructor(message = 'The operation was aborted', options: NetworkErrorOptions = {}) {
    super(message, { ...options, code: ErrorCodes.ABORTED }, false);
  }
}
Object.defineProperty(AbortError.prototype, 'name', { value: 'AbortError', writable: true });
