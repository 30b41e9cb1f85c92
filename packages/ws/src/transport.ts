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

/** The part of `ws`'s WebSocket used in Node (our own shape: no ws types reach the .d.ts). */
interface NodeSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  readonly protocol: string;
  send(frame: Frame): void;
  close(code: number, reason: string): void;
  ping(): void;
  terminate(): void;
  pause(): void;
  resume(): void;
}

type NodeSocketClass = new (
  url: string,
  protocols: string[],
  options: object,
  events: TransportEvents,
) => NodeSocket;

/** Whether isomorphic-ws resolved to a browser's WebSocket (which has no protocol `ping`). */
export const browserSocket: boolean =
  typeof (WebSocketImpl as unknown as { prototype?: { ping?: unknown } } | undefined)?.prototype
    ?.ping !== 'function';

let nodeSocketClass: NodeSocketClass | undefined;

/**
 * ws's WebSocket with `emit` overridden to call the connection's methods directly. ws reports
 * everything through `this.emit(…)`; answering there means no listener closures and no
 * listener table per connection (most of what an idle client costs beyond ws itself).
 * Returning `true` for 'unexpected-response' keeps ws from failing the handshake on its own,
 * so the status code is ours to report; unknown events go to EventEmitter as usual.
 */
function createNodeSocketClass(): NodeSocketClass {
  const Base = WebSocketImpl as unknown as new (
    url: string,
    protocols: string[],
    options: object,
  ) => {
    emit(event: string, a?: unknown, b?: unknown): boolean;
    terminate(): void;
  };
  class EventedSocket extends Base {
    events: TransportEvents | undefined;
    statusCode: number | undefined = undefined;

    constructor(url: string, protocols: string[], options: object, events: TransportEvents) {
      super(url, protocols, options);
      // ws reports nothing synchronously from its constructor (errors go through nextTick).
      this.events = events;
    }

    override emit(event: string, a?: unknown, b?: unknown): boolean {
      const events = this.events;
      if (events !== undefined) {
        switch (event) {
          case 'message':
            events.onMessage(
              b === true ? (a as Uint8Array) : (a as { toString(): string }).toString(),
              b === true,
            );
            return true;
          case 'pong':
            events.onPong();
            return true;
          case 'open':
            events.onOpen();
            return true;
          case 'close':
            events.onClose(a as number, String(b), a !== 1006);
            return true;
          case 'error':
            events.onError(a, this.statusCode);
            return true;
          case 'unexpected-response': {
            const res = b as { statusCode?: number; resume(): void };
            this.statusCode = res.statusCode;
            res.resume();
            // ws leaves the handshake pending when this event is handled; end it, which reports an error.
            this.terminate();
            return true;
          }
        }
      }
      return super.emit(event, a, b);
    }
  }
  return EventedSocket as unknown as NodeSocketClass;
}

const CONNECTING = 0;
const OPEN = 1;

/**
 * One WebSocket connection through isomorphic-ws: `ws` in Node, the global WebSocket in
 * browsers. Node is recognised by the socket's own methods (`ping`), not by importing anything
 * Node-only, so the browser bundle stays free of `node:*` modules.
 */
export class Transport {
  readonly socket: NodeSocket;
  readonly isNode: boolean;

  constructor(options: ResolvedOptions, events: TransportEvents) {
    this.isNode = !browserSocket;
    if (this.isNode) {
      nodeSocketClass ??= createNodeSocketClass();
      this.socket = new nodeSocketClass(
        options.url,
        options.protocols as string[],
        options.nodeOptions,
        events,
      );
      return;
    }
    const Impl = WebSocketImpl as unknown as new (url: string, protocols: string[]) => WebSocket;
    const socket = new Impl(options.url, options.protocols as string[]);
    this.socket = socket as unknown as NodeSocket;
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
    if (this.isNode) this.socket.pause();
  }

  resume(): void {
    if (this.isNode) this.socket.resume();
  }

  send(frame: Frame): void {
    this.socket.send(frame);
  }

  ping(): void {
    this.socket.ping();
  }

  /** Starts the closing handshake. */
  close(code: number, reason: string): void {
    if (this.isNode && this.socket.readyState === CONNECTING) this.socket.terminate();
    else this.socket.close(code, reason);
  }

  /** Drops the connection without a closing handshake (browsers can only ask for a close). */
  terminate(): void {
    if (this.isNode) this.socket.terminate();
    else if (this.socket.readyState <= OPEN) this.socket.close(1000, '');
  }
}
