import { brandFor, hasBrand } from './brand.js';
import { ErrorCodes, type ConnectionErrorCode } from './codes.js';
import { NetworkError, type NetworkErrorOptions } from './network-error.js';

export interface ConnectionErrorOptions extends NetworkErrorOptions {
  /** Refused, reset, unreachable or closed. @default 'ERR_NET_CONNECTION_REFUSED' */
  code?: ConnectionErrorCode;
  host?: string;
  port?: number;
  /** 'tcp', 'udp', 'http', 'ws', 'ssh' … */
  protocol?: string;
}

/** The peer could not be reached or the connection broke. */
export class ConnectionError extends NetworkError {
  static override readonly brand: symbol = brandFor('ConnectionError');
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }

  declare readonly code: ConnectionErrorCode;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly protocol: string | undefined;

  constructor(message: string, options: ConnectionErrorOptions = {}) {
    const code = options.code ?? ErrorCodes.CONNECTION_REFUSED;
    // An unreachable network rarely heals within a retry window; the others often do.
    super(message, { ...options, code }, code !== ErrorCodes.CONNECTION_UNREACHABLE);
    this.host = options.host;
    this.port = options.port;
    this.protocol = options.protocol;
  }
}
Object.defineProperty(ConnectionError.prototype, 'name', {
  value: 'ConnectionError',
  writable: true,
});
