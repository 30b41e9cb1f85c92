import {
  AbortError,
  NetworkTimeoutError,
  invalidArgType,
  toNetworkError,
  type TimeoutPhase,
} from '@net/errors';
import { connect as netConnect, isIP, type LookupFunction, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import {
  checkBoolean,
  checkDuration,
  checkHost,
  checkOptions,
  checkPort,
  checkPositiveInt,
  rejected,
  signalOption,
} from './argument-checks.js';
import { WRITE_HIGH_WATER_MARK } from './connection-options.js';
import { TCPConnection } from './tcp-connection.js';

/** TLS settings of a client. */
export interface TLSClientOptions {
  /** Trusted CA certificates (PEM); replaces the system store when given. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate (PEM), for servers that ask for one. */
  cert?: string | Buffer;
  /** Client private key (PEM). */
  key?: string | Buffer;
  /** SNI name and the name checked against the certificate. @default host, unless host is an IP literal */
  servername?: string;
  /** Verify the server's certificate chain and name. @default true */
  rejectUnauthorized?: boolean;
}

/** Options of `new TCPClient()`. */
export interface TCPClientOptions {
  /** Host name or IP literal to connect to. */
  host: string;
  /** Port to connect to. */
  port: number;
  /** Connect timeout (TCP and TLS handshake together), and the default for each read and send; 0 = none. @default 10000 */
  timeout?: number;
  /** `true` or TLS settings to speak TLS. @default false */
  tls?: boolean | TLSClientOptions;
  /** Disable Nagle's algorithm so small writes go out at once. @default true */
  noDelay?: boolean;
  /** TCP keep-alive: `true`, or the initial delay in ms. @default false */
  keepAlive?: boolean | number;
  /** Received bytes buffered before the socket is paused while nothing reads. @default 1048576 */
  highWaterMark?: number;
  /** A custom resolver, as for `net.connect()`. @default dns.lookup */
  lookup?: LookupFunction;
}

export const tcpClientDefaults = {
  timeout: 10_000,
  tls: false,
  noDelay: true,
  keepAlive: false,
  highWaterMark: 1_048_576,
} as const satisfies Partial<TCPClientOptions>;

interface ResolvedTCPClientOptions {
  host: string;
  port: number;
  timeout: number;
  tls: TLSClientOptions | undefined;
  noDelay: boolean;
  keepAlive: boolean | number;
  highWaterMark: number;
  lookup: LookupFunction | undefined;
}

function resolveOptions(options: TCPClientOptions): ResolvedTCPClientOptions {
  const o = checkOptions<TCPClientOptions>('options', options);
  if (options === undefined) throw invalidArgType('options', 'of type object', options);
  const tls = o.tls ?? tcpClientDefaults.tls;
  if (typeof tls !== 'boolean' && (tls === null || typeof tls !== 'object')) {
    throw invalidArgType('tls', 'a boolean or an object', tls);
  }
  const keepAlive = o.keepAlive ?? tcpClientDefaults.keepAlive;
  if (typeof keepAlive !== 'boolean') checkDuration('keepAlive', keepAlive);
  if (o.lookup !== undefined && typeof o.lookup !== 'function')
    throw invalidArgType('lookup', 'a function', o.lookup);
  return {
    host: checkHost('host', o.host),
    port: checkPort('port', o.port),
    timeout: checkDuration('timeout', o.timeout ?? tcpClientDefaults.timeout),
    tls: tls === true ? {} : tls === false ? undefined : tls,
    noDelay: checkBoolean('noDelay', o.noDelay ?? tcpClientDefaults.noDelay),
    keepAlive,
    highWaterMark: checkPositiveInt(
      'highWaterMark',
      o.highWaterMark ?? tcpClientDefaults.highWaterMark,
    ),
    lookup: o.lookup,
  };
}

/**
 * A TCP or TLS client connection. After `connect()`, read with `receive()`, `readExactly()`,
 * `readLine()` or `frames()` and write with `send()` or `writeFrame()` (see `TCPConnection`).
 *
 * @example
 * await using client = new TCPClient({ host: '127.0.0.1', port: 7000 });
 * await client.connect();
 * await client.send('PING\n');
 * console.log(await client.readLine());
 */
export class TCPClient extends TCPConnection {
  readonly #options: ResolvedTCPClientOptions;
  #connecting: Promise<void> | undefined;

  constructor(options: TCPClientOptions) {
    const resolved = resolveOptions(options);
    super({
      host: resolved.host,
      port: resolved.port,
      protocol: resolved.tls ? 'tls' : 'tcp',
      timeout: resolved.timeout,
      highWaterMark: resolved.highWaterMark,
    });
    this.#options = resolved;
  }

  get host(): string {
    return this.#options.host;
  }
  get port(): number {
    return this.#options.port;
  }

  /**
   * Opens the connection (and completes the TLS handshake). Rejects with ConnectionError,
   * DNSResolutionError, SSLError, NetworkTimeoutError (phase 'connect' or 'tls') or AbortError.
   * Calling it again while connecting or connected returns the same promise.
   */
  connect(options: { signal?: AbortSignal } = {}): Promise<void> {
    let signal: AbortSignal | undefined;
    try {
      signal = signalOption(options);
    } catch (err) {
      return rejected(err);
    }
    if (this.#connecting) return this.#connecting;
    const attempt = this.#open(signal);
    this.#connecting = attempt;
    // A failed attempt may be retried with another connect().
    attempt.catch(() => {
      if (this.#connecting === attempt) this.#connecting = undefined;
    });
    return attempt;
  }

  #open(signal: AbortSignal | undefined): Promise<void> {
    const { host, port, timeout, tls, noDelay, keepAlive, lookup } = this.#options;
    const context = { operation: 'connect', host, port, protocol: tls ? 'tls' : 'tcp' };
    if (signal?.aborted) {
      return Promise.reject(
        new AbortError(`connect aborted: ${host}:${port}`, { cause: signal.reason }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      // The typings lack the stream options that net/tls pass on to the socket.
      const streamOptions = {
        writableHighWaterMark: WRITE_HIGH_WATER_MARK,
        highWaterMark: WRITE_HIGH_WATER_MARK,
      } as object;
      const socket: Socket | TLSSocket = tls
        ? tlsConnect({
            ...streamOptions,
            host,
            port,
            ca: tls.ca,
            cert: tls.cert,
            key: tls.key,
            // SNI must not carry an IP literal; Node still checks the IP against the certificate.
            servername: tls.servername ?? (isIP(host) === 0 ? host : undefined),
            rejectUnauthorized: tls.rejectUnauthorized ?? true,
            lookup,
          })
        : netConnect({ ...streamOptions, host, port, lookup });
      let phase: TimeoutPhase = 'connect';
      let timer: NodeJS.Timeout | undefined;
      const cleanup = () => {
        if (timer) clearTimeout(timer);
        socket.off('error', onError);
        socket.off(tls ? 'secureConnect' : 'connect', onReady);
        signal?.removeEventListener('abort', onAbort);
      };
      const onError = (err: Error) => {
        cleanup();
        socket.destroy();
        reject(toNetworkError(err, context));
      };
      const onReady = () => {
        cleanup();
        socket.setNoDelay(noDelay);
        if (keepAlive !== false) socket.setKeepAlive(true, keepAlive === true ? 0 : keepAlive);
        this._attach(socket);
        resolve();
      };
      const onAbort = () => {
        cleanup();
        socket.destroy();
        reject(new AbortError(`connect aborted: ${host}:${port}`, { cause: signal!.reason }));
      };
      if (tls) socket.once('connect', () => (phase = 'tls'));
      if (timeout > 0) {
        timer = setTimeout(() => {
          cleanup();
          socket.destroy();
          const what = phase === 'tls' ? 'TLS handshake' : 'connect';
          reject(
            new NetworkTimeoutError(
              `${what} timed out after ${timeout} ms: ${host.includes(':') ? `[${host}]` : host}:${port}`,
              {
                timeoutMs: timeout,
                phase,
              },
            ),
          );
        }, timeout);
      }
      socket.on('error', onError);
      socket.once(tls ? 'secureConnect' : 'connect', onReady);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
