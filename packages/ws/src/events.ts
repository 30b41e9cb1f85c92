import type { NetworkError } from '@net/errors';
import type { SendData } from './encode-frame.js';
import type { Message } from './message.js';

export interface WebSocketOpenEvent {
  /** The subprotocol the server chose ('' for none). */
  protocol: string;
  /** Whether this connection replaced one that dropped. */
  reconnected: boolean;
}

export interface WebSocketCloseEvent {
  code: number;
  reason: string;
  /** Whether a close frame was received. */
  wasClean: boolean;
  /** `true` while the client goes on to reconnect; `false` on the final close, which happens once. */
  willReconnect: boolean;
  /** On the final close: what `send()` had accepted that never reached the server (or, with acks, was never acknowledged), in order. */
  discarded: SendData[];
}

export interface ReconnectingEvent {
  /** 1 for the first attempt after a drop. */
  attempt: number;
  /** The delay before this attempt, in ms (full jitter). */
  delay: number;
  /** Why: the error of the drop or of the previous attempt, if there was one. */
  error: NetworkError | undefined;
}

export interface WebSocketClientEvents {
  open: WebSocketOpenEvent;
  message: Message;
  close: WebSocketCloseEvent;
  reconnecting: ReconnectingEvent;
  /** Background failures: a dropped connection, a failed reconnect, a heartbeat timeout, a protocol error. */
  error: NetworkError;
}
