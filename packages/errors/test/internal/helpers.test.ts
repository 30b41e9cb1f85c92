import { describe, expect, it } from 'vitest';
import {
  escapeControlChars,
  fullJitterBackoff,
  redactKnownSecrets,
  RETRYABLE_STATUS_CODES,
} from '../../src/internal/index.js';

describe('fullJitterBackoff', () => {
  it('is bounded by initialDelay × factor^(attempt-1), capped at maxDelay', () => {
    const max = () => 0.999999;
    expect(fullJitterBackoff(1, { initialDelay: 100, maxDelay: 10_000 }, max)).toBe(99);
    expect(fullJitterBackoff(3, { initialDelay: 100, maxDelay: 10_000 }, max)).toBe(399);
    expect(fullJitterBackoff(3, { initialDelay: 100, maxDelay: 10_000, factor: 3 }, max)).toBe(899);
    expect(fullJitterBackoff(5000, { initialDelay: 100, maxDelay: 10_000 }, max)).toBe(9999);
    expect(fullJitterBackoff(4, { initialDelay: 100, maxDelay: 10_000 }, () => 0)).toBe(0);
  });

  it('lists the retryable statuses', () => {
    expect([...RETRYABLE_STATUS_CODES].sort()).toEqual([408, 413, 429, 500, 502, 503, 504]);
  });
});

describe('escapeControlChars', () => {
  it('escapes C0, ESC, DEL, C1 and bidi controls but keeps printable text', () => {
    expect(escapeControlChars('a\x1b]0;title\x07b\r\nc\x7f\x9bé\u202e')).toBe(
      'a\\e]0;title\\x07b\\r\\nc\\x7f\\x9bé\\u202e',
    );
  });
});

describe('redactKnownSecrets', () => {
  it('removes exact values and their encodings', () => {
    const text =
      'cookie sid=abc123xyz; auth=' +
      Buffer.from('bob:hunter22').toString('base64') +
      ' q=p%40ss!word';
    const out = redactKnownSecrets(text, ['abc123xyz', 'bob:hunter22', 'p@ss!word', 'ab']);
    expect(out).not.toContain('abc123xyz');
    expect(out).not.toContain(Buffer.from('bob:hunter22').toString('base64'));
    expect(out).not.toContain('p%40ss!word');
  });
});
