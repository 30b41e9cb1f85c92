import type { ReconnectOptions } from './options.js';

/**
 * The delay before reconnect attempt `attempt` (1-based): "full jitter" — uniform in
 * `[0, min(maxDelay, initialDelay × factor^(attempt-1))]`. Spreading each attempt over the whole
 * window keeps a fleet of clients that lost the same server from reconnecting in lockstep.
 */
export function backoffDelay(
  attempt: number,
  options: Required<Pick<ReconnectOptions, 'initialDelay' | 'maxDelay' | 'factor'>>,
  random: () => number = Math.random,
): number {
  const bound = Math.min(
    options.maxDelay,
    options.initialDelay * options.factor ** Math.max(0, attempt - 1),
  );
  return Math.floor(random() * bound);
}
