import { argOutOfRange, invalidArgType, invalidArgValue } from '@net/errors';
import { isIP } from 'node:net';

/** Shared validation of option values; each throws a Node-style TypeError/RangeError. */

export function checkPort(name: string, value: unknown, { allowZero = false } = {}): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  const min = allowZero ? 0 : 1;
  if (!Number.isInteger(value) || value < min || value > 65_535) {
    throw argOutOfRange(name, `an integer from ${min} to 65535`, value);
  }
  return value;
}

/** A duration in ms; 0 means "no limit" where the option says so. */
export function checkDuration(name: string, value: unknown): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!(value >= 0) || value > 2_147_483_647 || Number.isNaN(value)) {
    throw argOutOfRange(name, '>= 0 and <= 2147483647 (ms)', value);
  }
  return value;
}

export function checkPositiveInt(
  name: string,
  value: unknown,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (value === Infinity && max === Infinity) return value;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw argOutOfRange(name, `an integer from 1 to ${max}`, value);
  }
  return value;
}

/** A host name or IP literal: what a connect can be attempted to. */
export function checkHost(name: string, value: unknown): string {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  if (value.length === 0 || value.length > 253)
    throw invalidArgValue(name, 'Expected a host name or IP address.');
  if (isIP(value) !== 0) return value;
  if (!/^[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/.test(value)) {
    throw invalidArgValue(
      name,
      `Expected a host name or IP address. Received ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function checkSignal(name: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal))
    throw invalidArgType(name, 'an instance of AbortSignal', value);
  return value;
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
  return value;
}

export function checkFunction<T>(name: string, value: unknown): T {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value);
  return value as T;
}

/** Data a socket can write: a string (UTF-8) or bytes. */
export function toBytes(name: string, value: unknown): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw invalidArgType(name, 'of type string, Buffer or Uint8Array', value);
}

/** An object of options (or undefined). */
export function checkOptions<T extends object>(name: string, value: unknown): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object')
    throw invalidArgType(name, 'of type object', value);
  return value;
}

/** The `signal` of an `{ signal? }` options argument, checked along with the object itself. */
export function signalOption(options: unknown): AbortSignal | undefined {
  return checkSignal('signal', checkOptions<{ signal: AbortSignal }>('options', options).signal);
}

/** `timeout` (falling back to `defaultTimeout`) and `signal` of a read or write's options. */
export function timedOptions(
  options: { timeout?: unknown; signal?: unknown },
  defaultTimeout: number,
): { timeout: number; signal: AbortSignal | undefined } {
  return {
    timeout: checkDuration('timeout', options.timeout ?? defaultTimeout),
    signal: checkSignal('signal', options.signal),
  };
}

/** A rejected promise for a caught value: how async methods report bad arguments (never a sync throw). */
export function rejected(err: unknown): Promise<never> {
  return Promise.reject(err instanceof Error ? err : new Error(String(err)));
}
