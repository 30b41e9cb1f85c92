import { describe, expect, it } from 'vitest';
import { parsePorts } from '../src/port-spec.js';
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
