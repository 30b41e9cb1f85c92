import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { testCertificates } from '../certificates.js';
import { listenOnLoopback } from '../loopback-listener.js';

/** A running HTTP/2 server (TLS, certificate from the test CA); dispose with `await using`. */
export interface TestHttp2Server extends AsyncDisposable {
  /** `https://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** Every request seen: method, path and the HTTP version it arrived on. */
  readonly requests: Array<{ method: string; url: string; httpVersion: string }>;
  close(): Promise<void>;
}

export type Http2Handler = (req: Http2ServerRequest, res: Http2ServerResponse) => void;

const defaultHandler: Http2Handler = (req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ httpVersion: req.httpVersion }));
};

/**
 * Starts a node:http2 secure server on 127.0.0.1 that also speaks HTTP/1.1 (`allowHTTP1`), so
 * a test can tell from `requests[].httpVersion` which protocol a client negotiated.
 */
export async function startHttp2Server(
  handler: Http2Handler = defaultHandler,
): Promise<TestHttp2Server> {
  const certs = testCertificates();
  const requests: TestHttp2Server['requests'] = [];
  const server = createSecureServer(
    { cert: certs.cert, key: certs.key, allowHTTP1: true },
    (req, res) => {
      requests.push({ method: req.method, url: req.url, httpVersion: req.httpVersion });
      handler(req, res);
    },
  );
  const { port, close } = await listenOnLoopback(server);
  return { url: `https://127.0.0.1:${port}`, port, requests, close, [Symbol.asyncDispose]: close };
}
