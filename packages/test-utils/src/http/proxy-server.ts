import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { connect, type Socket } from 'node:net';
import { listenOnLoopback } from '../loopback-listener.js';

/** A running HTTP proxy on loopback; dispose it with `await using`. */
export interface TestProxyServer extends AsyncDisposable {
  /** `http://127.0.0.1:PORT` (no credentials). */
  readonly url: string;
  readonly port: number;
  /** Every request the proxy saw: CONNECT targets (`host:port`) and forwarded absolute URLs. */
  readonly requests: Array<{ method: string; target: string; authorized: boolean }>;
  /** A URL with the credentials in it, when the proxy requires them. */
  urlWithCredentials(username: string, password: string): string;
  close(): Promise<void>;
}

export interface TestProxyOptions {
  /** Require `Proxy-Authorization: Basic …` with these; others get 407. */
  auth?: { username: string; password: string };
}

/** The proxy only ever forwards to loopback, whatever a test asks of it. */
function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

function splitHostPort(target: string): { host: string; port: number } | undefined {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
  return match ? { host: match[1]!, port: Number(match[2]) } : undefined;
}

/**
 * A small HTTP proxy: CONNECT tunnels (what hpagent and most clients use, for http and https
 * targets alike) and plain forwarding of absolute-URI requests, with optional Basic auth.
 * Written on node:http so tests depend on nothing that could hide a protocol detail.
 */
export async function startProxyServer(options: TestProxyOptions = {}): Promise<TestProxyServer> {
  const expected = options.auth
    ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`
    : undefined;
  const requests: TestProxyServer['requests'] = [];
  const authorized = (req: IncomingMessage) =>
    !expected || req.headers['proxy-authorization'] === expected;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const ok = authorized(req);
    requests.push({ method: req.method ?? '', target: req.url ?? '', authorized: ok });
    if (!ok) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URI required');
      return;
    }
    if (target.protocol !== 'http:' || !isLoopback(target.hostname)) {
      res.writeHead(403).end('loopback http targets only');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      target,
      { method: req.method, headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const ok = authorized(req);
    requests.push({ method: 'CONNECT', target: req.url ?? '', authorized: ok });
    client.on('error', () => client.destroy());
    if (!ok) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const target = splitHostPort(req.url ?? '');
    if (!target || !isLoopback(target.host)) {
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = connect(target.port, target.host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    listener.track(upstream);
    upstream.on('error', () => {
      if (!client.destroyed) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
      client.destroy();
    });
    client.on('close', () => upstream.destroy());
  });

  const listener = await listenOnLoopback(server);
  const { port, close } = listener;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    urlWithCredentials: (username, password) =>
      `http://${encodeURIComponent(username)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    close,
    [Symbol.asyncDispose]: close,
  };
}
