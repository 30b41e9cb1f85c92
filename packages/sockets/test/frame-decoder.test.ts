import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteQueue } from '../src/byte-queue.js';
import {
  FrameDecoder,
  encodeFrame,
  resolveFrameOptions,
  type FrameOptions,
} from '../src/frame-decoder.js';

/** Feeds `chunks` one by one, taking every complete frame after each, then finishes. */
function decodeChunks(chunks: Buffer[], options: FrameOptions): Buffer[] {
  const queue = new ByteQueue();
  const decoder = new FrameDecoder(resolveFrameOptions(options));
  const frames: Buffer[] = [];
  for (const chunk of chunks) {
    queue.push(chunk);
    for (let frame = decoder.next(queue); frame; frame = decoder.next(queue)) frames.push(frame);
  }
  const last = decoder.finish(queue);
  if (last) frames.push(last);
  return frames;
}

/** Cuts `bytes` at the given offsets (any order, duplicates allowed). */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  return chunks;
}

const frameArb = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));

describe('FrameDecoder', () => {
  it('decodes any sequence of length-prefixed frames, however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<1 | 2 | 4>(1, 2, 4),
        fc.array(frameArb, { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (lengthBytes, frames, offsets) => {
          const options = { framing: 'length-prefixed', lengthBytes, maxFrameSize: 300 } as const;
          const resolved = resolveFrameOptions(options);
          const fitting = frames.map((f) => (lengthBytes === 1 ? f.subarray(0, 255) : f));
          const stream = Buffer.concat(fitting.map((f) => encodeFrame(f, resolved)));
          expect(decodeChunks(cut(stream, offsets), options)).toEqual(fitting);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decodes any sequence of delimited lines, however the stream is cut, for multi-byte delimiters too', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('\n', '\r\n', '||'),
        fc.array(fc.string({ maxLength: 50 }), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (delimiter, texts, offsets) => {
          // A frame may not contain its delimiter; drop delimiter characters from the payloads.
          const lines = texts.map((t) => Buffer.from(t.replace(/[\r\n|]/g, '')));
          const options = { framing: 'line', delimiter, maxFrameSize: 1_000 } as const;
          const resolved = resolveFrameOptions(options);
          const stream = Buffer.concat(lines.map((l) => encodeFrame(l, resolved)));
          expect(decodeChunks(cut(stream, offsets), options)).toEqual(lines);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects a length prefix above maxFrameSize as soon as the prefix arrives', () => {
    const queue = new ByteQueue();
    const decoder = new FrameDecoder(
      resolveFrameOptions({ framing: 'length-prefixed', lengthBytes: 4, maxFrameSize: 10 }),
    );
    queue.push(Buffer.from([0, 0, 0, 11]));
    expect(() => decoder.next(queue)).toThrow(
      expect.objectContaining({ name: 'ProtocolError', code: 'ERR_NET_PROTOCOL' }),
    );
  });

  it('rejects a line longer than maxFrameSize before its delimiter arrives', () => {
    const queue = new ByteQueue();
    const decoder = new FrameDecoder(resolveFrameOptions({ maxFrameSize: 4 }));
    queue.push(Buffer.from('abcd'));
    expect(decoder.next(queue)).toBeUndefined();
    queue.push(Buffer.from('e'));
    expect(() => decoder.next(queue)).toThrow(
      expect.objectContaining({ code: 'ERR_NET_PROTOCOL' }),
    );
  });

  it('accepts a line of exactly maxFrameSize bytes', () => {
    const queue = new ByteQueue();
    const decoder = new FrameDecoder(resolveFrameOptions({ maxFrameSize: 4, delimiter: '\r\n' }));
    queue.push(Buffer.from('abcd\r'));
    expect(decoder.next(queue)).toBeUndefined();
    queue.push(Buffer.from('\n'));
    expect(decoder.next(queue)?.toString()).toBe('abcd');
  });

  it('reports a length-prefixed frame cut short by end of stream as ProtocolError', () => {
    const queue = new ByteQueue();
    const decoder = new FrameDecoder(
      resolveFrameOptions({ framing: 'length-prefixed', lengthBytes: 2 }),
    );
    queue.push(Buffer.from([0, 5, 1, 2]));
    expect(decoder.next(queue)).toBeUndefined();
    expect(() => decoder.finish(queue)).toThrow(
      expect.objectContaining({ code: 'ERR_NET_PROTOCOL' }),
    );
  });

  it.each([
    [{ framing: 'xml' }, TypeError],
    [{ lengthBytes: 3 }, RangeError],
    [{ maxFrameSize: 0 }, RangeError],
    [{ delimiter: '' }, TypeError],
  ])('rejects bad options %j with %s', (options, type) => {
    expect(() => resolveFrameOptions(options as FrameOptions)).toThrow(type);
  });

  it('refuses to encode what cannot be framed', () => {
    expect(() => encodeFrame('a\nb', resolveFrameOptions())).toThrow(TypeError);
    expect(() =>
      encodeFrame(
        Buffer.alloc(256),
        resolveFrameOptions({ framing: 'length-prefixed', lengthBytes: 1 }),
      ),
    ).toThrow(RangeError);
    expect(() => encodeFrame(Buffer.alloc(11), resolveFrameOptions({ maxFrameSize: 10 }))).toThrow(
      RangeError,
    );
    expect(
      encodeFrame('hi', resolveFrameOptions({ framing: 'length-prefixed', lengthBytes: 2 })),
    ).toEqual(Buffer.from([0, 2, 104, 105]));
  });
});
