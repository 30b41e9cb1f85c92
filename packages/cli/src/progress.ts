import cliProgress from 'cli-progress';

/** A progress display for transfers and scans: a bar on a terminal, nothing otherwise. */
export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Starts a bar on stderr when it is a terminal (or when `force` is set, as the demo does),
 * so piped stdout stays clean and scripts see no control characters.
 */
export function startProgress(label: string, unit: 'bytes' | 'ports', force = false): Progress {
  if (!force && !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {shown}`,
      stream: process.stderr,
      hideCursor: process.stderr.isTTY === true,
      noTTYOutput: force,
      notTTYSchedule: 200,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const shown = (done: number, total: number) =>
    unit === 'bytes' ? `${formatBytes(done)} / ${formatBytes(total)}` : `${done} / ${total} ports`;
  return {
    update(done, total = 0) {
      if (!started) {
        bar.start(Math.max(total, 1), done, { shown: shown(done, total) });
        started = true;
      } else {
        if (total) bar.setTotal(total);
        bar.update(done, { shown: shown(done, total) });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
