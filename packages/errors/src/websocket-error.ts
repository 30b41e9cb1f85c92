import { brandFor, hasBrand } from './brand.js';
import { ErrorCodes, type WebSocketErrorCode } from './codes.js';
import { NetworkError, type NetworkErrorOptions } from './network-error.js';
import { redactUrl } from './redact.js';

export interface WebSocketErrorOptions extends NetworkErrorOptions {
  /** @default 'ERR_NET_WS' */
  code?: WebSocketErrorCode;
  url?: string | URL;
  closeCode?: number;
  closeReason?: string;
  /** The HTTP status of a refused handshake. */
  statusCode?: number;
}

/** A WebSocket failed: handshake refused, queue full, used after close, or a protocol fault. */
export class WebSocketError extends NetworkError {
  static override readonly brand: symbol = brandFor('WebSocketError');
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }

  declare readonly code: WebSocketErrorCode;
  readonly url: string | undefined;
  readonly closeCode: number | undefined;
  readonly closeReason: string | undefined;
  readonly statusCode: number | undefined;

  constructor(message: string, options: WebSocketErrorOptions = {}) {
    super(message, { ...options, code: options.code ?? ErrorCodes.WS }, false);
    this.url = options.url === undefined ? undefined : redactUrl(options.url);
    this.closeCode = options.closeCode;
    this.closeReason = options.closeReason;
    this.statusCode = options.statusCode;
  }
}
Object.defineProperty(WebSocketError.prototype, 'name', {
  value: 'WebSocketError',
  writable: true,
});
