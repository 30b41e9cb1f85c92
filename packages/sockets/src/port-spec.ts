import { argOutOfRange, invalidArgType, invalidArgValue } from '@net/errors/internal';
import { TOP_100_TCP_PORTS } from './service-names.js';

/** Which ports to scan: `'1-1024,8080'`, an array of numbers, `'top-100'` or `'all'`. */
export type PortSpec = string | readonly number[];

/**
 * The longest port specification accepted, in characters: every port listed one by one
 * (`'1,2,…,65535'`) is 382 000 characters, so this leaves room for any sensible spec while
 * keeping a hostile one from costing more than a few milliseconds to parse.
 */
export const MAX_PORT_SPEC_LENGTH = 524_288;

function checkOne(value: number, spec: string | readonly number[]): number {
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    const shown = typeof spec === 'string' ? JSON.stringify(spec.slice(0, 64)) : 'the list';
    throw argOutOfRange('ports', `port numbers from 1 to 65535 (in ${shown})`, value);
  }
  return value;
}

/** Ascending port numbers of a membership bitmap. */
function collect(seen: Uint8Array): number[] {
  const ports: number[] = [];
  for (let port = 1; port <= 65_535; port++) if (seen[port] === 1) ports.push(port);
  return ports;
}

/**
 * Parses a port specification into ascending, de-duplicated port numbers. Throws TypeError for
 * malformed input and RangeError for numbers out of range or reversed ranges, before any I/O.
 *
 * Linear in the spec's length: ranges are merged as intervals (sorted by start) and expanded
 * once, so `'1-65535,'` repeated thousands of times costs no more than one `'1-65535'`.
 */
export function parsePorts(spec: unknown): number[] {
  if (Array.isArray(spec)) {
    if (spec.length === 0) throw invalidArgValue('ports', 'The list of ports is empty.');
    if (spec.length > MAX_PORT_SPEC_LENGTH)
      throw argOutOfRange('ports.length', `<= ${MAX_PORT_SPEC_LENGTH}`, spec.length);
    const seen = new Uint8Array(65_536);
    for (const value of spec) {
      if (typeof value !== 'number') throw invalidArgType('ports[]', 'of type number', value);
      seen[checkOne(value, spec as number[])] = 1;
    }
    return collect(seen);
  }
  if (typeof spec !== 'string')
    throw invalidArgType('ports', 'a string or an array of numbers', spec);
  if (spec.length > MAX_PORT_SPEC_LENGTH) {
    throw argOutOfRange(
      'ports',
      `a spec of at most ${MAX_PORT_SPEC_LENGTH} characters`,
      spec.length,
    );
  }
  const text = spec.trim().toLowerCase();
  if (text === 'all' || text === '-') return Array.from({ length: 65_535 }, (_, i) => i + 1);
  if (text === 'top-100') return [...TOP_100_TCP_PORTS];
  const ranges: Array<[number, number]> = [];
  for (const part of text.split(',')) {
    const item = part.trim();
    const match = /^(\d{1,6})(?:-(\d{1,6}))?$/.exec(item);
    if (!match) {
      throw invalidArgValue(
        'ports',
        `Expected 'all', 'top-100' or a list like '1-1024,8080'. Received ${JSON.stringify(spec.slice(0, 64))}`,
      );
    }
    const from = checkOne(Number(match[1]), spec);
    const to = match[2] === undefined ? from : checkOne(Number(match[2]), spec);
    if (from > to)
      throw argOutOfRange(
        'ports',
        `ranges written low-high (in ${JSON.stringify(spec.slice(0, 64))})`,
        item,
      );
    ranges.push([from, to]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const ports: number[] = [];
  let next = 1;
  for (const [from, to] of ranges) {
    for (let port = Math.max(from, next); port <= to; port++) ports.push(port);
    if (to + 1 > next) next = to + 1;
  }
  return ports;
}
