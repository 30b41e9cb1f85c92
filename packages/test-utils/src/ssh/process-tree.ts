import { readdirSync, readFileSync } from 'node:fs';

/** The parent pid of `pid` from /proc, or undefined when it is gone. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name sits in parentheses and may contain spaces: parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

/** `root` and every live descendant of it (Linux /proc). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const parent = parentOf(pid);
    if (parent === undefined) continue;
    const list = children.get(parent) ?? [];
    list.push(pid);
    children.set(parent, list);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** Sends `sig` to `root` and all of its descendants. */
export function signalTree(root: number, sig: NodeJS.Signals): void {
  for (const pid of processTree(root)) signal(pid, sig);
}

/**
 * Kills `root` and all of its descendants. Each sshd connection is its own process (in its own
 * session), so killing the listener alone leaves established connections alive. The tree is
 * frozen first (SIGSTOP, repeated until no new process appears) so nothing forks while it is
 * being killed, and collected before the kill because orphans are re-parented to init.
 */
export function killTree(root: number): void {
  let known = new Set<number>();
  for (let round = 0; round < 10; round++) {
    const tree = processTree(root);
    for (const pid of tree) signal(pid, 'SIGSTOP');
    const grew = tree.some((pid) => !known.has(pid));
    known = new Set([...known, ...tree]);
    if (!grew) break;
  }
  for (const pid of known) signal(pid, 'SIGKILL');
}
