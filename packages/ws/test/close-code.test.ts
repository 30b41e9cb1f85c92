import { describe, expect, it } from 'vitest';
import { checkClose, isSendableCloseCode } from '../src/close-code.js';
import { WebSocketClient } from '../src/index.js';

describe('close codes', () => {
  it.each([1000, 1001, 1003, 1011, 3000, 4999])('%i may be sent', (code) => {
    expect(isSendableCloseCode(code)).toBe(true);
  });

  it.each([999, 1004, 1005, 1006, 1015, 2000, 2999, 5000])('%i may not be sent', (code) => {
    expect(isSendableCloseCode(code)).toBe(false);
  });

  it('allows only 1000 and 3000–4999 in a browser', () => {
    expect(() => checkClose(1001, '', true)).toThrow(RangeError);
    expect(() => checkClose(3001, '', true)).not.toThrow();
  });

  it.each([
    ['code 1005', 1005, '', RangeError, 'ERR_INVALID_ARG_VALUE'],
    ['code 1006', 1006, '', RangeError, 'ERR_INVALID_ARG_VALUE'],
    ['code 5000', 5000, '', RangeError, 'ERR_INVALID_ARG_VALUE'],
    ['a fractional code', 1000.5, '', TypeError, 'ERR_INVALID_ARG_TYPE'],
    ['a 124-byte reason', 1000, 'x'.repeat(124), RangeError, 'ERR_INVALID_ARG_VALUE'],
    [
      'a 62-character reason of 2-byte characters (124 bytes)',
      1000,
      'é'.repeat(62),
      RangeError,
      'ERR_INVALID_ARG_VALUE',
    ],
    ['a non-string reason', 1000, 7, TypeError, 'ERR_INVALID_ARG_TYPE'],
  ])('close() rejects %s before any I/O', async (_name, code, reason, type, errorCode) => {
    const client = new WebSocketClient({ url: 'ws://127.0.0.1:9/' });
    const closing = client.close(code, reason as string);
    await expect(closing).rejects.toBeInstanceOf(type);
    await expect(closing).rejects.toMatchObject({ code: errorCode });
    expect(client.state).toBe('idle');
  });

  it('accepts a reason of exactly 123 bytes', async () => {
    const client = new WebSocketClient({ url: 'ws://127.0.0.1:9/' });
    await expect(client.close(1000, 'x'.repeat(123))).resolves.toBeUndefined();
  });
});
