import { createServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { testCertificates } from '../certificates.js';
import { listenOnLoopback } from '../loopback-listener.js';

/** A raw loopback TCP peer; dispose it with `await using`. */
export interface TcpPeer extends AsyncDisposable {
  readonly host: string;
  readonly port: number;
  /** Sockets accepted so far, open or not. */
  readonly sockets: Socket[];
  close(): Promise<void>;
}

export type TcpPeerBehaviour =
  /** Echo every byte back. */
  | 'echo'
  /** Accept and never read: the kernel buffers fill and the client's writes stall. */
  | 'stall'
  /** Accept, then reset (RST) at once. */
  | 'reset'
  /** Accept, then close cleanly (FIN) at once. */
  | 'close';

export interface TcpPeerOptions {
  host?: string;
  port?: number;
  /** TLS with the CA-signed test certificate, or the self-signed one. */
  tls?: boolean | 'self-signed';
  /** Bytes sent to each client right after accept (before the behaviour applies). */
  greeting?: string | Buffer;
  /** Custom behaviour instead of a named one. */
  onSocket?: (socket: Socket) => void;
}

/**
 * Starts a misbehaving (or plain echoing) TCP peer on loopback, port 0 unless given. Closing
 * destroys every accepted socket, so nothing outlives the test.
 */
export async function startTcpPeer(
  behaviour: TcpPeerBehaviour = 'echo',
  options: TcpPeerOptions = {},
): Promise<TcpPeer> {
  const sockets: Socket[] = [];
  const onSocket = (socket: Socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    if (options.greeting !== undefined) socket.write(options.greeting);
    if (options.onSocket) return options.onSocket(socket);
    switch (behaviour) {
      case 'echo':
        socket.pipe(socket);
        break;
      case 'stall':
        socket.pause();
        break;
      case 'reset':
        socket.resetAndDestroy();
        break;
      case 'close':
        socket.end();
        break;
    }
  };
  const certs = options.tls ? testCertificates() : undefined;
  const server = certs
    ? createTlsServer(
        options.tls === 'self-signed' ? certs.selfSigned : { cert: certs.cert, key: certs.key },
        onSocket,
      )
    : createServer(onSocket);
  if (certs) server.on('tlsClientError', () => {});
  const host = options.host ?? '127.0.0.1';
  const { port, close } = await listenOnLoopback(server, host, options.port ?? 0);
  return { host, port, sockets, close, [Symbol.asyncDispose]: close };
}
