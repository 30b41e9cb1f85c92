/**
 * The body of a probe worker thread (see parallel-handle-prober.ts). It only makes connect
 * attempts on bare `tcp_wrap` handles, through the same adapter as the main thread; the engine
 * in the main thread keeps every decision (what to probe, deadlines, retries, back-off).
 *
 * Protocol:
 * - in:  `{ hosts?: [index, address][], start?: Float64Array, cancel?: Float64Array }` where
 *        `start` holds (id, host index, port, family) quads and `cancel` holds ids;
 * - out: `{ ready: boolean }` once, then Float64Arrays of (id, status, self) triples, one per
 *        turn of the worker's event loop: status 0 = connected, else a negative errno; self 1 =
 *        the socket connected to itself.
 */
import { parentPort } from 'node:worker_threads';
import {
  isSelfConnect,
  loadTcpWrap,
  startConnect,
  type ConnectReq,
  type TcpHandle,
} from './tcp-wrap-binding.js';

/** A message from the main thread. */
export interface WorkerCommand {
  hosts?: Array<[number, string]>;
  start?: Float64Array;
  cancel?: Float64Array;
}

interface WorkerReq extends ConnectReq {
  id: number;
  host: number;
  port: number;
}

const port = parentPort;
const binding = loadTcpWrap();
if (port && !binding) port.postMessage({ ready: false });
if (port && binding) {
  const hosts: string[] = [];
  const live = new Map<number, TcpHandle>();
  let out: number[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = Float64Array.from(out);
    out = [];
    port.postMessage(batch, [batch.buffer]);
  };
  const report = (id: number, status: number, self: number) => {
    out.push(id, status, self);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const onComplete = function (this: ConnectReq, status: number, handle: TcpHandle): void {
    const req = this as WorkerReq;
    // A cancelled attempt completes with ECANCELED after close(): the engine already gave up on it.
    if (!live.delete(req.id)) return;
    const self = status === 0 && isSelfConnect(handle, hosts[req.host]!, req.port) ? 1 : 0;
    handle.close();
    report(req.id, status, self);
  };
  port.on('message', (message: WorkerCommand) => {
    if (message.hosts) for (const [index, address] of message.hosts) hosts[index] = address;
    const start = message.start;
    if (start) {
      for (let i = 0; i < start.length; i += 4) {
        const id = start[i]!;
        const req = new binding.TCPConnectWrap() as WorkerReq;
        req.oncomplete = onComplete;
        req.id = id;
        req.host = start[i + 1]!;
        req.port = start[i + 2]!;
        const family = start[i + 3] === 6 ? 6 : 4;
        const { handle, status } = startConnect(binding, req, hosts[req.host]!, req.port, family);
        if (status !== 0) report(id, status, 0);
        else live.set(id, handle);
      }
    }
    if (message.cancel) {
      for (const id of message.cancel) {
        const handle = live.get(id);
        if (handle) {
          live.delete(id);
          handle.close();
        }
      }
    }
  });
  port.postMessage({ ready: true });
}
