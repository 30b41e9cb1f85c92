import { argOutOfRange, invalidArgType, invalidArgValue } from '@net/errors';
import { TOP_100_TCP_PORTS } from './service-names.js';

/** Which ports to scan: `'1-1024,8080'`, an array of numbers, `'top-100'` or `'all'`. */
export type PortSpec = string | readonly number[];

function checkOne(value: number, spec: unknown): number {
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    throw argOutOfRange(
      'ports',
      `port numbers from 1 to 65535 (in ${JSON.stringify(spec)})`,
      value,
    );
  }
  return value;
}

/**
 * Parses a port specification into ascending, de-duplicated port numbers. Throws TypeError for
 * malformed input and RangeError for numbers out of range or reversed ranges, before any I/O.
 */
export function parsePorts(spec: unknown): number[] {
  if (Array.isArray(spec)) {
    if (spec.length === 0) throw invalidArgValue('ports', 'The list of ports is empty.');
    for (const value of spec) {
      if (typeof value !== 'number') throw invalidArgType('ports[]', 'of type number', value);
      checkOne(value, spec);
    }
    return [...new Set(spec as number[])].sort((a, b) => a - b);
  }
  if (typeof spec !== 'string')
    throw invalidArgType('ports', 'a string or an array of numbers', spec);
  const text = spec.trim().toLowerCase();
  if (text === 'all' || text === '-') return Array.from({ length: 65_535 }, (_, i) => i + 1);
  if (text === 'top-100') return [...TOP_100_TCP_PORTS];
  const ports = new Set<number>();
  for (const part of text.split(',')) {
    const item = part.trim();
    const match = /^(\d{1,6})(?:-(\d{1,6}))?$/.exec(item);
    if (!match) {
      throw invalidArgValue(
        'ports',
        `Expected 'all', 'top-100' or a list like '1-1024,8080'. Received ${JSON.stringify(spec)}`,
      );
    }
    const from = checkOne(Number(match[1]), spec);
    const to = match[2] === undefined ? from : checkOne(Number(match[2]), spec);
    if (from > to)
      throw argOutOfRange('ports', `ranges written low-high (in ${JSON.stringify(spec)})`, item);
    for (let port = from; port <= to; port++) ports.add(port);
  }
  return [...ports].sort((a, b) => a - b);
}
