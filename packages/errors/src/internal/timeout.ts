import { argOutOfRange, invalidArgType } from '../invalid-argument.js';

/**
 * The one meaning of a timeout in every @net package: milliseconds, where `0` and `Infinity`
 * both mean "no limit" (Node's own convention for `socket.setTimeout(0)` and `server.timeout`).
 * Resolved timeouts are numbers with `Infinity` for "none", so callers test `Number.isFinite`.
 */
export const NO_TIMEOUT = Infinity;

/** The largest delay `setTimeout` honours; longer ones fire at once (Node prints a warning). */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Checks a timeout option and returns it resolved: `Infinity` for 0/Infinity, else the number.
 * Negative, NaN and non-numbers are rejected; `undefined` gives `fallback`.
 */
export function checkTimeout(name: string, value: unknown, fallback: number = NO_TIMEOUT): number {
  if (value === undefined) return fallback === 0 ? NO_TIMEOUT : fallback;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (Number.isNaN(value) || value < 0) {
    throw argOutOfRange(name, '>= 0 (ms; 0 or Infinity for no limit)', value);
  }
  if (value === 0 || value === Infinity) return NO_TIMEOUT;
  // A finite timeout beyond what a timer can express is as good as none.
  return value > MAX_TIMER_MS ? NO_TIMEOUT : value;
}

/** True when a resolved timeout actually limits something. */
export function hasTimeout(ms: number | undefined): ms is number {
  return ms !== undefined && Number.isFinite(ms) && ms > 0;
}
