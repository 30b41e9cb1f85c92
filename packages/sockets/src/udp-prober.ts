import { createSocket, type Socket } from 'node:dgram';
import { classifyErrno, type ActiveProbe, type Prober } from './probe-types.js';

/**
 * UDP probes through connected sockets: the kernel then reports an ICMP port-unreachable for
 * this socket as ECONNREFUSED (closed); any reply means open; silence stays undecided.
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
      socket.connect(probe.port, probe.address, () => {
        socket.send(payload, (err) => {
          if (err) fail(err);
        });
      });
    },
    cancel: stop,
  };
}
