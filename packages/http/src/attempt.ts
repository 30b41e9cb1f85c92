/**
 * One attempt, driven through `got.stream()` rather than got's promise API: the promise path
 * re-wraps the response, runs got's own retry machinery and buffers through extra layers; the
 * stream path with a hand-written buffer is measurably faster (see the README's benchmark)
 * while got still does the HTTP work — agents, redirects, timeouts, decompression, HTTP/2.
 */
import type { Got, OptionsInit, PlainResponse, Request as GotRequest } from 'got';
import { ResponseTooLarge } from './size-limit.js';

/** @internal */
export interface Buffered {
  response: PlainResponse;
  body: Buffer;
}

const EMPTY = Buffer.alloc(0);

/**
 * @internal
 * Whether the announced length alone already breaks `limit` (only for an unencoded body: an
 * encoded one is limited by what it decodes to).
 */
export function announcedTooLarge(response: PlainResponse, limit: number): boolean {
  if (!Number.isFinite(limit)) return false;
  const encoding = response.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity') return false;
  const length = Number(response.headers['content-length']);
  return Number.isFinite(length) && length > limit;
}

/**
 * @internal
 * Counts decoded bytes flowing out of `stream` and destroys it with ResponseTooLarge past
 * `limit`, so at most `limit` plus one chunk is ever held. No listener when unlimited.
 */
export function limitBody(stream: GotRequest, limit: number): void {
  if (!Number.isFinite(limit)) return;
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) stream.destroy(new ResponseTooLarge(limit));
  });
}

/**
 * @internal
 * Resolves with the response and its whole body, at most `limit` decoded bytes (else rejects
 * with ResponseTooLarge at once); rejects with got's error, and when `verifyLength` is set
 * (got's own check is off) with a length mismatch. Every listener is added here,
 * before the stream can emit.
 */
export function readAll(
  stream: GotRequest,
  limit: number,
  verifyLength = false,
): Promise<Buffered> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.once('response', (response: PlainResponse) => {
      if (announcedTooLarge(response, limit)) {
        stream.destroy(new ResponseTooLarge(limit));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          chunks.length = 0;
          stream.destroy(new ResponseTooLarge(limit));
          return;
        }
        chunks.push(chunk);
      });
      stream.once('end', () => {
        const body =
          chunks.length === 1 ? chunks[0]! : chunks.length === 0 ? EMPTY : Buffer.concat(chunks);
        if (verifyLength && isShort(response, size)) {
          reject(
            Object.assign(new Error('Response body shorter than its Content-Length'), {
              code: 'ERR_HTTP_CONTENT_LENGTH_MISMATCH',
            }),
          );
          return;
        }
        resolve({ response, body });
      });
    });
  });
}

/** Whether an unencoded body ended before the length its head announced. */
function isShort(response: PlainResponse, size: number): boolean {
  const encoding = response.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity') return false;
  const status = response.statusCode;
  if (status === 204 || status === 304 || response.request.options.method === 'HEAD') return false;
  const length = Number(response.headers['content-length']);
  return Number.isFinite(length) && size < length;
}

/**
 * @internal
 * Resolves once the response head has arrived; the body is left in `stream`, paused. The error
 * listener stays attached (a late call is a no-op) so an error emitted before the caller
 * attaches its own cannot become an uncaught 'error' event.
 */
export function readHead(stream: GotRequest): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.once('response', resolve);
  });
}

/**
 * @internal
 * Reads the start of what is left of a body, up to `limit` bytes (for an error's snippet), and
 * stops there: a huge error page is not read to its end.
 */
export function drain(stream: GotRequest, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      stream.removeListener('data', onData);
      resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) done();
    };
    stream.on('data', onData);
    stream.once('end', done);
    stream.once('error', reject);
  });
}

/** @internal Starts a request on `instance`. A body-capable method sent without a body is ended here. */
export function send(
  instance: Got,
  url: string,
  options: OptionsInit | undefined,
  endEmpty: boolean,
): GotRequest {
  const stream =
    options === undefined
      ? instance.stream(url)
      : instance.stream(url, options as OptionsInit & { isStream?: true });
  if (endEmpty) stream.end();
  return stream;
}
