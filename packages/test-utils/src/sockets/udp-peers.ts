import { createSocket, type Socket } from 'node:dgram';

/** A loopback UDP peer; dispose it with `await using`. */
export interface UdpPeer extends AsyncDisposable {
  readonly host: string;
  readonly port: number;
  /** Datagrams received, in order. */
  readonly received: Buffer[];
  close(): Promise<void>;
}

export interface UdpPeerOptions {
  /** '127.0.0.1' or '::1'. @default '127.0.0.1' */
  host?: string;
  /** @default 0 */
  port?: number;
  /** Ignore the first N datagrams (to exercise retries). @default 0 */
  dropFirst?: number;
  /** Never answer. @default false */
  silent?: boolean;
}

/** Starts a UDP echo server: each datagram goes back to its sender unchanged. */
export async function startUdpEcho(options: UdpPeerOptions = {}): Promise<UdpPeer> {
  const host = options.host ?? '127.0.0.1';
  const socket: Socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const received: Buffer[] = [];
  let toDrop = options.dropFirst ?? 0;
  socket.on('message', (data, rinfo) => {
    received.push(data);
    if (options.silent) return;
    if (toDrop > 0) {
      toDrop--;
      return;
    }
    socket.send(data, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 0, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const port = socket.address().port;
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= new Promise<void>((resolve) => socket.close(() => resolve())));
  return { host, port, received, close, [Symbol.asyncDispose]: close };
}
