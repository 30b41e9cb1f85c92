import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/** A loopback port where TCP connects hang (SYNs dropped), for connect-timeout tests. */
export interface UnacceptingListener extends AsyncDisposable {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

// A listener with a one-slot accept queue in a child process that is then stopped: the kernel
// completes handshakes only until the queue is full, after which it drops new SYNs, so a
// further connect() neither succeeds nor fails — exactly a black-holed host, but on loopback.
const CHILD = `
const server = require('node:net').createServer();
server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => process.send(server.address().port));
`;

/** Starts the listener; POSIX only (uses SIGSTOP). */
export async function startUnacceptingListener(): Promise<UnacceptingListener> {
  const child: ChildProcess = spawn(process.execPath, ['-e', CHILD], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const [port] = (await once(child, 'message', { signal: AbortSignal.timeout(10_000) })) as [
    number,
  ];
  child.kill('SIGSTOP');
  // Fill the accept queue; these connects complete in the kernel while the child is stopped.
  const fillers: Socket[] = [];
  for (let i = 0; i < 4; i++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    fillers.push(socket);
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      for (const socket of fillers) socket.destroy();
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    })();
    return closed;
  };
  return { port, url: `http://127.0.0.1:${port}`, close, [Symbol.asyncDispose]: close };
}
