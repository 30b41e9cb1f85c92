import { NetworkTimeoutError, toNetworkError, type ConnectionError } from '@net/errors';
import {
  argOutOfRange,
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
  toBytes,
} from '@net/errors/internal';
import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import { abortError, closedError, targetText } from './connection-errors.js';
import { SIGNAL_OPTION_KEYS, type SignalOptions } from './connection-options.js';
import { deepFreeze } from './deep-freeze.js';
import { specialAddressError, specialAddressKind } from './special-address.js';

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
  /** Default wait of `receive()` and of each attempt of `request()`; 0 or Infinity: no limit. @default 5000 */
  timeout?: number;
  /** Datagrams kept while nothing reads; further ones are counted in `droppedDatagrams`. @default 1024 */
  maxQueuedDatagrams?: number;
  /** A custom resolver. @default dns.lookup */
  lookup?: UDPLookupFunction;
  /**
   * Allow a multicast, broadcast or unspecified peer address (or a name resolving to one). By
   * default such a target is refused with RangeError before any packet is sent: a datagram to
   * it reaches many hosts, or none. @default false
   */
  allowNonUnicast?: boolean;
}
const CLIENT_KEYS = [
  'host',
  'port',
  'timeout',
  'maxQueuedDatagrams',
  'lookup',
  'allowNonUnicast',
] as const;

const DEFAULTS = deepFreeze({
  timeout: 5_000,
  maxQueuedDatagrams: 1024,
  allowNonUnicast: false,
});

/** One received datagram. */
export interface Datagram {
  data: Buffer;
  address: string;
  port: number;
}

/** Options of `UDPClient.receive()`. */
export interface UDPReceiveOptions {
  /** 0 or Infinity: no limit. @default the client's `timeout` */
  timeout?: number;
  /** Aborts the wait with AbortError. @default undefined */
  signal?: AbortSignal;
}
const RECEIVE_KEYS = ['timeout', 'signal'] as const;

/** Options of `UDPClient.request()`. */
export interface UDPRequestOptions extends UDPReceiveOptions {
  /** Extra sends after a wait that timed out. @default 2 */
  retries?: number;
}
const REQUEST_KEYS = [...RECEIVE_KEYS, 'retries'] as const;

/** The largest UDP payload: 65 535 minus the UDP header (8) and, for IPv4, the IP header (20). */
const MAX_PAYLOAD = { 4: 65_507, 6: 65_527 } as const;

interface Pending {
  resolve(datagram: Datagram): void;
  reject(error: Error): void;
}

function signalOf(options: unknown): AbortSignal | undefined {
  return checkSignal(
    'signal',
    checkOptionKeys<SignalOptions>('options', options, SIGNAL_OPTION_KEYS).signal,
  );
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
  /** The defaults of every option of `new UDPClient()` (frozen). */
  static readonly defaults: Readonly<{
    timeout: number;
    maxQueuedDatagrams: number;
    allowNonUnicast: boolean;
  }> = DEFAULTS;

  /** The peer's host. */
  readonly host: string;
  /** The peer's port. */
  readonly port: number;
  readonly #timeout: number;
  readonly #maxQueued: number;
  readonly #lookup: UDPLookupFunction;
  readonly #allowNonUnicast: boolean;
  #socket: Promise<{ socket: DgramSocket; family: 4 | 6 }> | undefined;
  #queue: Datagram[] = [];
  #pending: Pending[] = [];
  #failure: Error | undefined;
  #closed = false;
  #dropped = 0;

  constructor(options: UDPClientOptions) {
    if (options === undefined) throw invalidArgType('options', 'of type object', options);
    const o = checkOptionKeys<UDPClientOptions>('options', options, CLIENT_KEYS);
    this.host = checkHost('host', o.host);
    this.port = checkPort('port', o.port);
    this.#timeout = checkTimeout('timeout', o.timeout, DEFAULTS.timeout);
    this.#maxQueued = checkInteger(
      'maxQueuedDatagrams',
      o.maxQueuedDatagrams ?? DEFAULTS.maxQueuedDatagrams,
      { min: 1 },
    );
    this.#lookup =
      o.lookup === undefined ? dnsLookup : checkFunction<UDPLookupFunction>('lookup', o.lookup);
    this.#allowNonUnicast = checkBoolean(
      'allowNonUnicast',
      o.allowNonUnicast ?? DEFAULTS.allowNonUnicast,
    );
    // An IP literal is refused here, before anything is opened.
    const kind = specialAddressKind(this.host);
    if (kind && !this.#allowNonUnicast) {
      throw specialAddressError('host', this.host, this.host, kind, 'allowNonUnicast');
    }
  }

  /** Datagrams that arrived while `maxQueuedDatagrams` were already waiting, and were dropped. */
  get droppedDatagrams(): number {
    return this.#dropped;
  }

  /**
   * Resolves the host and connects the socket; `send()` does this on first use. Rejects with
   * DNSResolutionError or ConnectionError, or RangeError for a non-unicast address.
   */
  connect(options?: SignalOptions): Promise<void> {
    let signal: AbortSignal | undefined;
    try {
      signal = signalOf(options);
    } catch (err) {
      return rejected(err);
    }
    return this.#withSignal(this.#open(), signal).then(() => undefined);
  }

  /** Sends one datagram. An oversized payload rejects with RangeError before anything is sent. */
  async send(data: string | Uint8Array, options?: SignalOptions): Promise<void> {
    const bytes = toBytes('data', data);
    const signal = signalOf(options);
    if (bytes.length > MAX_PAYLOAD[6])
      throw argOutOfRange('data.length', `<= ${MAX_PAYLOAD[6]} bytes`, bytes.length);
    const { socket, family } = await this.#withSignal(this.#open(), signal);
    if (bytes.length > MAX_PAYLOAD[family]) {
      throw argOutOfRange(
        'data.length',
        `<= ${MAX_PAYLOAD[family]} bytes over IPv${family}`,
        bytes.length,
      );
    }
    await new Promise<void>((resolve, reject) => {
      try {
        socket.send(bytes, (err) => (err ? reject(this.#mapError(err, 'send')) : resolve()));
      } catch (err) {
        // A socket closed meanwhile throws synchronously.
        reject(this.#closed ? this.#closedError() : this.#mapError(err as Error, 'send'));
      }
    });
  }

  /** The next datagram from the peer. */
  async receive(options?: UDPReceiveOptions): Promise<Datagram> {
    const opts = checkOptionKeys<UDPReceiveOptions>('options', options, RECEIVE_KEYS);
    const timeout = checkTimeout('timeout', opts.timeout, this.#timeout);
    const signal = checkSignal('signal', opts.signal);
    await this.#withSignal(this.#open(), signal);
    return this.#next(timeout, signal);
  }

  /**
   * Sends `data` and waits for the next datagram; when none arrives within `timeout`, sends again,
   * up to `retries` more times, then rejects with NetworkTimeoutError (phase 'response').
   * Datagrams that arrived before the call are discarded, so a stale reply is never taken for this one.
   */
  async request(data: string | Uint8Array, options?: UDPRequestOptions): Promise<Datagram> {
    const opts = checkOptionKeys<UDPRequestOptions>('options', options, REQUEST_KEYS);
    const timeout = checkTimeout('timeout', opts.timeout, this.#timeout);
    const retries = checkInteger('retries', opts.retries ?? 2, { min: 0, max: 1_000 });
    const signal = checkSignal('signal', opts.signal);
    toBytes('data', data);
    await this.#withSignal(this.#open(), signal);
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
      { timeoutMs: timeout, phase: 'response', cause: last },
    );
  }

  /** Closes the socket; pending receives reject with ConnectionError (closed). Idempotent. */
  async close(options?: SignalOptions): Promise<void> {
    signalOf(options);
    if (this.#closed) return;
    this.#closed = true;
    const error = this.#closedError();
    for (const pending of this.#pending.splice(0)) pending.reject(error);
    const opened = this.#socket;
    if (!opened) return;
    const { socket } = await opened.catch(() => ({ socket: undefined }));
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** `work`, or AbortError as soon as `signal` fires (the work itself goes on). */
  #withSignal<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (!signal) return work;
    if (signal.aborted) return Promise.reject(abortError(this, signal));
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(abortError(this, signal));
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (err: Error) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
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
    if (signal?.aborted) return Promise.reject(abortError(this, signal, 'receive'));
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
      const onAbort = () => pending.reject(abortError(this, signal!, 'receive'));
      if (hasTimeout(timeout)) {
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
    if (!this.#socket) {
      const opening = this.#resolve().then(({ address, family }) =>
        this.#connectTo(address, family),
      );
      this.#socket = opening;
      // A failed open (DNS, refused target) may be tried again by the next call.
      opening.catch(() => {
        if (this.#socket === opening) this.#socket = undefined;
      });
    }
    return this.#socket;
  }

  #connectTo(address: string, family: 4 | 6): Promise<{ socket: DgramSocket; family: 4 | 6 }> {
    const kind = specialAddressKind(address);
    if (kind && !this.#allowNonUnicast) {
      return Promise.reject(
        specialAddressError('host', this.host, address, kind, 'allowNonUnicast'),
      );
    }
    return new Promise((resolve, reject) => {
      const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
      socket.on('message', (data, rinfo) =>
        this.#deliver({ data, address: rinfo.address, port: rinfo.port }),
      );
      const onOpenError = (err: Error) => {
        socket.close();
        reject(this.#mapError(err, 'connect'));
      };
      socket.once('error', onOpenError);
      // dgram hands a failed connect to this callback as its argument (not as an 'error' event).
      socket.connect(this.port, address, (err?: Error) => {
        socket.off('error', onOpenError);
        if (err) return onOpenError(err);
        socket.on('error', (e) => this.#onError(e));
        if (kind === 'broadcast') socket.setBroadcast(true);
        if (this.#closed) {
          socket.close();
          return reject(this.#closedError());
        }
        resolve({ socket, family });
      });
    });
  }

  #resolve(): Promise<{ address: string; family: 4 | 6 }> {
    const literal = isIP(this.host);
    if (literal !== 0) return Promise.resolve({ address: this.host, family: literal as 4 | 6 });
    return new Promise((resolve, reject) => {
      this.#lookup(this.host, {}, (err, address, family) => {
        if (err) reject(this.#mapError(err, 'lookup'));
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
    return closedError({ host: this.host, port: this.port, protocol: 'udp' }, 'socket closed');
  }

  #target(): string {
    return targetText(this);
  }
}
