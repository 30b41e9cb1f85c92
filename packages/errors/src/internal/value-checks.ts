import { argOutOfRange, invalidArgType, invalidArgValue } from '../invalid-argument.js';

/**
 * The value checks every package uses. Each returns the checked value (so a resolver reads
 * `port: checkPort('port', options.port)`) and throws a Node-style TypeError/RangeError with a
 * `code` before any I/O.
 */

export function checkPort(name: string, value: unknown, { allowZero = false } = {}): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  const min = allowZero ? 0 : 1;
  if (!Number.isInteger(value) || value < min || value > 65_535) {
    throw argOutOfRange(name, `an integer from ${min} to 65535`, value);
  }
  return value;
}

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

/** A finite or infinite number in `[min, max]` (NaN never passes). */
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

export function checkString(name: string, value: unknown, { allowEmpty = true } = {}): string {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  if (!allowEmpty && value.length === 0) throw invalidArgValue(name, 'It must not be empty.');
  return value;
}

/**
 * A string that will be sent to a peer which treats NUL as a terminator (a command line, an
 * environment value, a path): a NUL would be cut there or make the peer drop the connection.
 */
export function checkNoNul(name: string, value: string): string {
  if (value.includes('\0')) throw invalidArgValue(name, 'It must not contain a NUL byte.');
  return value;
}

/** `undefined`, or an AbortSignal. */
export function checkSignal(name: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) {
    throw invalidArgType(name, 'an instance of AbortSignal', value);
  }
  return value;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * Whether `value` is an IPv4 or IPv6 literal (an IPv6 zone such as `%eth0` allowed). Written
 * without `node:net` so this module also loads in a browser bundle (as @net/ws needs).
 */
export function isIpLiteral(value: string): boolean {
  if (IPV4.test(value)) return true;
  const zone = value.indexOf('%');
  const address = zone === -1 ? value : value.slice(0, zone);
  if (zone !== -1 && zone === value.length - 1) return false;
  if (!address.includes(':')) return false;
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  let groups = address;
  let extra = 0;
  const lastColon = address.lastIndexOf(':');
  const tail = address.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!IPV4.test(tail)) return false;
    groups = `${address.slice(0, lastColon + 1)}0`;
    extra = 1;
  }
  const halves = groups.split('::');
  if (halves.length > 2) return false;
  const parts = halves.map((half) => (half === '' ? [] : half.split(':')));
  if (!parts.every((list) => list.every((part) => /^[0-9a-f]{1,4}$/i.test(part)))) return false;
  const count = parts.reduce((sum, list) => sum + list.length, 0) + extra;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** A host name or IP literal: what a connect can be attempted to. */
export function checkHost(name: string, value: unknown): string {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  if (value.length === 0 || value.length > 253) {
    throw invalidArgValue(name, 'Expected a host name or IP address.');
  }
  if (isIpLiteral(value)) return value;
  if (!/^[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/.test(value)) {
    throw invalidArgValue(
      name,
      `Expected a host name or IP address. Received ${JSON.stringify(value.slice(0, 64))}`,
    );
  }
  return value;
}

/** Data a socket can write: a string (UTF-8) or bytes, as a Buffer without copying. */
export function toBytes(name: string, value: unknown): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw invalidArgType(name, 'of type string, Buffer or Uint8Array', value);
}

/** A rejected promise for a caught value: how async methods report bad arguments (never a sync throw). */
export function rejected(err: unknown): Promise<never> {
  return Promise.reject(err instanceof Error ? err : new Error(String(err)));
}
