import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { testCertificates } from '../certificates.js';

export type WsConnectionHandler = (socket: WebSocket, req: IncomingMessage) => void;

export interface TestWsServerOptions {
  /** Serve wss with the test CA's certificate, or a self-signed one. */
  tls?: boolean | 'self-signed';
  host?: string;
  /** What to do with each connection. @default echo every message back */
  onConnection?: WsConnectionHandler;
}

export interface StopOptions {
  /**
   * 'terminate' drops every connection without a close frame (a crash);
   * 'close' sends a close frame with `code` first (a graceful restart).
   * @default 'terminate'
   */
  how?: 'terminate' | 'close';
  /** @default 1001 */
  code?: number;
}

/** A `ws` server on loopback that can be stopped and started again on the same port. */
export interface TestWsServer extends AsyncDisposable {
  /** `ws://127.0.0.1:PORT` (or wss). */
  readonly url: string;
  readonly port: number;
  /** Open server-side sockets. */
  readonly clients: ReadonlySet<WebSocket>;
  /** Headers of every upgrade request, in order. */
  readonly upgrades: Array<IncomingMessage['headers']>;
  /** Whether it is listening. */
  readonly listening: boolean;
  /** Replaces the connection handler. */
  handle(handler: WsConnectionHandler): void;
  /** Answers upgrades with this HTTP status instead of accepting them (undefined: accept again). */
  refuseHandshakes(status: number | undefined): void;
  stop(options?: StopOptions): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Echoes text as text and binary as binary. */
export const echo: WsConnectionHandler = (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
};

/** Starts a `ws` WebSocketServer (permessage-deflate off) over node:http(s) on port 0. */
export async function startWsServer(options: TestWsServerOptions = {}): Promise<TestWsServer> {
  const host = options.host ?? '127.0.0.1';
  let handler = options.onConnection ?? echo;
  let refuseWith: number | undefined;
  const upgrades: TestWsServer['upgrades'] = [];
  const certs = options.tls ? testCertificates() : undefined;
  const server: Server = certs
    ? createHttpsServer(
        options.tls === 'self-signed' ? certs.selfSigned : { cert: certs.cert, key: certs.key },
      )
    : createHttpServer();
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: true,
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // TLS handshake failures (a client rejecting our certificate) are expected in tests.
  server.on('tlsClientError', () => {});
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    upgrades.push(req.headers);
    socket.on('error', () => {});
    if (refuseWith !== undefined) {
      socket.end(
        `HTTP/1.1 ${refuseWith} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => {});
      handler(ws, req);
    });
  });
  server.on('request', (_req, res) => {
    res.statusCode = 426;
    res.end('WebSocket only');
  });

  let port = 0;
  let listening = false;
  const start = async () => {
    if (listening) return;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    port = (server.address() as AddressInfo).port;
    listening = true;
  };
  const stop = async (stopOptions: StopOptions = {}) => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const client of wss.clients) {
      if (stopOptions.how === 'close') client.close(stopOptions.code ?? 1001, 'server stopping');
      else client.terminate();
    }
    if (stopOptions.how === 'close') {
      // Give clients a moment to answer the close frame, then drop whatever is left.
      const deadline = Date.now() + 1_000;
      while (wss.clients.size > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 5));
    }
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  await start();
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const close = async () => {
    await stop();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
  return {
    url: `${certs ? 'wss' : 'ws'}://${urlHost}:${port}`,
    port,
    get clients() {
      return wss.clients;
    },
    upgrades,
    get listening() {
      return listening;
    },
    handle(next) {
      handler = next;
    },
    refuseHandshakes(status) {
      refuseWith = status;
    },
    stop,
    start,
    close,
    [Symbol.asyncDispose]: close,
  };
}
