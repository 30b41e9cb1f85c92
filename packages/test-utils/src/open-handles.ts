/**
 * Leak checks: a snapshot of the process's active libuv resources (sockets, servers, timers),
 * compared after the code under test has been closed. Node reports resource types, not
 * identities, so the comparison is by count per type.
 */

export type HandleSnapshot = Map<string, number>;

/** Counts active resources by type, e.g. `TCPSocketWrap: 2, Timeout: 1`. */
export function snapshotHandles(): HandleSnapshot {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

/** Resource types that are not ours to check (the test runner's own plumbing). */
const IGNORED = new Set(['TTYWrap', 'PipeWrap', 'FSReqCallback', 'FileHandle', 'SignalWrap', 'ProcessWrap']);

/** Types whose count grew since `before`. */
export function leakedHandles(before: HandleSnapshot): string[] {
  const leaks: string[] = [];
  for (const [type, count] of snapshotHandles()) {
    if (IGNORED.has(type)) continue;
    const grew = count - (before.get(type) ?? 0);
    if (grew > 0) leaks.push(`${type} +${grew}`);
  }
  return leaks;
}

/**
 * Resolves when no resource type has grown since `before`, polling briefly because sockets
 * close asynchronously; rejects with the list of leaks after `timeoutMs`.
 */
export async function expectNoLeakedHandles(before: HandleSnapshot, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The poll timer itself must not count: it is cleared before the next snapshot.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const leaks = leakedHandles(before);
    if (leaks.length === 0) return;
    if (Date.now() > deadline) throw new Error(`Handles left open: ${leaks.join(', ')}`);
  }
}
