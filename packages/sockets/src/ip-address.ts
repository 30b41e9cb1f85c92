import { isIP } from 'node:net';

/**
 * IP addresses as integers (bigint, so IPv6 fits) for CIDR and range arithmetic, and back to
 * text in canonical form (RFC 5952 for IPv6).
 */

export function ipToBigInt(address: string): { value: bigint; family: 4 | 6 } | undefined {
  const family = isIP(address);
  if (family === 4) {
    let value = 0n;
    for (const part of address.split('.')) value = (value << 8n) | BigInt(Number(part));
    return { value, family: 4 };
  }
  if (family === 6) {
    let text = address;
    const zone = text.indexOf('%');
    if (zone !== -1) text = text.slice(0, zone);
    // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
    if (v4) {
      const n = ipToBigInt(v4[1]!)!.value;
      text = `${text.slice(0, v4.index)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
    }
    const [head, tail] = text.split('::') as [string, string | undefined];
    const headGroups = head ? head.split(':') : [];
    const tailGroups = tail ? tail.split(':') : [];
    const groups =
      tail === undefined
        ? headGroups
        : [
            ...headGroups,
            ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'),
            ...tailGroups,
          ];
    let value = 0n;
    for (const group of groups) value = (value << 16n) | BigInt(parseInt(group, 16));
    return { value, family: 6 };
  }
  return undefined;
}

export function bigIntToIp(value: bigint, family: 4 | 6): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  // The longest run of two or more zero groups collapses to '::' (the first such run on a tie).
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** The address in canonical text form, e.g. `0:0::1` → `::1`. */
export function canonicalIp(address: string): string {
  const parsed = ipToBigInt(address);
  return parsed ? bigIntToIp(parsed.value, parsed.family) : address;
}
