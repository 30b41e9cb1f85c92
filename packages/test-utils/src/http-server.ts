import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { testCertificates } from './certificates.js';
import { listenOnLoopback } from './loopback-listener.js';

// `unknown`, so a concise arrow such as `(req, res) => res.end()` is accepted.
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** A running loopback HTTP(S) server; dispose it with `await using`. */
export interface TestHttpServer extends AsyncDisposable {
  /** `http://127.0.0.1:PORT` (or https). */
  readonly url: string;
  readonly port: number;
  /** Every request seen, in order (method, url, headers). */
  readonly requests: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }>;
  /** Replaces the handler. */
  handle(handler: RequestHandler): void;
  close(): Promise<void>;
}

export interface TestHttpServerOptions {
  /** Serve TLS with a certificate signed by the test CA (see `testCertificates()`). */
  tls?: boolean | 'self-signed';
  host?: string;
}

const defaultHandler: RequestHandler = (_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ ok: true }));
};

/**
 * Starts an HTTP or HTTPS server on 127.0.0.1, port 0. Closing destroys open keep-alive
 * sockets, so no handle outlives the test.
 */
export async function startHttpServer(
  handler: RequestHandler = defaultHandler,
  options: TestHttpServerOptions = {},
): Promise<TestHttpServer> {
  let current = handler;
  const requests: TestHttpServer['requests'] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    Promise.resolve(current(req, res)).catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  };
  const certs = options.tls ? testCertificates() : undefined;
  const server = certs
    ? createHttpsServer(
        options.tls === 'self-signed' ? certs.selfSigned : { cert: certs.cert, key: certs.key },
        listener,
      )
    : createHttpServer(listener);
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  const { port, close } = await listenOnLoopback(server, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${certs ? 'https' : 'http'}://${urlHost}:${port}`,
    port,
    requests,
    handle(next) {
      current = next;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Reads a request body into a Buffer. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
