import { ProtocolError } from '@net/errors';

const decoder = new TextDecoder();

/** One received message. Text frames carry a string, binary frames bytes (a Buffer in Node). */
export class Message {
  /** The payload: a string for text frames, bytes for binary frames. */
  readonly data: string | Uint8Array;
  /** Whether the frame was binary. */
  readonly isBinary: boolean;

  constructor(data: string | Uint8Array, isBinary: boolean) {
    this.data = data;
    this.isBinary = isBinary;
  }

  /** The payload as text (binary payloads are decoded as UTF-8). */
  text(): string {
    return typeof this.data === 'string' ? this.data : decoder.decode(this.data);
  }

  /**
   * The payload parsed as JSON.
   * @throws ProtocolError when it is not valid JSON (the error carries a snippet).
   */
  json<T = unknown>(): T {
    const text = this.text();
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new ProtocolError('Invalid JSON in WebSocket message', {
        cause: err,
        snippet: text.slice(0, 200),
      });
    }
  }
}
