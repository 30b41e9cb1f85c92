import { createServer, type AddressInfo, type Socket } from 'node:net';
import { argOutOfRange, invalidArgType } from '@net/errors';
import type { Connection } from './connection.js';
import { sshError } from './ssh-errors.js';

/** Options of `forwardLocal()`. */
export interface ForwardLocalOptions {
  /** Local port to listen on (on 127.0.0.1); 0 picks a free one. @default 0 */
  localPort?: number;
  /** Local address to listen on. @default '127.0.0.1' */
  localHost?: string;
  /** Where the server connects to, as seen from the server. */
  remoteHost: string;
  remotePort: number;
  signal?: AbortSignal;
}

/** A running local port forward (`ssh -L`). */
export interface LocalForward {
  /** The local port that forwards. */
  port: number;
  /** Stops listening and closes open tunnelled connections. */
  close(): Promise<void>;
}

export function checkForwardOptions(options: ForwardLocalOptions): void {
  if (options === null || typeof options !== 'object')
    throw invalidArgType('options', 'an object', options);
  if (typeof options.remoteHost !== 'string' || options.remoteHost === '')
    throw invalidArgType('remoteHost', 'a non-empty string', options.remoteHost);
  for (const [name, value, min] of [
    ['remotePort', options.remotePort, 1],
    ['localPort', options.localPort ?? 0, 0],
  ] as const) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 65_535) {
      throw argOutOfRange(name, `an integer >= ${min} and <= 65535`, value);
    }
  }
}

/**
 * Listens locally and tunnels each accepted connection through a `direct-tcpip` channel.
 * These channels are not sessions (OpenSSH's MaxSessions does not count them), so they do
 * not take slots from exec.
 */
export async function forwardLocal(
  connection: Connection,
  options: ForwardLocalOptions,
): Promise<LocalForward> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (connection.lostError) return socket.destroy();
    connection.client.forwardOut(
      socket.remoteAddress ?? '127.0.0.1',
      socket.remotePort ?? 0,
      options.remoteHost,
      options.remotePort,
      (err, stream) => {
        if (err) return socket.destroy();
        stream.on('error', () => socket.destroy());
        socket.on('close', () => stream.destroy());
        stream.on('close', () => socket.destroy());
        socket.pipe(stream).pipe(socket);
      },
    );
  });
  const unsubscribe = connection.onLost(() => {
    server.close();
    for (const socket of sockets) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => {
      unsubscribe();
      reject(
        sshError(
          connection.target,
          'ERR_NET_SSH',
          `listening on local port ${options.localPort ?? 0} failed`,
          { cause: err },
        ),
      );
    });
    server.listen(options.localPort ?? 0, options.localHost ?? '127.0.0.1', () => resolve());
  });
  let closed: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        unsubscribe();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
