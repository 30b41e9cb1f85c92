import type { Worker } from 'node:worker_threads';
import type { ActiveProbe, Prober } from './probe-types.js';
import type { WorkerCommand } from './probe-worker.js';
import { startProbeWorker } from './probe-worker-launch.js';
import { classifyStatus, createHandleProber } from './tcp-handle-prober.js';
import type { TcpWrapBinding } from './tcp-wrap-binding.js';

/**
 * The handle engine spread over the main thread and worker threads. A connect attempt on
 * loopback is mostly kernel work done inside the connect() call itself (the SYN goes out and the
 * RST comes back before it returns), so one thread is bound by one core: ~1.2 s of CPU for a
 * full 65 535-port scan. Workers make a share of the attempts on their own event loops and
 * cores; the engine in the main thread still decides everything (order, deadlines, retries,
 * back-off, rate), so it behaves exactly as with one thread.
 *
 * Attempts go round-robin over the main thread and the workers that are ready; results come
 * back in one message per turn of a worker's event loop, and starts go out in one message per
 * turn of the main loop, so messaging costs little next to the attempts.
 *
 * Simultaneous open: with attempts truly concurrent, two sockets of this process can pick each
 * other's target port as their source and connect to one another — neither is a listener. A
 * connection found by the parallel prober is therefore connected once more from the main thread
 * before it is reported open (open ports are few, so this costs next to nothing); a second such
 * coincidence at the same moment is far beyond any practical odds.
 */

/** How long a scan waits for its worker threads to start before it begins without them. */
const WORKER_START_WAIT_MS = 1_000;

interface Lane {
  worker: Worker;
  ready: boolean;
  /** (id, host index, port, family) quads waiting for the next flush. */
  starts: number[];
  cancels: number[];
  newHosts: Array<[number, string]>;
  knownHosts: Set<number>;
  /** Attempts it was given. */
  attempts: number;
}

/** Marks a probe's `handle` while a worker holds it; the lane's index is kept alongside. */
interface RemoteHandle {
  lane: number;
  id: number;
}

export function createParallelProber(binding: TcpWrapBinding, workers: number): Prober {
  // A connection the main thread makes again before reporting it open (see above).
  const verifier = createHandleProber(binding);
  const local = createHandleProber(binding, (probe) => verifier.start(probe));
  const lanes: Lane[] = [];
  const remote = new Map<number, ActiveProbe>();
  const hostIndex = new Map<string, number>();
  let nextId = 1;
  let turn = 0;
  let flushScheduled = false;
  let disposed = false;
  // One promise per worker, settled by its first `{ ready }` message, an error or its exit.
  const started: Array<Promise<void>> = [];

  const flush = () => {
    flushScheduled = false;
    if (disposed) return;
    for (const lane of lanes) {
      if (lane.starts.length === 0 && lane.cancels.length === 0) continue;
      const message: WorkerCommand = {};
      if (lane.newHosts.length > 0) message.hosts = lane.newHosts;
      if (lane.starts.length > 0) message.start = Float64Array.from(lane.starts);
      if (lane.cancels.length > 0) message.cancel = Float64Array.from(lane.cancels);
      lane.newHosts = [];
      lane.starts = [];
      lane.cancels = [];
      lane.worker.postMessage(message);
    }
  };
  const scheduleFlush = () => {
    if (flushScheduled) return;
    flushScheduled = true;
    // Once per turn of the event loop: every start of this turn goes out in one message.
    setImmediate(flush);
  };

  const onResults = (batch: Float64Array) => {
    for (let i = 0; i < batch.length; i += 3) {
      const id = batch[i]!;
      const probe = remote.get(id);
      if (!probe) continue;
      remote.delete(id);
      if (probe.done) continue;
      const status = batch[i + 1]!;
      if (status === 0) {
        if (batch[i + 2] === 1) probe.owner.finish(probe, 'closed', 'self-connect');
        else verifier.start(probe);
        continue;
      }
      const { verdict, reason } = classifyStatus(status);
      probe.owner.finish(probe, verdict, reason);
    }
  };

  for (let n = 0; n < workers; n++) {
    let worker: Worker | undefined;
    try {
      worker = startProbeWorker();
    } catch {
      // Workers may be disallowed (permission model, embedders): the main thread does it all.
    }
    if (!worker) break;
    // Not unref()'d: the worker is part of the running scan, and dispose() always ends it.
    const lane: Lane = {
      worker,
      ready: false,
      starts: [],
      cancels: [],
      newHosts: [],
      knownHosts: new Set(),
      attempts: 0,
    };
    const index = lanes.push(lane) - 1;
    let settleStart!: () => void;
    started.push(new Promise<void>((resolve) => (settleStart = resolve)));
    worker.on('message', (message: Float64Array | { ready: boolean }) => {
      if (message instanceof Float64Array) onResults(message);
      else {
        lane.ready = message.ready;
        // `ready: false` means the worker has no tcp_wrap: it is settled too, as unusable.
        settleStart();
      }
    });
    const fail = () => {
      settleStart();
      lane.ready = false;
      lane.starts = [];
      if (disposed) return;
      // Whatever the worker held is lost: the main thread makes those attempts again.
      for (const [id, probe] of remote) {
        if ((probe.handle as RemoteHandle).lane !== index) continue;
        remote.delete(id);
        if (!probe.done) local.start(probe);
      }
    };
    worker.on('error', fail);
    worker.on('exit', fail);
  }

  return {
    name: 'handle',
    start(probe) {
      // Round-robin over the main thread (slot 0) and the workers. Even shares measured fastest
      // on 2 cores: with a larger share for the worker its attempts wait on messages both ways, with
      // a larger share for the main thread that thread (which also runs the engine) is the bottleneck.
      const slot = turn++ % (lanes.length + 1);
      const lane = slot === 0 ? undefined : lanes[slot - 1];
      if (!lane?.ready || disposed) {
        local.start(probe);
        return;
      }
      let host = hostIndex.get(probe.address);
      if (host === undefined) {
        host = hostIndex.size;
        hostIndex.set(probe.address, host);
      }
      if (!lane.knownHosts.has(host)) {
        lane.knownHosts.add(host);
        lane.newHosts.push([host, probe.address]);
      }
      const id = nextId++;
      remote.set(id, probe);
      probe.remote = true;
      probe.handle = { lane: slot - 1, id } satisfies RemoteHandle;
      lane.attempts++;
      lane.starts.push(id, host, probe.port, probe.family);
      scheduleFlush();
    },
    cancel(probe) {
      const handle = probe.handle as RemoteHandle | object | undefined;
      if (handle && 'lane' in handle && 'id' in handle) {
        if (!remote.delete(handle.id)) return;
        lanes[handle.lane]!.cancels.push(handle.id);
        scheduleFlush();
        return;
      }
      // A local attempt, or a remote one being verified by the main thread.
      local.cancel(probe);
    },
    ready() {
      // Started before the first attempt, a worker gets its descriptors and its event loop
      // before the scan can exhaust them (a low `ulimit -n`); a slow start is not waited on
      // beyond a moment, since the main thread hands attempts to a worker once it is ready.
      let timer: NodeJS.Timeout | undefined;
      const cap = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, WORKER_START_WAIT_MS);
      });
      return Promise.race([Promise.all(started).then(() => undefined), cap]).finally(() =>
        clearTimeout(timer),
      );
    },
    workersUsed() {
      return lanes.filter((lane) => lane.attempts > 0).length;
    },
    async dispose() {
      disposed = true;
      remote.clear();
      await Promise.all(lanes.map((lane) => lane.worker.terminate()));
    },
  };
}
