import { AbortError, toNetworkError, type TimeoutPhase } from '@net/errors';
import {
  checkBoolean,
  checkFunction,
  checkHost,
  checkInteger,
  checkOptionKeys,
  checkPort,
  checkTimeout,
  formatHostPort,
  hasTimeout,
  invalidArgType,
  rejected,
  checkSignal,
} from '@net/errors/internal';
import { connect as netConnect, isIP, type LookupFunction, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import {
  SIGNAL_OPTION_KEYS,
  WRITE_HIGH_WATER_MARK,
  type SignalOptions,
} from './connection-options.js';
import { timeoutError } from './connection-errors.js';
import { deepFreeze } from './deep-freeze.js';
import { TCPConnection } from './tcp-connection.js';

/** TLS settings of a client. */
export interface TLSClientOptions {
  /** Trusted CA certificates (PEM); replaces the system store when given. @default the system store */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate (PEM), for servers that ask for one. @default undefined */
  cert?: string | Buffer;
  /** Client private key (PEM). @default undefined */
  key?: string | Buffer;
  /** SNI name and the name checked against the certificate. @default host, unless host is an IP literal */
  servername?: string;
  /** Verify the server's certificate chain and name. @default true */
  rejectUnauthorized?: boolean;
}
const TLS_KEYS = ['ca', 'cert', 'key', 'servername', 'rejectUnauthorized'] as const;

/** Options of `new TCPClient()`. */
export interface TCPClientOptions {
  /** Host name or IP literal to connect to. */
  host: string;
  /** Port to connect to. */
  port: number;
  /** Connect timeout (TCP and TLS handshake together), and the default for each read, send and shutdown; 0 or Infinity: no limit. @default 10000 */
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
const CLIENT_KEYS = [
  'host',
  'port',
  'timeout',
  'tls',
  'noDelay',
  'keepAlive',
  'highWaterMark',
  'lookup',
] as const;

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

const DEFAULTS = deepFreeze({
  timeout: 10_000,
  tls: false,
  noDelay: true,
  keepAlive: false,
  highWaterMark: 1_048_576,
});

function resolveTls(value: unknown): TLSClientOptions | undefined {
  if (value === false) return undefined;
  if (value === true) return {};
  if (value === null || typeof value !== 'object') {
    throw invalidArgType('tls', 'a boolean or an object', value);
  }
  const tls = checkOptionKeys<TLSClientOptions>('tls', value, TLS_KEYS);
  if (tls.rejectUnauthorized !== undefined)
    checkBoolean('tls.rejectUnauthorized', tls.rejectUnauthorized);
  return tls;
}

function resolveOptions(options: TCPClientOptions): ResolvedTCPClientOptions {
  if (options === undefined) throw invalidArgType('options', 'of type object', options);
  const o = checkOptionKeys<TCPClientOptions>('options', options, CLIENT_KEYS);
  const keepAlive = o.keepAlive ?? DEFAULTS.keepAlive;
  if (typeof keepAlive !== 'boolean') checkInteger('keepAlive', keepAlive, { min: 0 });
  return {
    host: checkHost('host', o.host),
    port: checkPort('port', o.port),
    timeout: checkTimeout('timeout', o.timeout, DEFAULTS.timeout),
    tls: resolveTls(o.tls ?? DEFAULTS.tls),
    noDelay: checkBoolean('noDelay', o.noDelay ?? DEFAULTS.noDelay),
    keepAlive,
    highWaterMark: checkInteger('highWaterMark', o.highWaterMark ?? DEFAULTS.highWaterMark, {
      min: 1,
    }),
    lookup: o.lookup === undefined ? undefined : checkFunction<LookupFunction>('lookup', o.lookup),
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
  /** The defaults of every option of `new TCPClient()` (frozen). */
  static readonly defaults: Readonly<{
    timeout: number;
    tls: boolean;
    noDelay: boolean;
    keepAlive: boolean | number;
    highWaterMark: number;
  }> = DEFAULTS;

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

  /** The host it connects to. */
  get host(): string {
    return this.#options.host;
  }
  /** The port it connects to. */
  get port(): number {
    return this.#options.port;
  }

  /**
   * Opens the connection (and completes the TLS handshake). Rejects with ConnectionError,
   * DNSResolutionError, SSLError, NetworkTimeoutError (phase 'connect' or 'tls') or AbortError.
   * Calling it again while connecting or connected returns the same promise.
   */
  connect(options?: SignalOptions): Promise<void> {
    let signal: AbortSignal | undefined;
    try {
      signal = checkSignal(
        'signal',
        checkOptionKeys<SignalOptions>('options', options, SIGNAL_OPTION_KEYS).signal,
      );
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
    const aborted = (s: AbortSignal) =>
      new AbortError(`connect aborted: ${formatHostPort(host, port)}`, { cause: s.reason });
    if (signal?.aborted) return Promise.reject(aborted(signal));
    return new Promise<void>((resolve, reject) => {
      // The typings lack the stream options that net/tls pass on to the socket.
      const streamOptions = {
        writableHighWaterMark: WRITE_HIGH_WATER_MARK,
        highWaterMark: WRITE_HIGH_WATER_MARK,
        // A FIN from the peer ends our reads, not our writes (see TCPConnection).
        allowHalfOpen: true,
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
        reject(aborted(signal!));
      };
      if (tls) socket.once('connect', () => (phase = 'tls'));
      if (hasTimeout(timeout)) {
        timer = setTimeout(() => {
          cleanup();
          socket.destroy();
          const what = phase === 'tls' ? 'TLS handshake timed out' : 'connect timed out';
          reject(timeoutError({ host, port }, what, timeout, phase));
        }, timeout);
      }
      socket.on('error', onError);
      socket.once(tls ? 'secureConnect' : 'connect', onReady);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
