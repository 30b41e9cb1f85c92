import { argOutOfRange, invalidArgType } from '@net/errors/internal';

// These mirror @net/errors/internal's value checks (same names, signatures and errors).
// They live here only because that module's value-checks.ts imports `node:net` (for checkHost),
// which a browser bundle cannot resolve; swap this import back once it no longer does.

/** An integer in `[min, max]`; `Infinity` passes only when `max` is `Infinity`. */
export function checkInteger(
  name: string,
  value: unknown,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (value === Infinity && max === Infinity) return value;
  if (!Number.isInteger(value) || value < min || value > max) {
    const range =
      max === Infinity ? `an integer >= ${min} or Infinity` : `an integer from ${min} to ${max}`;
    throw argOutOfRange(name, range, value);
  }
  return value;
}

/** A number in `[min, max]` (NaN never passes). */
export function checkNumber(
  name: string,
  value: unknown,
  { min = -Infinity, max = Infinity }: { min?: number; max?: number } = {},
): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (Number.isNaN(value) || value < min || value > max) {
    throw argOutOfRange(name, `a number from ${min} to ${max}`, value);
  }
  return value;
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
  return value;
}

export function checkFunction<F>(name: string, value: unknown): F {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value);
  return value as F;
}

/** `undefined`, or an AbortSignal. */
export function checkSignal(name: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) {
    throw invalidArgType(name, 'an instance of AbortSignal', value);
  }
  return value;
}

/** A rejected promise for a caught value: how async methods report bad arguments (never a sync throw). */
export function rejected(err: unknown): Promise<never> {
  return Promise.reject(err instanceof Error ? err : new Error(String(err)));
}
