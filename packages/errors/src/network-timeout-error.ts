import { brandFor, hasBrand } from './brand.js';
import { ErrorCodes } from './codes.js';
import { NetworkError, type NetworkErrorOptions } from './network-error.js';

/** Which budget ran out. */
export type TimeoutPhase =
  'lookup' | 'connect' | 'tls' | 'handshake' | 'response' | 'idle' | 'total';

export interface NetworkTimeoutErrorOptions extends NetworkErrorOptions {
  timeoutMs?: number;
  /** @default 'total' */
  phase?: TimeoutPhase;
}

/** A time budget ran out before the operation finished. */
export class NetworkTimeoutError extends NetworkError {
  static override readonly brand: symbol = brandFor('NetworkTimeoutError');
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }

  declare readonly code: typeof ErrorCodes.TIMEOUT;
  readonly timeoutMs: number | undefined;
  readonly phase: TimeoutPhase;

  constructor(message: string, options: NetworkTimeoutErrorOptions = {}) {
    super(message, { ...options, code: ErrorCodes.TIMEOUT }, true);
    this.timeoutMs = options.timeoutMs;
    this.phase = options.phase ?? 'total';
  }
}
Object.defineProperty(NetworkTimeoutError.prototype, 'name', {
  value: 'NetworkTimeoutError',
  writable: true,
});
