import type { AddressInfo, Server } from 'node:net';

/** A server listening on loopback whose connections are destroyed when it closes. */
export interface LoopbackListener {
  readonly port: number;
  /** Also destroy `socket` on close (e.g. a proxy's upstream connections). */
  track(socket: { destroy(): void; once(event: 'close', listener: () => void): unknown }): void;
  /** Stops listening and destroys every open connection. Idempotent. */
  close: () => Promise<void>;
}

/**
 * Starts `server` on `host` and `port` (0: any free one) and tracks its connections: a plain
 * `server.close()` waits for keep-alive or stalled peers forever, so test servers destroy them.
 */
export async function listenOnLoopback(
  server: Server,
  host = '127.0.0.1',
  port = 0,
): Promise<LoopbackListener> {
  const open = new Set<{ destroy(): void }>();
  const track: LoopbackListener['track'] = (socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };
  // 'connection' carries the raw TCP socket for plain, TLS and HTTP/2 servers alike.
  server.on('connection', track);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    port: bound,
    track,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of open) socket.destroy();
      });
      return closed;
    },
  };
}
