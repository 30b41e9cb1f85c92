import { describe, expect, it } from 'vitest';
import { secretsInArgv } from '../src/known-secrets.js';
import { formatError } from '../src/report-error.js';
import { withDefaultScheme } from '../src/commands/url-scheme.js';

describe('secretsInArgv', () => {
  it.each<[string, string[], string[]]>([
    ['a -H value', ['-H', 'Authorization: Bearer abc123'], ['Bearer abc123']],
    ['--header=', ['--header=X-Key: k-999'], ['k-999']],
    ['-Hvalue', ['-HX-Key: k-777'], ['k-777']],
    ['a malformed -H as a whole', ['-H', 'X-Api-Key SECRET'], ['X-Api-Key SECRET']],
    ['a URL password, raw and decoded', ['http://bob:p%40ss@h/'], ['p%40ss', 'p@ss']],
    ['nothing from a URL without a password', ['http://bob@h/x', 'GET'], []],
  ])('finds %s', (_name, argv, secrets) => {
    expect(secretsInArgv(argv)).toEqual(secrets);
  });
});

describe('formatError', () => {
  it('removes secrets typed on the command line and escapes control characters', () => {
    const err = new Error('server said: token k-777\x1b]0;x\x07 http://bob:pw-123@h/');
    const line = formatError(err, false, ['k-777']);
    expect(line).not.toMatch(/k-777|pw-123/);
    expect(line).not.toContain('\x1b');
    expect(line).toContain('\\e]0;x\\x07');
    expect(line.split('\n')).toHaveLength(1);
  });
});

describe('withDefaultScheme', () => {
  it.each([
    ['127.0.0.1:8080/x', 'http', 'http://127.0.0.1:8080/x'],
    ['localhost', 'ws', 'ws://localhost'],
    ['https://a.test/', 'http', 'https://a.test/'],
    ['WSS://a.test', 'ws', 'WSS://a.test'],
  ] as const)('%s with %s → %s', (url, scheme, expected) => {
    expect(withDefaultScheme(url, scheme)).toBe(expected);
  });
});
