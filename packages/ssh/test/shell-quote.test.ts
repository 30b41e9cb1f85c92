import { describe, expect, it } from 'vitest';
import { quoteArg, quoteArgv } from '../src/shell-quote.js';

describe('quoteArg', () => {
  it.each([
    ['plain', 'plain'],
    ['', "''"],
    ['a b', "'a b'"],
    ["it's", `'it'\\''s'`],
    ['$(id)', "'$(id)'"],
    ['a;b', "'a;b'"],
    ['l1\nl2', "'l1\nl2'"],
    ['*', "'*'"],
  ])('quotes %j as %s', (input, expected) => {
    expect(quoteArg(input)).toBe(expected);
  });

  it('joins argv with spaces', () => {
    expect(quoteArgv(['printf', '%s\n', 'a b'])).toBe(`printf '%s\n' 'a b'`);
  });
});
