import {
  AbortError,
  ConnectionError,
  ErrorCodes,
  NetworkTimeoutError,
  invalidArgType,
  toNetworkError,
} from '@net/errors';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import {
  checkDuration,
  checkFunction,
  checkHost,
  checkOptions,
  checkPort,
  checkPositiveInt,
  rejected,
  signalOption,
} from './argument-checks.js';
import { WRITE_HIGH_WATER_MARK } from './connection-options.js';
import { TCPConnection } from './tcp-connection.js';

/** TLS settings of a server. */
export interface TLSServerOptions {
  /** Server certificate chain (PEM). */
  cert: string | Buffer;
  /** Server private key (PEM). */
  key: string | Buffer;
  /** CAs trusted for client certificates. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Ask clients for a certificate (and reject those without a valid one). @default false */
  requestCert?: boolean;
}

/** Handles one accepted connection; when its promise settles the connection is closed. */
export type ConnectionHandler = (
  connection: TCPConnection,
  server: TCPServer,
) => void | Promise<void>;

/** Options of `new TCPServer()`. */
export interface TCPServerOptions {
  /** Called for every accepted connection. */
  onConnection: ConnectionHandler;
  /** Address to listen on. @default '127.0.0.1' */
  host?: string;
  /** Port to listen on; 0 picks a free one (see `listen()`'s result). @default 0 */
  port?: number;
  /** Connections served at once; further ones are reset (RST) as soon as they are accepted. @default 10000 */
  maxConnections?: number;
  /** A connection with no traffic in either direction for this long is destroyed; its pending reads reject with NetworkTimeoutError (phase 'idle'). 0 = never. @default 0 */
  idleTimeout?: number;
  /** Serve TLS with this certificate. @default undefined (plain TCP) */
  tls?: TLSServerOptions;
  /** The kernel's accept queue length (capped by net.core.somaxconn). @default 4096 */
  backlog?: number;
  /** Default per-operation timeout of each connection's reads and sends (0 = none). @default 0 */
  timeout?: number;
  /** Received bytes buffered per connection before it is paused while nothing reads. @default 1048576 */
  highWaterMark?: number;
  /** Receives handler failures and TLS handshake failures. @default process.emitWarning */
  onError?: (error: Error, connection: TCPConnection | undefined) => void;
}

export const tcpServerDefaults = {
  host: '127.0.0.1',
  port: 0,
  maxConnections: 10_000,
  idleTimeout: 0,
  backlog: 4096,
  timeout: 0,
  highWaterMark: 1_048_576,
} as const satisfies Partial<TCPServerOptions>;

type ResolvedServerOptions = Required<Omit<TCPServerOptions, 'tls'>> & {
  tls: TLSServerOptions | undefined;
};

function resolveOptions(options: TCPServerOptions): ResolvedServerOptions {
  if (options === undefined || options === null || typeof options !== 'object') {
    throw invalidArgType('options', 'of type object', options);
  }
  const o = options;
  if (o.tls !== undefined && (o.tls === null || typeof o.tls !== 'object')) {
    throw invalidArgType('tls', 'an object with cert and key', o.tls);
  }
  return {
    onConnection: checkFunction<ConnectionHandler>('onConnection', o.onConnection),
    host: checkHost('host', o.host ?? tcpServerDefaults.host),
    port: checkPort('port', o.port ?? tcpServerDefaults.port, { allowZero: true }),
    maxConnections: checkPositiveInt(
      'maxConnections',
      o.maxConnections ?? tcpServerDefaults.maxConnections,
      Infinity,
    ),
    idleTimeout: checkDuration('idleTimeout', o.idleTimeout ?? tcpServerDefaults.idleTimeout),
    tls: o.tls,
    backlog: checkPositiveInt('backlog', o.backlog ?? tcpServerDefaults.backlog),
    timeout: checkDuration('timeout', o.timeout ?? tcpServerDefaults.timeout),
    highWaterMark: checkPositiveInt(
      'highWaterMark',
      o.highWaterMark ?? tcpServerDefaults.highWaterMark,
    ),
    onError:
      o.onError === undefined
        ? (error: Error) => process.emitWarning(error)
        : checkFunction<(error: Error, connection: TCPConnection | undefined) => void>(
            'onError',
            o.onError,
          ),
  };
}

/** Where a server listens. */
export interface ServerAddress {
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
}

/**
 * A TCP (or TLS) server that hands each connection, with the same read/write API as
 * `TCPClient`, to `onConnection`. `close()` is graceful: it stops accepting, lets running
 * handlers finish within a timeout, then destroys what is left.
 *
 * @example
 * await using server = new TCPServer({
 *   onConnection: async (conn) => {
 *     for await (const line of conn.frames()) await conn.writeFrame(line);
 *   },
 * });
 * const { port } = await server.listen();
 */
export class TCPServer implements AsyncDisposable {
  readonly #options: ResolvedServerOptions;
  #server: Server | undefined;
  #address: ServerAddress | undefined;
  #active = new Map<TCPConnection, Promise<void>>();
  #rejected = 0;
  #closing: Promise<void> | undefined;
  /** Set while close() destroys leftovers, whose handlers then fail by design, not by fault. */
  #destroying = false;

  constructor(options: TCPServerOptions) {
    this.#options = resolveOptions(options);
  }

  /** Where the server listens, once `listen()` resolved. */
  get address(): ServerAddress | undefined {
    return this.#address;
  }
  /** Connections being served now. */
  get connectionCount(): number {
    return this.#active.size;
  }
  /** Connections reset because `maxConnections` were being served. */
  get rejectedConnections(): number {
    return this.#rejected;
  }

  /** Starts listening; resolves with the bound address (the real port when `port` was 0). */
  listen(options: { signal?: AbortSignal } = {}): Promise<ServerAddress> {
    let signal: AbortSignal | undefined;
    try {
      signal = signalOption(options);
    } catch (err) {
      return rejected(err);
    }
    if (signal?.aborted) {
      return Promise.reject(new AbortError('listen aborted', { cause: signal.reason }));
    }
    if (this.#server) return Promise.reject(new Error('TCPServer.listen() was already called'));
    const { host, port, backlog, tls } = this.#options;
    const server = tls
      ? createTlsServer(
          {
            cert: tls.cert,
            key: tls.key,
            ca: tls.ca,
            requestCert: tls.requestCert ?? false,
            highWaterMark: WRITE_HIGH_WATER_MARK,
          },
          (s) => this.#accept(s),
        )
      : createNetServer({ highWaterMark: WRITE_HIGH_WATER_MARK }, (s) => this.#accept(s));
    if (tls) {
      server.on('tlsClientError', (err, socket) => {
        socket.destroy();
        this.#options.onError(
          toNetworkError(err, {
            operation: 'TLS handshake',
            host: socket.remoteAddress,
            port: socket.remotePort,
          }),
          undefined,
        );
      });
    }
    this.#server = server;
    return new Promise<ServerAddress>((resolve, reject) => {
      const onError = (err: Error) =>
        reject(toNetworkError(err, { operation: 'listen', host, port, protocol: 'tcp' }));
      server.once('error', onError);
      server.listen({ host, port, backlog }, () => {
        server.off('error', onError);
        server.on('error', (err) => this.#options.onError(err, undefined));
        const info = server.address() as AddressInfo;
        this.#address = {
          address: info.address,
          port: info.port,
          family: info.family === 'IPv6' ? 'IPv6' : 'IPv4',
        };
        resolve(this.#address);
      });
    });
  }

  #accept(socket: Socket): void {
    const { maxConnections, idleTimeout, onConnection, onError } = this.#options;
    if (this.#closing || this.#active.size >= maxConnections) {
      // A reset tells the client at once, where a silent close would look like a clean EOF.
      this.#rejected++;
      socket.on('error', () => {});
      socket.resetAndDestroy();
      return;
    }
    socket.setNoDelay(true);
    const connection = new TCPConnection({
      host: socket.remoteAddress ?? 'unknown',
      port: socket.remotePort ?? 0,
      protocol: this.#options.tls ? 'tls' : 'tcp',
      timeout: this.#options.timeout,
      highWaterMark: this.#options.highWaterMark,
    });
    connection._attach(socket);
    if (idleTimeout > 0) {
      socket.setTimeout(idleTimeout, () => {
        connection._fail(
          new NetworkTimeoutError(
            `connection idle for ${idleTimeout} ms: ${socket.remoteAddress}:${socket.remotePort}`,
            {
              timeoutMs: idleTimeout,
              phase: 'idle',
            },
          ),
        );
      });
    }
    const run = (async () => {
      try {
        await onConnection(connection, this);
      } catch (err) {
        if (!(
          this.#destroying &&
          err instanceof ConnectionError &&
          err.code === ErrorCodes.CONNECTION_CLOSED
        )) {
          onError(err instanceof Error ? err : new Error(String(err)), connection);
        }
      }
      await connection.close().catch(() => {});
    })().finally(() => this.#active.delete(connection));
    this.#active.set(connection, run);
  }

  /**
   * Stops accepting at once, waits up to `timeout` ms for running handlers, then destroys the
   * connections that remain. Resolves when the listening socket and every connection are closed.
   */
  close(options: { timeout?: number } = {}): Promise<void> {
    let timeout: number;
    try {
      timeout = checkDuration(
        'timeout',
        checkOptions<{ timeout: number }>('options', options).timeout ?? 5_000,
      );
    } catch (err) {
      return rejected(err);
    }
    this.#closing ??= this.#shutdown(timeout);
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(timeout: number): Promise<void> {
    const server = this.#server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    if (this.#active.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(this.#active.values()),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, timeout))),
      ]);
      clearTimeout(timer);
      this.#destroying = true;
      for (const connection of this.#active.keys()) connection.destroy();
      await Promise.allSettled(this.#active.values());
    }
    await closed;
  }
}
