import { argOutOfRange, invalidArgType, invalidArgValue } from '@net/errors';
import { isIP } from 'node:net';
import { bigIntToIp, ipToBigInt } from './ip-address.js';

/** One item of a target list, as parsed. */
export interface TargetGroup {
  /** The text the caller wrote. */
  text: string;
  kind: 'hostname' | 'address' | 'cidr' | 'range';
  /** For addresses, CIDR blocks and ranges: first and last address as integers. */
  family?: 4 | 6;
  first?: bigint;
  last?: bigint;
  /** How many addresses it stands for (1 for a hostname). */
  count: bigint;
}

/** One address (or host name still to resolve) to scan. */
export interface ExpandedTarget {
  /** The group's text, e.g. '127.0.0.0/30'. */
  target: string;
  /** An IP literal, or a host name to resolve. */
  host: string;
}

const HOSTNAME =
  /^(?=.{1,253}\.?$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/i;

function bad(text: string, why: string): TypeError {
  return invalidArgValue('targets', `${why} Received ${JSON.stringify(text)}`);
}

function parseOne(text: string): TargetGroup {
  const slash = text.indexOf('/');
  if (slash !== -1) {
    const base = ipToBigInt(text.slice(0, slash));
    const prefixText = text.slice(slash + 1);
    if (!base || !/^\d{1,3}$/.test(prefixText))
      throw bad(text, 'Expected CIDR notation like 127.0.0.0/24.');
    const bits = base.family === 4 ? 32 : 128;
    const prefix = Number(prefixText);
    if (prefix > bits)
      throw argOutOfRange(
        'targets',
        `a prefix length from 0 to ${bits} (in ${JSON.stringify(text)})`,
        prefix,
      );
    const hostBits = BigInt(bits - prefix);
    const first = (base.value >> hostBits) << hostBits;
    const count = 1n << hostBits;
    return { text, kind: 'cidr', family: base.family, first, last: first + count - 1n, count };
  }
  const single = ipToBigInt(text);
  if (single)
    return {
      text,
      kind: 'address',
      family: single.family,
      first: single.value,
      last: single.value,
      count: 1n,
    };
  const dash = text.lastIndexOf('-');
  if (dash > 0 && isIP(text.slice(0, dash)) !== 0) {
    const from = ipToBigInt(text.slice(0, dash))!;
    const endText = text.slice(dash + 1);
    let to: { value: bigint; family: 4 | 6 } | undefined;
    if (from.family === 4 && /^\d{1,3}$/.test(endText)) {
      // 127.0.0.1-5: the last octet's range.
      const end = Number(endText);
      if (end > 255)
        throw argOutOfRange(
          'targets',
          `a last octet from 0 to 255 (in ${JSON.stringify(text)})`,
          end,
        );
      to = { value: (from.value & ~0xffn) | BigInt(end), family: 4 };
    } else {
      to = ipToBigInt(endText);
    }
    if (!to || to.family !== from.family)
      throw bad(text, 'Expected a range like 127.0.0.1-9 or 127.0.0.1-127.0.1.9.');
    if (to.value < from.value)
      throw argOutOfRange('targets', `a range written low-high (in ${JSON.stringify(text)})`, text);
    return {
      text,
      kind: 'range',
      family: from.family,
      first: from.value,
      last: to.value,
      count: to.value - from.value + 1n,
    };
  }
  if (!HOSTNAME.test(text) || /^[\d.]+$/.test(text)) {
    throw bad(text, 'Expected a host name, an IP address, a CIDR block or an address range.');
  }
  return { text, kind: 'hostname', count: 1n };
}

/**
 * Parses targets: host names, IPv4 and IPv6 literals, CIDR blocks (`127.0.0.0/24`, `::1/128`) and
 * ranges (`127.0.0.1-20`, `127.0.0.1-127.0.1.5`). A string may hold several, separated by commas
 * or spaces. Throws TypeError/RangeError for malformed targets and when they add up to more than
 * `maxTargets` addresses — all before any packet is sent.
 */
export function parseTargets(
  targets: unknown,
  maxTargets: number,
): { groups: TargetGroup[]; count: number } {
  const list = typeof targets === 'string' ? [targets] : targets;
  if (!Array.isArray(list))
    throw invalidArgType('targets', 'a string or an array of strings', targets);
  const groups: TargetGroup[] = [];
  for (const item of list) {
    if (typeof item !== 'string') throw invalidArgType('targets[]', 'of type string', item);
    for (const text of item.split(/[\s,]+/)) if (text) groups.push(parseOne(text));
  }
  if (groups.length === 0) throw invalidArgValue('targets', 'No target given.');
  const total = groups.reduce((sum, g) => sum + g.count, 0n);
  if (total > BigInt(maxTargets)) {
    throw argOutOfRange(
      'targets',
      `at most ${maxTargets} addresses (raise maxTargets to scan more)`,
      total.toString(),
    );
  }
  return { groups, count: Number(total) };
}

/** Yields every address (or host name) of the groups, lazily, in order. */
export function* expandTargets(groups: readonly TargetGroup[]): Generator<ExpandedTarget> {
  for (const group of groups) {
    if (group.kind === 'hostname') {
      yield { target: group.text, host: group.text };
      continue;
    }
    for (let value = group.first!; value <= group.last!; value++) {
      yield { target: group.text, host: bigIntToIp(value, group.family!) };
    }
  }
}
