import { createHook } from 'node:async_hooks';

/**
 * Leak checks for tests. `snapshotHandles()` starts watching which sockets, servers and timers
 * get created; `expectNoLeakedHandles(snapshot)` waits briefly for them to close and fails with
 * a list of whatever is still open.
 *
 * Identity, not counts: shared timers (undici's, vitest's own) come and go during a test, so
 * comparing counts of `process.getActiveResourcesInfo()` both misses leaks and reports false ones.
 */

/**
 * Resource types worth tracking: network handles and referenced timers. TLSWRAP is left out on
 * purpose: Node reports its end only when it is garbage-collected, long after the socket
 * closed, and every TLS socket sits on a TCPWRAP that is tracked and does end on close.
 */
const TRACKED = new Set([
  'TCPWRAP',
  'TCPSERVERWRAP',
  'UDPWRAP',
  'PIPEWRAP',
  'Timeout',
  'Immediate',
]);

interface Tracked {
  type: string;
  resource: { hasRef?: () => boolean; _destroyed?: boolean };
}

export class HandleSnapshot {
  readonly #live = new Map<number, Tracked>();
  readonly #hook = createHook({
    init: (asyncId, type, _trigger, resource) => {
      if (TRACKED.has(type)) this.#live.set(asyncId, { type, resource: resource });
    },
    destroy: (asyncId) => {
      this.#live.delete(asyncId);
    },
  });

  constructor() {
    this.#hook.enable();
  }

  /** Types and counts of tracked resources created since the snapshot and still open. */
  leaks(): string[] {
    const counts = new Map<string, number>();
    for (const { type, resource } of this.#live.values()) {
      // A timer that fired or was cleared is done even before its destroy hook runs, and an
      // unref'd one cannot keep the process alive.
      if (type === 'Timeout' && (resource._destroyed || resource.hasRef?.() === false)) continue;
      if (type === 'Immediate' && resource.hasRef?.() === false) continue;
      counts.set(type, (counts.get(type) ?? 0) + 1);
    }
    return [...counts].map(([type, n]) => `${type} +${n}`);
  }

  stop(): void {
    this.#hook.disable();
  }
}

/** Starts watching resources; pass the result to {@link expectNoLeakedHandles}. */
export function snapshotHandles(): HandleSnapshot {
  return new HandleSnapshot();
}

/** What is still open now, without waiting. */
export function leakedHandles(snapshot: HandleSnapshot): string[] {
  return snapshot.leaks();
}

/**
 * Resolves when everything created since `snapshot` has closed, polling because sockets close
 * asynchronously; rejects with the list of leaks after `timeoutMs`. Stops the watch either way.
 */
export async function expectNoLeakedHandles(
  snapshot: HandleSnapshot,
  timeoutMs = 2_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const leaks = snapshot.leaks();
      if (leaks.length === 0) return;
      if (Date.now() > deadline) throw new Error(`Handles left open: ${leaks.join(', ')}`);
    }
  } finally {
    snapshot.stop();
  }
}
