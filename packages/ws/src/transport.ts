import WebSocketImpl from 'isomorphic-ws';
import type { Frame } from './encode-frame.js';
import type { ResolvedOptions } from './options.js';

/**
 * What a transport reports, called as methods of the listener: a class can implement them on
 * its prototype instead of allocating a closure per event for every connection.
 */
export interface TransportEvents {
  onOpen(): void;
  onMessage(data: string | Uint8Array, isBinary: boolean): void;
  onPong(): void;
  onError(err: unknown, statusCode: number | undefined): void;
  onClose(code: number, reason: string, wasClean: boolean): void;
}

/** The subset of `ws`'s WebSocket used in Node; browsers' WebSocket has none of the `on`/`ping` methods. */
interface NodeSocket {
  on(event: string, listener: (...args: any[]) => void): void;
  ping(): void;
  terminate(): void;
  pause(): void;
  resume(): void;
}

const CONNECTING = 0;
const OPEN = 1;

/**
 * One WebSocket connection through isomorphic-ws: `ws` in Node, the global WebSocket in
 * browsers. Node is recognised by the socket's own methods (`on`, `ping`), not by importing
 * anything Node-only, so the browser bundle stays free of `node:*` modules. In Node the
 * EventEmitter API is used: it hands over `isBinary` directly and skips the EventTarget shim.
 */
export class Transport {
  readonly socket: WebSocket;
  readonly isNode: boolean;

  constructor(options: ResolvedOptions, events: TransportEvents) {
    // Node-only settings; a browser's constructor ignores a third argument.
    const nodeOptions = {
      headers: options.headers,
      perMessageDeflate: options.perMessageDeflate,
      ...options.tls,
    };
    const Impl = WebSocketImpl as unknown as new (
      url: string,
      protocols: string[],
      opts: object,
    ) => WebSocket;
    const socket = new Impl(options.url.href, options.protocols as string[], nodeOptions);
    this.socket = socket;
    const node = socket as unknown as NodeSocket;
    this.isNode = typeof node.on === 'function' && typeof node.ping === 'function';
    if (this.isNode) {
      let statusCode: number | undefined;
      node.on('open', () => events.onOpen());
      node.on('message', (data: Uint8Array & { toString(): string }, isBinary: boolean) =>
        events.onMessage(isBinary ? data : data.toString(), isBinary),
      );
      node.on('pong', () => events.onPong());
      node.on(
        'unexpected-response',
        (_req: unknown, res: { statusCode?: number; resume(): void }) => {
          statusCode = res.statusCode;
          res.resume();
          // ws leaves the handshake pending while a listener exists; end it, which reports an error.
          node.terminate();
        },
      );
      node.on('error', (err: unknown) => events.onError(err, statusCode));
      node.on('close', (code: number, reason: Uint8Array & { toString(): string }) =>
        events.onClose(code, reason.toString(), code !== 1006),
      );
    } else {
      socket.binaryType = 'arraybuffer';
      socket.addEventListener('open', () => events.onOpen());
      socket.addEventListener('message', (event: MessageEvent) => {
        const data: unknown = event.data;
        if (typeof data === 'string') events.onMessage(data, false);
        else events.onMessage(new Uint8Array(data as ArrayBuffer), true);
      });
      socket.addEventListener('error', (event) => events.onError(event, undefined));
      socket.addEventListener('close', (event: CloseEvent) =>
        events.onClose(event.code, event.reason, event.wasClean),
      );
    }
  }

  get open(): boolean {
    return this.socket.readyState === OPEN;
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  /** The subprotocol the server chose ('' for none). */
  get protocol(): string {
    return this.socket.protocol;
  }

  /** Whether protocol pings are available (Node). */
  get canPing(): boolean {
    return this.isNode;
  }

  /** Stops reading from the socket (Node); browsers cannot, so this does nothing there. */
  pause(): void {
    if (this.isNode) (this.socket as unknown as NodeSocket).pause();
  }

  resume(): void {
    if (this.isNode) (this.socket as unknown as NodeSocket).resume();
  }

  send(frame: Frame): void {
    this.socket.send(frame);
  }

  ping(): void {
    (this.socket as unknown as NodeSocket).ping();
  }

  /** Starts the closing handshake. */
  close(code: number, reason: string): void {
    if (this.isNode && this.socket.readyState === CONNECTING)
      (this.socket as unknown as NodeSocket).terminate();
    else this.socket.close(code, reason);
  }

  /** Drops the connection without a closing handshake (browsers can only ask for a close). */
  terminate(): void {
    if (this.isNode) (this.socket as unknown as NodeSocket).terminate();
    else if (this.socket.readyState <= OPEN) this.socket.close(1000);
  }
}

/** Whether isomorphic-ws resolved to a browser's WebSocket (which has no protocol `ping`). */
export const browserSocket: boolean =
  typeof (WebSocketImpl as unknown as { prototype?: { ping?: unknown } } | undefined)?.prototype
    ?.ping !== 'function';
