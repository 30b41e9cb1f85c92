import { invalidArgType, invalidArgValue } from '@net/errors';

/**
 * What `send()` accepts: a string (a text frame), binary data (a binary frame), or any other
 * JSON value, which is sent as a text frame of `JSON.stringify(value)`.
 */
export type SendData = string | ArrayBuffer | ArrayBufferView | number | boolean | null | object;

/** A frame ready for the socket: text or binary. */
export type Frame = string | ArrayBuffer | ArrayBufferView;

function isBinary(data: unknown): data is ArrayBuffer | ArrayBufferView {
  return data instanceof ArrayBuffer || ArrayBuffer.isView(data);
}

/** Throws TypeError for data that can be neither a frame nor JSON (undefined, functions, symbols, bigints). */
export function checkSendData(data: unknown, name = 'data'): void {
  const type = typeof data;
  if (type === 'undefined' || type === 'function' || type === 'symbol' || type === 'bigint') {
    throw invalidArgType(name, 'a string, binary data or a JSON value', data);
  }
  if (typeof Blob !== 'undefined' && data instanceof Blob) {
    // Blob contents arrive asynchronously, which would break send()'s ordering promise.
    throw invalidArgType(
      name,
      'a string, binary data or a JSON value (read a Blob with arrayBuffer() first)',
      data,
    );
  }
}

/** Turns `send()`'s argument into a frame; JSON values are stringified here, once. */
export function encodeFrame(data: unknown, name = 'data'): Frame {
  if (typeof data === 'string') return data;
  if (isBinary(data)) return data;
  checkSendData(data, name);
  try {
    return JSON.stringify(data);
  } catch (err) {
    const error = invalidArgValue(
      name,
      `It cannot be serialised as JSON: ${(err as Error).message}`,
    );
    (error as Error).cause = err;
    throw error;
  }
}

/** A private copy of binary data, so a caller reusing its buffer cannot change a queued frame. */
export function ownFrame(frame: Frame): Frame {
  if (typeof frame === 'string') return frame;
  if (frame instanceof ArrayBuffer) return frame.slice(0);
  return new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength).slice();
}

/** The largest UTF-8 size a frame can have, without scanning it: 3 bytes per UTF-16 unit. */
export function maxFrameBytes(frame: Frame): number {
  return typeof frame === 'string' ? frame.length * 3 : frame.byteLength;
}

/** The frame's payload size in bytes (UTF-8 for text), counted without allocating. */
export function frameBytes(frame: Frame): number {
  if (typeof frame !== 'string') return frame.byteLength;
  let bytes = frame.length;
  for (let i = 0; i < frame.length; i++) {
    const c = frame.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < frame.length) {
      // A surrogate pair: 2 UTF-16 units, 4 UTF-8 bytes.
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}
