import { AbortError, ConnectionError, ErrorCodes, toNetworkError } from '@net/errors';
import {
  checkBoolean,
  checkFunction,
  checkHost,
  checkInteger,
  checkOptionKeys,
  checkPort,
  checkSignal,
  checkTimeout,
  hasTimeout,
  invalidArgType,
  rejected,
} from '@net/errors/internal';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import {
  CLOSE_OPTION_KEYS,
  SIGNAL_OPTION_KEYS,
  type CloseOptions,
  type SignalOptions,
} from './connection-options.js';
import { timeoutError } from './connection-errors.js';
import { deepFreeze } from './deep-freeze.js';
import { acceptConnection, type TCPConnection } from './tcp-connection.js';

/** TLS settings of a server. */
export interface TLSServerOptions {
  /** Server certificate chain (PEM). */
  cert: string | Buffer;
  /** Server private key (PEM). */
  key: string | Buffer;
  /** CAs trusted for client certificates. @default the system store */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Ask clients for a certificate (and reject those without a valid one). @default false */
  requestCert?: boolean;
}
const TLS_KEYS = ['cert', 'key', 'ca', 'requestCert'] as const;

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
  /** Connections served at once; further ones are reset (RST) as soon as they are accepted. Infinity: no limit. @default 1024 */
  maxConnections?: number;
  /** A connection with no traffic in either direction for this long is destroyed; its pending reads reject with NetworkTimeoutError (phase 'idle'). 0 or Infinity: never. @default 60000 */
  idleTimeout?: number;
  /** Serve TLS with this certificate. @default undefined (plain TCP) */
  tls?: TLSServerOptions;
  /** The kernel's accept queue length (capped by net.core.somaxconn). @default 4096 */
  backlog?: number;
  /** Default per-operation timeout of each connection's reads and sends; 0 or Infinity: no limit. @default 0 */
  timeout?: number;
  /** Received bytes buffered per connection before it is paused while nothing reads (see the README for the worst case). @default 65536 */
  highWaterMark?: number;
  /** Receives handler failures and TLS handshake failures. @default process.emitWarning */
  onError?: (error: Error, connection: TCPConnection | undefined) => void;
}
const SERVER_KEYS = [
  'onConnection',
  'host',
  'port',
  'maxConnections',
  'idleTimeout',
  'tls',
  'backlog',
  'timeout',
  'highWaterMark',
  'onError',
] as const;

/**
 * Bytes each accepted socket's stream buffers on its own, reading and writing: with the queue
 * of `highWaterMark` bytes this bounds what an idle client can make the server hold.
 */
const SERVER_STREAM_HIGH_WATER_MARK = 64 * 1024;

const DEFAULTS = deepFreeze({
  host: '127.0.0.1',
  port: 0,
  maxConnections: 1024,
  idleTimeout: 60_000,
  backlog: 4096,
  timeout: 0,
  highWaterMark: 65_536,
});

interface ResolvedServerOptions {
  onConnection: ConnectionHandler;
  host: string;
  port: number;
  maxConnections: number;
  idleTimeout: number;
  tls: TLSServerOptions | undefined;
  backlog: number;
  timeout: number;
  highWaterMark: number;
  onError: (error: Error, connection: TCPConnection | undefined) => void;
}

function resolveTls(value: unknown): TLSServerOptions | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') {
    throw invalidArgType('tls', 'an object with cert and key', value);
  }
  const tls = checkOptionKeys<TLSServerOptions>('tls', value, TLS_KEYS);
  if (tls.requestCert !== undefined) checkBoolean('tls.requestCert', tls.requestCert);
  return tls as TLSServerOptions;
}

function resolveOptions(options: TCPServerOptions): ResolvedServerOptions {
  if (options === undefined) throw invalidArgType('options', 'of type object', options);
  const o = checkOptionKeys<TCPServerOptions>('options', options, SERVER_KEYS);
  return {
    onConnection: checkFunction<ConnectionHandler>('onConnection', o.onConnection),
    host: checkHost('host', o.host ?? DEFAULTS.host),
    port: checkPort('port', o.port ?? DEFAULTS.port, { allowZero: true }),
    maxConnections: checkInteger('maxConnections', o.maxConnections ?? DEFAULTS.maxConnections, {
      min: 1,
      max: Infinity,
    }),
    idleTimeout: checkTimeout('idleTimeout', o.idleTimeout, DEFAULTS.idleTimeout),
    tls: resolveTls(o.tls),
    backlog: checkInteger('backlog', o.backlog ?? DEFAULTS.backlog, { min: 1 }),
    timeout: checkTimeout('timeout', o.timeout, DEFAULTS.timeout),
    highWaterMark: checkInteger('highWaterMark', o.highWaterMark ?? DEFAULTS.highWaterMark, {
      min: 1,
    }),
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
 * Connections are half-open capable: a client that shuts down its write side (`nc -N`) still
 * gets the handler's replies.
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
  /** The defaults of every option of `new TCPServer()` (frozen). */
  static readonly defaults: Readonly<{
    host: string;
    port: number;
    maxConnections: number;
    idleTimeout: number;
    backlog: number;
    timeout: number;
    highWaterMark: number;
  }> = DEFAULTS;

  readonly #options: ResolvedServerOptions;
  #server: Server | undefined;
  #address: ServerAddress | undefined;
  #active = new Map<TCPConnection, Promise<void>>();
  #sockets = new Set<Socket>();
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
  listen(options?: SignalOptions): Promise<ServerAddress> {
    let signal: AbortSignal | undefined;
    try {
      signal = checkSignal(
        'signal',
        checkOptionKeys<SignalOptions>('options', options, SIGNAL_OPTION_KEYS).signal,
      );
    } catch (err) {
      return rejected(err);
    }
    if (signal?.aborted) {
      return Promise.reject(new AbortError('listen aborted', { cause: signal.reason }));
    }
    if (this.#server) return Promise.reject(new Error('TCPServer.listen() was already called'));
    if (this.#closing) return Promise.reject(new Error('TCPServer was closed'));
    const { host, port, backlog, tls } = this.#options;
    const serverOptions = {
      highWaterMark: SERVER_STREAM_HIGH_WATER_MARK,
      // Half-open TCP: a client's FIN ends the handler's reads, not its writes. Not for TLS,
      // where a client that hangs up mid-handshake must end the handshake socket.
      allowHalfOpen: !tls,
    };
    const server = tls
      ? createTlsServer(
          {
            ...serverOptions,
            cert: tls.cert,
            key: tls.key,
            ca: tls.ca,
            requestCert: tls.requestCert ?? false,
          },
          (s) => this.#accept(s),
        )
      : createNetServer(serverOptions, (s) => this.#accept(s));
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
    // Every accepted socket, TLS handshakes in progress included, so close() can end them all.
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    this.#server = server;
    return new Promise<ServerAddress>((resolve, reject) => {
      const onAbort = () => {
        server.off('error', onError);
        server.close();
        reject(new AbortError('listen aborted', { cause: signal!.reason }));
      };
      const onError = (err: Error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(toNetworkError(err, { operation: 'listen', host, port, protocol: 'tcp' }));
      };
      server.once('error', onError);
      signal?.addEventListener('abort', onAbort, { once: true });
      server.listen({ host, port, backlog }, () => {
        signal?.removeEventListener('abort', onAbort);
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
    const settings = {
      host: socket.remoteAddress ?? 'unknown',
      port: socket.remotePort ?? 0,
      protocol: this.#options.tls ? ('tls' as const) : ('tcp' as const),
      timeout: this.#options.timeout,
      highWaterMark: this.#options.highWaterMark,
    };
    const connection = acceptConnection(settings, socket);
    if (hasTimeout(idleTimeout)) {
      socket.setTimeout(idleTimeout, () => {
        connection._fail(timeoutError(settings, 'connection idle', idleTimeout, 'idle'));
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
   * Stops accepting at once, waits up to `timeout` ms (0 or Infinity: no limit) for running
   * handlers, then destroys the connections that remain. Resolves when the listening socket is
   * closed — by `timeout` at the latest, even when a handler never returns (its connection is
   * destroyed, so its pending reads and sends reject). `signal` ends the wait early, as the
   * timeout would, and rejects with AbortError once everything is closed.
   */
  close(options?: CloseOptions): Promise<void> {
    let timeout: number;
    let signal: AbortSignal | undefined;
    try {
      const opts = checkOptionKeys<CloseOptions>('options', options, CLOSE_OPTION_KEYS);
      timeout = checkTimeout('timeout', opts.timeout, 5_000);
      signal = checkSignal('signal', opts.signal);
    } catch (err) {
      return rejected(err);
    }
    this.#closing ??= this.#shutdown(timeout, signal);
    if (!signal) return this.#closing;
    return this.#closing.then(() => {
      if (signal.aborted) throw new AbortError('close aborted', { cause: signal.reason });
    });
  }

  /** `close()` with its defaults, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(timeout: number, signal: AbortSignal | undefined): Promise<void> {
    const server = this.#server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    if (this.#active.size > 0 && !signal?.aborted) {
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      await Promise.race([
        Promise.allSettled(this.#active.values()),
        new Promise<void>((resolve) => {
          if (hasTimeout(timeout)) timer = setTimeout(resolve, timeout);
          onAbort = resolve;
          signal?.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
    // Handlers may never return (user code): their connections are destroyed, which rejects
    // their pending reads and sends, but the close does not wait for the handlers themselves.
    this.#destroying = true;
    for (const connection of this.#active.keys()) connection.destroy();
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }
}
