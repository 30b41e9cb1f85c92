import { createServer } from 'node:net';
import { listenOnLoopback } from '../loopback-listener.js';

/**
 * How the peer misbehaves:
 * - `stall`: accepts the connection, reads the request, never answers.
 * - `close-before-headers`: reads the request and closes without a byte of response.
 * - `reset-mid-body`: sends headers and part of the body, then resets the connection (RST).
 * - `short-body`: announces a Content-Length, sends less, then closes cleanly (FIN).
 */
export type Misbehaviour = 'stall' | 'close-before-headers' | 'reset-mid-body' | 'short-body';

/** A raw-socket HTTP peer that breaks the protocol on purpose. */
export interface MisbehavingServer extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  /** Requests received (counted at the first bytes of each). */
  readonly requestCount: number;
  close(): Promise<void>;
}

const BODY = Buffer.alloc(64 * 1024, 'x');

/** Starts a misbehaving peer on 127.0.0.1, port 0. */
export async function startMisbehavingServer(mode: Misbehaviour): Promise<MisbehavingServer> {
  let requestCount = 0;
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      // One request per connection is enough for these peers; wait for the end of its head.
      if (seen.includes('\r\n\r\n')) return;
      seen += chunk.toString('latin1');
      if (!seen.includes('\r\n\r\n')) return;
      requestCount++;
      switch (mode) {
        case 'stall':
          break;
        case 'close-before-headers':
          socket.end();
          break;
        case 'reset-mid-body':
          socket.write(
            `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${BODY.length * 4}\r\n\r\n`,
          );
          socket.write(BODY, () => setTimeout(() => socket.resetAndDestroy(), 10));
          break;
        case 'short-body':
          socket.end(
            `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nonly forty-two bytes of a hundred arrive.`,
          );
          break;
      }
    });
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requestCount() {
      return requestCount;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
