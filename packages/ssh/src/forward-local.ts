import { createServer, type AddressInfo, type Socket } from 'node:net';
import {
  checkHost,
  checkNoNul,
  checkOptionKeys,
  checkPort,
  checkSignal,
  invalidArgType,
  throwIfAborted,
} from '@net/errors/internal';
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
  /** The port the server connects to. */
  remotePort: number;
  /** Aborts setting the forward up. @default none */
  signal?: AbortSignal;
}

/** A running local port forward (`ssh -L`). */
export interface LocalForward {
  /** The local port that forwards. */
  port: number;
  /** Stops listening and closes open tunnelled connections. */
  close(): Promise<void>;
}

const FORWARD_KEYS = ['localPort', 'localHost', 'remoteHost', 'remotePort', 'signal'] as const;

/** @internal */
export function checkForwardOptions(input: ForwardLocalOptions): ForwardLocalOptions {
  if (input === undefined) throw invalidArgType('options', 'of type object', input);
  const options = checkOptionKeys<ForwardLocalOptions>('options', input, FORWARD_KEYS);
  if (typeof options.remoteHost !== 'string' || options.remoteHost === '')
    throw invalidArgType('remoteHost', 'a non-empty string', options.remoteHost);
  checkNoNul('remoteHost', options.remoteHost);
  checkPort('remotePort', options.remotePort);
  checkPort('localPort', options.localPort ?? 0, { allowZero: true });
  if (options.localHost !== undefined) checkHost('localHost', options.localHost);
  checkSignal('signal', options.signal);
  return options as ForwardLocalOptions;
}

/**
 * @internal
 * Listens locally and tunnels each accepted connection through a `direct-tcpip` channel.
 * These channels are not sessions (OpenSSH's MaxSessions does not count them), so they do
 * not take slots from exec.
 */
export async function forwardLocal(
  connection: Connection,
  options: ForwardLocalOptions,
): Promise<LocalForward> {
  throwIfAborted(options.signal, 'forwardLocal');
  const sockets = new Set<Socket>();
  // allowHalfOpen: a client that sends its request and then shuts down its sending side
  // (`nc -N`, HTTP/1.0 clients) still gets the reply; each direction ends on its own.
  const server = createServer({ allowHalfOpen: true }, (socket) => {
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
        // pipe() forwards each side's end as the other's end (an SSH channel EOF one way, a
        // TCP FIN the other), so half-closes travel both ways; the socket closes when both did.
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
