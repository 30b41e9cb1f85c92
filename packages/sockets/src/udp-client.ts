import {
  AbortError,
  ConnectionError,
  ErrorCodes,
  NetworkTimeoutError,
  argOutOfRange,
  invalidArgType,
  toNetworkError,
} from '@net/errors';
import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import {
  checkDuration,
  checkHost,
  checkOptions,
  checkPort,
  checkPositiveInt,
  checkSignal,
  toBytes,
  signalOption,
} from './argument-checks.js';

/** A resolver with the shape of `dns.lookup` (single result). */
export type UDPLookupFunction = (
  hostname: string,
  options: { family?: number; all?: false },
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
) => void;

/** Options of `new UDPClient()`. */
export interface UDPClientOptions {
  /** Host name or IP literal of the peer. */
  host: string;
  /** The peer's port. */
  port: number;
  /** Default wait of `receive()` and of each attempt of `request()`; 0 = none. @default 5000 */
  timeout?: number;
  /** Datagrams kept while nothing reads; further ones are counted in `droppedDatagrams`. @default 1024 */
  maxQueuedDatagrams?: number;
  /** A custom resolver. @default dns.lookup */
  lookup?: UDPLookupFunction;
}

export const udpClientDefaults = {
  timeout: 5_000,
  maxQueuedDatagrams: 1024,
} as const satisfies Partial<UDPClientOptions>;

/** One received datagram. */
export interface Datagram {
  data: Buffer;
  address: string;
  port: number;
}

export interface UDPReceiveOptions {
  /** @default the client's `timeout` */
  timeout?: number;
  signal?: AbortSignal;
}

export interface UDPRequestOptions extends UDPReceiveOptions {
  /** Extra sends after a wait that timed out. @default 2 */
  retries?: number;
}

/** The largest UDP payload: 65 535 minus the UDP header (8) and, for IPv4, the IP header (20). */
const MAX_PAYLOAD = { 4: 65_507, 6: 65_527 } as const;

interface Pending {
  resolve(datagram: Datagram): void;
  reject(error: Error): void;
}

/**
 * A connected UDP socket: datagrams go to one peer and only that peer's replies are received,
 * and an ICMP port-unreachable surfaces as ConnectionError (refused) on the next receive.
 *
 * @example
 * await using udp = new UDPClient({ host: '127.0.0.1', port: 5353 });
 * const reply = await udp.request('ping', { timeout: 500, retries: 3 });
 */
export class UDPClient implements AsyncDisposable {
  readonly host: string;
  readonly port: number;
  readonly #timeout: number;
  readonly #maxQueued: number;
  readonly #lookup: UDPLookupFunction;
  #socket: Promise<{ socket: DgramSocket; family: 4 | 6 }> | undefined;
  #queue: Datagram[] = [];
  #pending: Pending[] = [];
  #failure: Error | undefined;
  #closed = false;
  #dropped = 0;

  constructor(options: UDPClientOptions) {
    if (options === null || typeof options !== 'object')
      throw invalidArgType('options', 'of type object', options);
    this.host = checkHost('host', options.host);
    this.port = checkPort('port', options.port);
    this.#timeout = checkDuration('timeout', options.timeout ?? udpClientDefaults.timeout);
    this.#maxQueued = checkPositiveInt(
      'maxQueuedDatagrams',
      options.maxQueuedDatagrams ?? udpClientDefaults.maxQueuedDatagrams,
    );
    if (options.lookup !== undefined && typeof options.lookup !== 'function') {
      throw invalidArgType('lookup', 'a function', options.lookup);
    }
    this.#lookup = options.lookup ?? dnsLookup;
  }

  /** Datagrams that arrived while `maxQueuedDatagrams` were already waiting, and were dropped. */
  get droppedDatagrams(): number {
    return this.#dropped;
  }

  /** Resolves the host and connects the socket; `send()` does this on first use. */
  connect(): Promise<void> {
    return this.#open().then(() => undefined);
  }

  /** Sends one datagram. An oversized payload rejects with RangeError before anything is sent. */
  async send(data: string | Uint8Array, options: { signal?: AbortSignal } = {}): Promise<void> {
    const bytes = toBytes('data', data);
    const signal = signalOption(options);
    if (bytes.length > MAX_PAYLOAD[6])
      throw argOutOfRange('data.length', `<= ${MAX_PAYLOAD[6]} bytes`, bytes.length);
    const { socket, family } = await this.#open();
    if (signal?.aborted) {
      throw new AbortError(`send aborted: ${this.#target()}`, { cause: signal.reason });
    }
    if (bytes.length > MAX_PAYLOAD[family]) {
      throw argOutOfRange(
        'data.length',
        `<= ${MAX_PAYLOAD[family]} bytes over IPv${family}`,
        bytes.length,
      );
    }
    await new Promise<void>((resolve, reject) => {
      socket.send(bytes, (err) => (err ? reject(this.#mapError(err, 'send')) : resolve()));
    });
  }

  /** The next datagram from the peer. */
  async receive(options: UDPReceiveOptions = {}): Promise<Datagram> {
    const opts = checkOptions<UDPReceiveOptions>('options', options);
    const timeout = checkDuration('timeout', opts.timeout ?? this.#timeout);
    const signal = checkSignal('signal', opts.signal);
    await this.#open();
    return this.#next(timeout, signal);
  }

  /**
   * Sends `data` and waits for the next datagram; when none arrives within `timeout`, sends again,
   * up to `retries` more times, then rejects with NetworkTimeoutError (phase 'response').
   * Datagrams that arrived before the call are discarded, so a stale reply is never taken for this one.
   */
  async request(data: string | Uint8Array, options: UDPRequestOptions = {}): Promise<Datagram> {
    const opts = checkOptions<UDPRequestOptions>('options', options);
    const timeout = checkDuration('timeout', opts.timeout ?? this.#timeout);
    const retries = opts.retries ?? 2;
    if (!Number.isInteger(retries) || retries < 0)
      throw argOutOfRange('retries', 'an integer >= 0', retries);
    const signal = checkSignal('signal', opts.signal);
    toBytes('data', data);
    await this.#open();
    this.#queue = [];
    let last: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      await this.send(data, { signal });
      try {
        return await this.#next(timeout, signal);
      } catch (err) {
        if (!(err instanceof NetworkTimeoutError)) throw err;
        last = err;
      }
    }
    throw new NetworkTimeoutError(
      `no reply after ${retries + 1} attempts of ${timeout} ms: ${this.#target()}`,
      {
        timeoutMs: timeout,
        phase: 'response',
        cause: last,
      },
    );
  }

  /** Closes the socket; pending receives reject with ConnectionError (closed). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const error = this.#closedError();
    for (const pending of this.#pending.splice(0)) pending.reject(error);
    const opened = this.#socket;
    if (!opened) return;
    const { socket } = await opened.catch(() => ({ socket: undefined }));
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #next(timeout: number, signal: AbortSignal | undefined): Promise<Datagram> {
    if (this.#closed) return Promise.reject(this.#closedError());
    if (this.#failure) {
      const failure = this.#failure;
      // A refusal reported once belongs to the datagram that caused it; later reads may succeed.
      this.#failure = undefined;
      return Promise.reject(failure);
    }
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    if (signal?.aborted)
      return Promise.reject(
        new AbortError(`receive aborted: ${this.#target()}`, { cause: signal.reason }),
      );
    return new Promise<Datagram>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const at = this.#pending.indexOf(pending);
        if (at !== -1) this.#pending.splice(at, 1);
      };
      const pending: Pending = {
        resolve: (d) => (done(), resolve(d)),
        reject: (e) => (done(), reject(e)),
      };
      const onAbort = () =>
        pending.reject(
          new AbortError(`receive aborted: ${this.#target()}`, { cause: signal!.reason }),
        );
      if (timeout > 0) {
        timer = setTimeout(
          () =>
            pending.reject(
              new NetworkTimeoutError(`no datagram within ${timeout} ms: ${this.#target()}`, {
                timeoutMs: timeout,
                phase: 'response',
              }),
            ),
          timeout,
        );
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.push(pending);
    });
  }

  #open(): Promise<{ socket: DgramSocket; family: 4 | 6 }> {
    if (this.#closed) return Promise.reject(this.#closedError());
    this.#socket ??= this.#resolve().then(
      ({ address, family }) =>
        new Promise((resolve, reject) => {
          const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
          socket.on('message', (data, rinfo) =>
            this.#deliver({ data, address: rinfo.address, port: rinfo.port }),
          );
          socket.on('error', (err) => this.#onError(err));
          socket.once('error', reject);
          socket.connect(this.port, address, () => {
            socket.off('error', reject);
            resolve({ socket, family });
          });
        }),
    );
    return this.#socket;
  }

  #resolve(): Promise<{ address: string; family: 4 | 6 }> {
    const literal = isIP(this.host);
    if (literal !== 0) return Promise.resolve({ address: this.host, family: literal as 4 | 6 });
    return new Promise((resolve, reject) => {
      this.#lookup(this.host, {}, (err, address, family) => {
        if (err)
          reject(
            toNetworkError(err, {
              operation: 'lookup',
              host: this.host,
              port: this.port,
              protocol: 'udp',
            }),
          );
        else resolve({ address, family: family === 6 ? 6 : 4 });
      });
    });
  }

  #deliver(datagram: Datagram): void {
    const pending = this.#pending.shift();
    if (pending) return pending.resolve(datagram);
    if (this.#queue.length >= this.#maxQueued) {
      this.#dropped++;
      return;
    }
    this.#queue.push(datagram);
  }

  #onError(err: Error): void {
    const error = this.#mapError(err, 'receive');
    const pending = this.#pending.shift();
    if (pending) pending.reject(error);
    else this.#failure = error;
  }

  #mapError(err: Error, operation: string) {
    return toNetworkError(err, { operation, host: this.host, port: this.port, protocol: 'udp' });
  }

  #closedError(): ConnectionError {
    return new ConnectionError(`socket closed: ${this.#target()}`, {
      code: ErrorCodes.CONNECTION_CLOSED,
      host: this.host,
      port: this.port,
      protocol: 'udp',
    });
  }

  #target(): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }
}
