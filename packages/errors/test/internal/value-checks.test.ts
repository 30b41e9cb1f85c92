import { describe, expect, it } from 'vitest';
import {
  checkHeaders,
  checkHost,
  checkInteger,
  checkNoNul,
  checkPort,
  checkSignal,
  checkTimeout,
  formatHostPort,
  toBytes,
} from '../../src/internal/index.js';

describe('value checks', () => {
  it.each([0, 65_536, 1.5, -1, NaN])('rejects port %s with a RangeError', (port) => {
    expect(() => checkPort('port', port)).toThrow(RangeError);
  });

  it('accepts port 0 only when allowed', () => {
    expect(checkPort('port', 0, { allowZero: true })).toBe(0);
    expect(checkPort('port', 22)).toBe(22);
    expect(() => checkPort('port', '22')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('checks integers with bounds and Infinity only when allowed', () => {
    expect(checkInteger('n', 5, { min: 1, max: 10 })).toBe(5);
    expect(checkInteger('n', Infinity, { max: Infinity })).toBe(Infinity);
    expect(() => checkInteger('n', Infinity)).toThrow(RangeError);
    expect(() => checkInteger('n', 0, { min: 1 })).toThrow(RangeError);
  });

  it('refuses NUL bytes', () => {
    expect(() => checkNoNul('argv[1]', 'a\0b')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(checkNoNul('argv[1]', 'ab')).toBe('ab');
  });

  it('checks host names and IP literals', () => {
    expect(checkHost('host', '::1')).toBe('::1');
    expect(checkHost('host', 'example.test')).toBe('example.test');
    expect(() => checkHost('host', 'a b')).toThrow(TypeError);
    expect(() => checkHost('host', '')).toThrow(TypeError);
  });

  it('checks signals', () => {
    expect(checkSignal('signal', undefined)).toBeUndefined();
    expect(() => checkSignal('signal', {})).toThrow(TypeError);
  });

  it('turns strings and typed arrays into Buffers', () => {
    expect(toBytes('data', 'hé')).toEqual(Buffer.from('hé'));
    expect(toBytes('data', new Uint8Array([1, 2]))).toEqual(Buffer.from([1, 2]));
    expect(() => toBytes('data', 5)).toThrow(TypeError);
  });
});

describe('checkTimeout', () => {
  it('reads 0 and Infinity as no limit', () => {
    expect(checkTimeout('timeout', 0)).toBe(Infinity);
    expect(checkTimeout('timeout', Infinity)).toBe(Infinity);
    expect(checkTimeout('timeout', 2 ** 40)).toBe(Infinity);
  });

  it('keeps a finite timeout and applies the fallback', () => {
    expect(checkTimeout('timeout', 250)).toBe(250);
    expect(checkTimeout('timeout', undefined, 1000)).toBe(1000);
  });

  it.each([-1, NaN, '5'])('rejects %s', (value) => {
    expect(() => checkTimeout('timeout', value)).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/^ERR_INVALID_ARG/) }),
    );
  });
});

describe('checkHeaders', () => {
  it('lower-cases names', () => {
    expect(checkHeaders('headers', { 'X-A': 'b', n: 1 })).toEqual({ 'x-a': 'b', n: '1' });
  });

  it('refuses CR/LF without echoing the value', () => {
    let error: unknown;
    try {
      checkHeaders('headers', { authorization: 'secret\r\nx: y' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).not.toContain('secret');
  });

  it('refuses names that are not tokens', () => {
    expect(() => checkHeaders('headers', { 'a b': 'c' })).toThrow(TypeError);
  });
});

describe('formatHostPort', () => {
  it('brackets IPv6 literals', () => {
    expect(formatHostPort('::1', 22)).toBe('[::1]:22');
    expect(formatHostPort('[::1]', 22)).toBe('[::1]:22');
    expect(formatHostPort('127.0.0.1', 80)).toBe('127.0.0.1:80');
    expect(formatHostPort('h', undefined)).toBe('h');
  });
});

describe('isIpLiteral', () => {
  it('agrees with node:net isIP on literals and near-misses', async () => {
    const { isIP } = await import('node:net');
    const { isIpLiteral } = await import('../../src/internal/index.js');
    const samples = [
      '127.0.0.1',
      '255.255.255.255',
      '256.1.1.1',
      '1.2.3',
      '01.2.3.4',
      '::1',
      '::',
      '1::',
      'fe80::1%lo',
      '2001:db8::8a2e:370:7334',
      '2001:db8:0:0:0:0:2:1',
      '1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      '::ffff:192.0.2.1',
      '::ffff:999.0.2.1',
      'g::1',
      'localhost',
      '12345::',
      ':1',
      '1:',
    ];
    for (const sample of samples)
      expect([sample, isIpLiteral(sample)]).toEqual([sample, isIP(sample) !== 0]);
  });
});
