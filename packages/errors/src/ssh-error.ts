import { brandFor, hasBrand } from './brand.js';
import { ErrorCodes, type SSHErrorCode } from './codes.js';
import { NetworkError, type NetworkErrorOptions } from './network-error.js';

export interface SSHErrorOptions extends NetworkErrorOptions {
  /** @default 'ERR_NET_SSH' */
  code?: SSHErrorCode;
  host?: string;
  port?: number;
  username?: string;
  /** The remote or local path of an SFTP operation. */
  path?: string;
  /** The remote command's exit code (ERR_NET_SSH_EXEC). */
  exitCode?: number | null;
  /** The signal that ended the remote command (ERR_NET_SSH_EXEC). */
  signal?: string | null;
}

/** SSH or SFTP failed: authentication, host key, channel, remote command or file operation. */
export class SSHError extends NetworkError {
  static override readonly brand: symbol = brandFor('SSHError');
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }

  declare readonly code: SSHErrorCode;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly username: string | undefined;
  readonly path: string | undefined;
  readonly exitCode: number | null | undefined;
  readonly signal: string | null | undefined;

  constructor(message: string, options: SSHErrorOptions = {}) {
    super(message, { ...options, code: options.code ?? ErrorCodes.SSH }, false);
    this.host = options.host;
    this.port = options.port;
    this.username = options.username;
    this.path = options.path;
    this.exitCode = options.exitCode;
    this.signal = options.signal;
  }
}
Object.defineProperty(SSHError.prototype, 'name', { value: 'SSHError', writable: true });
