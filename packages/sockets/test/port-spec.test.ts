import { AbortError } from '@net/errors';
import { describe, expect, it } from 'vitest';
import { PortScanner } from '../src/port-scanner.js';
import { MAX_PORT_SPEC_LENGTH, parsePorts } from '../src/port-spec.js';
import { TOP_100_TCP_PORTS, serviceName } from '../src/service-names.js';

describe('parsePorts', () => {
  it.each([
    ['1-5,8080', [1, 2, 3, 4, 5, 8080]],
    [' 22 , 80,22 ', [22, 80]],
    ['65535', [65_535]],
    [
      [443, 80, 80],
      [80, 443],
    ],
  ])('parses %j', (spec, expected) => {
    expect(parsePorts(spec)).toEqual(expected);
  });

  it("expands 'all' to every port and 'top-100' to 100 named ports", () => {
    const all = parsePorts('all');
    expect(all).toHaveLength(65_535);
    expect(all[0]).toBe(1);
    expect(all.at(-1)).toBe(65_535);
    const top = parsePorts('top-100');
    expect(top).toHaveLength(100);
    expect(new Set(top).size).toBe(100);
    expect(top).toEqual(TOP_100_TCP_PORTS);
    expect(serviceName(22)).toBe('ssh');
    expect(serviceName(53, 'udp')).toBe('domain');
    expect(serviceName(4)).toBeUndefined();
  });

  it.each([
    ['0', RangeError],
    ['70000', RangeError],
    ['5-3', RangeError],
    [[0], RangeError],
    [[80.5], RangeError],
    [['80'], TypeError],
    ['http', TypeError],
    ['1-', TypeError],
    ['', TypeError],
    [[], TypeError],
    [80, TypeError],
  ])('rejects %j with %s', (spec, type) => {
    expect(() => parsePorts(spec)).toThrow(type);
    try {
      parsePorts(spec);
    } catch (err) {
      expect(err).toHaveProperty(
        'code',
        (err as Error) instanceof RangeError
          ? 'ERR_INVALID_ARG_VALUE'
          : expect.stringMatching(/^ERR_INVALID_ARG_/),
      );
    }
  });
});

describe('parsePorts on hostile input', () => {
  it("merges ranges instead of expanding each: '1-65535,' × 12 800 is every port once", () => {
    const spec = '1-65535,'.repeat(12_800).slice(0, -1);
    expect(spec.length).toBeGreaterThan(100_000);
    const ports = parsePorts(spec);
    expect(ports.length).toBe(65_535);
    expect(ports[0]).toBe(1);
    expect(ports.at(-1)).toBe(65_535);
  });

  it('merges overlapping and nested ranges exactly', () => {
    expect(parsePorts('10-20,15-30,1-5,3,40,12-13,31')).toEqual([
      1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
      30, 31, 40,
    ]);
  });

  it('refuses a spec longer than MAX_PORT_SPEC_LENGTH with RangeError', () => {
    expect(() => parsePorts('1,'.repeat(MAX_PORT_SPEC_LENGTH))).toThrow(
      expect.objectContaining({ name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });

  it('checks an already-aborted signal before parsing anything', async () => {
    // The spec is both huge and invalid: an AbortError shows it was never parsed.
    const spec = `${'1-65535,'.repeat(40_000)}nonsense`;
    await expect(
      new PortScanner().scan('127.0.0.1', { ports: spec, signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(AbortError);
  });
});
