import { argOutOfRange, invalidArgType } from '@net/errors';

/** RFC 6455 §7.4: 1004–1006 and 1015 are reserved and may never be sent; 3000–4999 are for applications. */
export function isSendableCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

const encoder = new TextEncoder();

/** Checks `close(code, reason)` arguments; the reason must fit a control frame (123 bytes of UTF-8). */
export function checkClose(code: unknown, reason: unknown, browser: boolean): void {
  if (typeof code !== 'number' || !Number.isInteger(code))
    throw invalidArgType('code', 'an integer', code);
  if (!isSendableCloseCode(code))
    throw argOutOfRange('code', '1000–1003, 1007–1014 or 3000–4999', code);
  // Browsers only let scripts send 1000 and 3000–4999 (and throw otherwise).
  if (browser && code !== 1000 && code < 3000)
    throw argOutOfRange('code', '1000 or 3000–4999 in a browser', code);
  if (typeof reason !== 'string') throw invalidArgType('reason', 'of type string', reason);
  const bytes = encoder.encode(reason).byteLength;
  if (bytes > 123) throw argOutOfRange('reason', 'at most 123 bytes of UTF-8', `${bytes} bytes`);
}
