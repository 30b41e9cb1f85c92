import type { NetworkError } from '@net/errors';
import type { SendData } from './encode-frame.js';
import type { Message } from './message.js';

/** Payload of `open`: a connection opened (the first, or one that replaced a dropped one). */
export interface WebSocketOpenEvent {
  /** The subprotocol the server chose ('' for none). */
  protocol: string;
  /** Whether this connection replaced one that dropped. */
  reconnected: boolean;
}

/** Payload of `close`: a connection closed, or (with `willReconnect: false`) the client closed for good. */
export interface WebSocketCloseEvent {
  /** The close code (1006 when the connection ended without a close frame). */
  code: number;
  /** The close reason ('' when none was given). */
  reason: string;
  /** Whether a close frame was received. */
  wasClean: boolean;
  /** `true` while the client goes on to reconnect; `false` on the final close, which happens once. */
  willReconnect: boolean;
  /** On the final close: what `send()` had accepted that never reached the server (or, with acks, was never acknowledged), in order. */
  discarded: SendData[];
}

/** Payload of `reconnecting`: the client will try to connect again after `delay` ms. */
export interface ReconnectingEvent {
  /** 1 for the first attempt after a drop. */
  attempt: number;
  /** The delay before this attempt, in ms (full jitter). */
  delay: number;
  /** Why: the error of the drop or of the previous attempt, if there was one. */
  error: NetworkError | undefined;
}

/** Event names of `client.on()` and their payloads. */
export interface WebSocketClientEvents {
  /** A connection opened (the first, or one that replaced a dropped one). */
  open: WebSocketOpenEvent;
  /** A message arrived. */
  message: Message;
  /** A connection closed; with `willReconnect: false` the client closed for good (once). */
  close: WebSocketCloseEvent;
  /** A reconnect attempt is scheduled. */
  reconnecting: ReconnectingEvent;
  /** Background failures: a dropped connection, a failed reconnect, a heartbeat timeout, a protocol error. */
  error: NetworkError;
}
