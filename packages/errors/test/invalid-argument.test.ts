import { describe, expect, it } from 'vitest';
import { argOutOfRange, invalidArgType, invalidArgValue } from '../src/index.js';

describe('argument errors', () => {
  it('are Node-style TypeError/RangeError with a code', () => {
    const value = invalidArgValue('url', 'Expected an http(s) URL.');
    expect(value).toBeInstanceOf(TypeError);
    expect(value.code).toBe('ERR_INVALID_ARG_VALUE');
    expect(value.message).toBe("The argument 'url' is invalid. Expected an http(s) URL.");

    const type = invalidArgType('timeout', 'of type number', 'x');
    expect(type).toBeInstanceOf(TypeError);
    expect(type.code).toBe('ERR_INVALID_ARG_TYPE');
    expect(type.message).toBe("The 'timeout' argument must be of type number. Received string");

    const range = argOutOfRange('port', '>= 1 and <= 65535', 70000);
    expect(range).toBeInstanceOf(RangeError);
    expect(range.code).toBe('ERR_INVALID_ARG_VALUE');
    expect(range.message).toContain('Received 70000');
  });
});
