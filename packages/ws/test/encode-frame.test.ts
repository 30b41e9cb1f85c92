import { describe, expect, it } from 'vitest';
import { encodeFrame, frameBytes, ownFrame } from '../src/encode-frame.js';
import { WebSocketClient } from '../src/index.js';

describe('encodeFrame', () => {
  it('passes strings and binary data through and stringifies other JSON values', () => {
    const bytes = new Uint8Array([1]);
    expect(encodeFrame('a')).toBe('a');
    expect(encodeFrame(bytes)).toBe(bytes);
    expect(encodeFrame({ a: [1, true, null] })).toBe('{"a":[1,true,null]}');
    expect(encodeFrame(0)).toBe('0');
    expect(encodeFrame(false)).toBe('false');
  });

  it.each([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('x')],
    ['a bigint', 10n],
  ])('rejects %s with TypeError ERR_INVALID_ARG_TYPE', (_name, value) => {
    expect(() => encodeFrame(value)).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('rejects a circular object with TypeError ERR_INVALID_ARG_VALUE', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => encodeFrame(circular)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });

  it('makes send() throw on such data before queueing anything', () => {
    const client = new WebSocketClient({ url: 'ws://127.0.0.1:9/' });
    expect(() => client.send(undefined as never)).toThrow(TypeError);
    expect(client.queued).toBe(0);
  });

  it('counts UTF-8 bytes without encoding', () => {
    for (const text of ['', 'abc', 'é', '€', '😀', 'a😀é€z', '\ud800']) {
      expect(frameBytes(text)).toBe(new TextEncoder().encode(text).byteLength);
    }
    expect(frameBytes(new Uint8Array(7))).toBe(7);
  });

  it('copies binary data that is queued, so later changes by the caller do not leak in', () => {
    const buffer = new Uint8Array([1, 2, 3]);
    const view = new Uint8Array(buffer.buffer, 1, 2);
    const copy = ownFrame(view) as Uint8Array;
    buffer[1] = 9;
    expect([...copy]).toEqual([2, 3]);
  });
});
