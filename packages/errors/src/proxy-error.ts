import { brandFor, hasBrand } from './brand.js';
import { ErrorCodes } from './codes.js';
import { NetworkError, type NetworkErrorOptions } from './network-error.js';
import { redactUrl } from './redact.js';

export interface ProxyErrorOptions extends NetworkErrorOptions {
  /** The proxy's URL; its credentials are redacted. */
  proxyUrl?: string | URL;
  /** The proxy's answer to CONNECT, e.g. 407. */
  statusCode?: number;
}

/** The proxy refused the connection or the request (407, 502 …). */
export class ProxyError extends NetworkError {
  static override readonly brand: symbol = brandFor('ProxyError');
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }

  declare readonly code: typeof ErrorCodes.PROXY;
  readonly proxyUrl: string | undefined;
  readonly statusCode: number | undefined;

  constructor(message: string, options: ProxyErrorOptions = {}) {
    super(message, { ...options, code: ErrorCodes.PROXY }, false);
    this.proxyUrl = options.proxyUrl === undefined ? undefined : redactUrl(options.proxyUrl);
    this.statusCode = options.statusCode;
  }
}
Object.defineProperty(ProxyError.prototype, 'name', { value: 'ProxyError', writable: true });
