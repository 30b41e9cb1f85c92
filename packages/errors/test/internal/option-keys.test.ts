import { describe, expect, it } from 'vitest';
import { checkOptionKeys, closestKey } from '../../src/internal/index.js';

describe('checkOptionKeys', () => {
  const known = ['timeout', 'idempotencyKey', 'reconnect', 'headers'];

  it.each([
    ['timout', 'timeout'],
    ['idempotencykey', 'idempotencyKey'],
    ['reconect', 'reconnect'],
    ['header', 'headers'],
  ])('names the closest known key for %s', (typo, suggestion) => {
    expect(() => checkOptionKeys('options', { [typo]: 1 }, known)).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
        message: expect.stringContaining(`Did you mean '${suggestion}'?`),
      }),
    );
  });

  it('rejects a key far from every known one without a suggestion', () => {
    expect(() => checkOptionKeys('options', { zzzzzzzz: 1 }, known)).toThrow(
      /Unknown option "zzzzzzzz"\.$/,
    );
  });

  it('rejects an unknown key even when its value is undefined', () => {
    expect(() => checkOptionKeys('options', { timout: undefined }, known)).toThrow(TypeError);
  });

  it('accepts known keys and undefined', () => {
    expect(checkOptionKeys('options', { timeout: 5 }, known)).toEqual({ timeout: 5 });
    expect(checkOptionKeys('options', undefined, known)).toEqual({});
  });

  it('rejects non-objects with ERR_INVALID_ARG_TYPE', () => {
    for (const bad of [null, 5, 'x', []]) {
      expect(() => checkOptionKeys('options', bad, known)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
      );
    }
  });

  it('finds no suggestion when nothing is close', () => {
    expect(closestKey('abc', ['timeout'])).toBeUndefined();
  });
});
