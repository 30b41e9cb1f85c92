import { Socket } from 'node:net';
import { classifyErrno, type Prober } from './probe-types.js';

/** Connect probes on plain `net.Socket`s: public API only, the fallback of the handle prober. */
export function createSocketProber(): Prober {
  return {
    name: 'socket',
    start(probe) {
      const socket = new Socket();
      probe.handle = socket;
      socket.on('connect', () => {
        const self = socket.localPort === probe.port && socket.localAddress === probe.address;
        socket.destroy();
        if (!probe.done)
          probe.owner.finish(probe, self ? 'closed' : 'open', self ? 'self-connect' : 'syn-ack');
      });
      socket.on('error', (err: NodeJS.ErrnoException) => {
        socket.destroy();
        if (probe.done) return;
        const { verdict, reason } = classifyErrno(err.code);
        probe.owner.finish(probe, verdict, reason);
      });
      socket.connect({ host: probe.address, port: probe.port, family: probe.family });
    },
    cancel(probe) {
      (probe.handle as Socket | undefined)?.destroy();
    },
  };
}
