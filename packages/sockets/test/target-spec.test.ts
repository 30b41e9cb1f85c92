import { describe, expect, it } from 'vitest';
import { bigIntToIp, canonicalIp, ipToBigInt } from '../src/ip-address.js';
import { expandTargets, parseTargets } from '../src/target-spec.js';

// Pure parsing: nothing here opens a socket, so non-loopback addresses are safe to expand.
const expand = (targets: string | string[], max = 65_536) =>
  [...expandTargets(parseTargets(targets, max).groups)].map((t) => t.host);

describe('parseTargets', () => {
  it('expands IPv4 and IPv6 literals, host names, CIDR blocks and ranges', () => {
    expect(expand('127.0.0.1')).toEqual(['127.0.0.1']);
    expect(expand('::1')).toEqual(['::1']);
    expect(expand('localhost')).toEqual(['localhost']);
    expect(expand('192.0.2.0/30')).toEqual(['192.0.2.0', '192.0.2.1', '192.0.2.2', '192.0.2.3']);
    expect(expand('192.0.2.5/30')).toEqual(['192.0.2.4', '192.0.2.5', '192.0.2.6', '192.0.2.7']);
    expect(expand('10.0.0.254-10.0.1.1')).toEqual([
      '10.0.0.254',
      '10.0.0.255',
      '10.0.1.0',
      '10.0.1.1',
    ]);
    expect(expand('127.0.0.1-3')).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
    expect(expand('2001:db8::/126')).toEqual([
      '2001:db8::',
      '2001:db8::1',
      '2001:db8::2',
      '2001:db8::3',
    ]);
    expect(expand('2001:db8::ffff-2001:db8::1:1')).toEqual([
      '2001:db8::ffff',
      '2001:db8::1:0',
      '2001:db8::1:1',
    ]);
    expect(expand(['127.0.0.1, ::1', 'example.test'])).toEqual([
      '127.0.0.1',
      '::1',
      'example.test',
    ]);
  });

  it('counts addresses and refuses more than maxTargets unless raised', () => {
    expect(parseTargets('10.0.0.0/16', 65_536).count).toBe(65_536);
    expect(() => parseTargets('10.0.0.0/15', 65_536)).toThrow(RangeError);
    expect(() => parseTargets(['10.0.0.0/16', '127.0.0.1'], 65_536)).toThrow(RangeError);
    expect(() => parseTargets('2001:db8::/64', 65_536)).toThrow(RangeError);
    expect(parseTargets('10.0.0.0/15', 131_072).count).toBe(131_072);
  });

  it.each([
    ['127.0.0.1/33', RangeError],
    ['::1/129', RangeError],
    ['127.0.0.5-3', RangeError],
    ['127.0.0.1-300', RangeError],
    ['127.0.0.1/x', TypeError],
    ['999.1.1.1', TypeError],
    ['not a host!', TypeError],
    ['127.0.0.1-::1', TypeError],
    ['', TypeError],
    [[], TypeError],
    [[42], TypeError],
    [null, TypeError],
  ])('rejects %j with %s', (targets, type) => {
    expect(() => parseTargets(targets, 65_536)).toThrow(type);
  });
});

describe('ip-address', () => {
  it.each([
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::ffff:127.0.0.1', '::ffff:7f00:1'],
    ['fe80::1%lo', 'fe80::1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['127.000.0.1', '127.000.0.1'],
  ])('canonicalises %s as %s', (input, output) => {
    expect(canonicalIp(input)).toBe(output);
  });

  it('round-trips integers and text', () => {
    expect(ipToBigInt('127.0.0.1')).toEqual({ value: 0x7f000001n, family: 4 });
    expect(bigIntToIp(0x7f000001n, 4)).toBe('127.0.0.1');
    expect(bigIntToIp(0n, 6)).toBe('::');
  });
});
