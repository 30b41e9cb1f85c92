import { readdirSync, readFileSync } from 'node:fs';

/**
 * Whether a process whose command line is exactly `marker` (space-separated argv) still runs.
 * The "remote" servers run on this machine, so /proc is read directly.
 */
export function running(marker: string): boolean {
  const wanted = marker.split(' ').join('\0');
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'latin1').replace(/\0$/, '') === wanted)
        return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}

/** Waits up to ~3 s for `running(marker)` to become `wanted`; returns whether it did. */
export async function waitFor(marker: string, wanted: boolean): Promise<boolean> {
  for (let i = 0; i < 120; i++) {
    if (running(marker) === wanted) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

/** Prints why a block of tests does not run here (never a silent skip). */
export function skipNotice(what: string, why: string): void {
  console.warn(`NOTICE: skipping ${what}: ${why}`);
}
