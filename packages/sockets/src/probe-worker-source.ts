/**
 * The body of a probe worker thread, as plain JavaScript run with `new Worker(source, { eval: true })`.
 *
 * It is a string, not a module file, because a worker must start the same way from the built
 * `dist/` and from the TypeScript sources under any loader (tsx, vitest): a `.ts` worker file
 * would need the parent's loader, which Node 20 does not pass on to workers.
 *
 * The worker only makes connect attempts on bare `tcp_wrap` handles; the engine in the main
 * thread keeps every decision (what to probe, deadlines, retries, back-off). Protocol:
 * - in:  `{ hosts?: [index, address][], start?: Float64Array, cancel?: Float64Array }` where
 *        `start` holds (id, host index, port, family) quads and `cancel` holds ids;
 * - out: `{ ready: boolean }` once, then Float64Arrays of (id, status, self) triples, one per
 *        turn of the worker's event loop: status 0 = connected, else a negative errno; self 1 =
 *        the socket connected to itself.
 */
export const probeWorkerSource = `
'use strict';
const { parentPort } = require('node:worker_threads');
let binding;
try {
  binding = process.binding('tcp_wrap');
} catch {}
if (!binding || typeof binding.TCP !== 'function' || typeof binding.TCPConnectWrap !== 'function') {
  parentPort.postMessage({ ready: false });
} else {
  const { TCP, TCPConnectWrap, constants } = binding;
  const hosts = [];
  const live = new Map();
  let out = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = Float64Array.from(out);
    out = [];
    parentPort.postMessage(batch, [batch.buffer]);
  };
  const report = (id, status, self) => {
    out.push(id, status, self);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  function onComplete(status, handle) {
    const id = this.id;
    // A cancelled attempt completes with ECANCELED after close(): the engine already gave up on it.
    if (!live.delete(id)) return;
    let self = 0;
    if (status === 0) {
      const local = {};
      handle.getsockname(local);
      if (local.port === this.port && local.address === hosts[this.host]) self = 1;
    }
    handle.close();
    report(id, status, self);
  }
  parentPort.on('message', (m) => {
    if (m.hosts) for (const [index, address] of m.hosts) hosts[index] = address;
    const start = m.start;
    if (start) {
      for (let i = 0; i < start.length; i += 4) {
        const id = start[i];
        const host = start[i + 1];
        const port = start[i + 2];
        const handle = new TCP(constants.SOCKET);
        const req = new TCPConnectWrap();
        req.oncomplete = onComplete;
        req.id = id;
        req.host = host;
        req.port = port;
        live.set(id, handle);
        const status =
          start[i + 3] === 6
            ? handle.connect6(req, hosts[host], port)
            : handle.connect(req, hosts[host], port);
        if (status !== 0) {
          live.delete(id);
          handle.close();
          report(id, status, 0);
        }
      }
    }
    const cancel = m.cancel;
    if (cancel) {
      for (const id of cancel) {
        const handle = live.get(id);
        if (handle) {
          live.delete(id);
          handle.close();
        }
      }
    }
  });
  parentPort.postMessage({ ready: true });
}
`;
