import { createSocket, type Socket } from 'node:dgram';
import { classifyErrno, type ActiveProbe, type Prober } from './probe-types.js';

/**
 * UDP probes through connected sockets: the kernel then reports an ICMP port-unreachable for
 * this socket as ECONNREFUSED (closed); any reply means open; silence stays undecided.
 *
 * Every failure path ends in `finish` and never throws: dgram hands a failed `connect()` to the
 * connect callback as its argument (not as an 'error' event), and a `send()` on a socket whose
 * connect failed throws synchronously — once an uncaught exception that ended the process.
 */
export function createUdpProber(payload: Buffer): Prober {
  const stop = (probe: ActiveProbe) => {
    try {
      (probe.handle as Socket | undefined)?.close();
    } catch {
      // Already closed.
    }
  };
  return {
    name: 'udp',
    start(probe) {
      const socket = createSocket(probe.family === 6 ? 'udp6' : 'udp4');
      probe.handle = socket;
      const fail = (err: NodeJS.ErrnoException) => {
        stop(probe);
        if (probe.done) return;
        const { verdict, reason } = classifyErrno(err.code);
        probe.owner.finish(probe, verdict, verdict === 'closed' ? 'port-unreach' : reason);
      };
      socket.on('error', fail);
      socket.on('message', () => {
        stop(probe);
        if (!probe.done) probe.owner.finish(probe, 'open', 'udp-response');
      });
      try {
        socket.connect(probe.port, probe.address, (err?: Error) => {
          if (err) return fail(err);
          if (probe.done) return;
          try {
            socket.send(payload, (sendErr) => {
              if (sendErr) fail(sendErr);
            });
          } catch (sendErr) {
            fail(sendErr as NodeJS.ErrnoException);
          }
        });
      } catch (err) {
        fail(err as NodeJS.ErrnoException);
      }
    },
    cancel: stop,
  };
}
