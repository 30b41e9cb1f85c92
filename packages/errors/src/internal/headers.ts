import { invalidArgType, invalidArgValue } from '../invalid-argument.js';

// RFC 9110 token characters.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Header values may hold visible ASCII, obs-text, space and tab; never CR, LF or NUL.
const INVALID_VALUE = /[\0\r\n]/;

/** Whether `name` is a valid header field name (an RFC 9110 token). */
export function isHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

/**
 * Checks a header bag (names are tokens, values have no CR/LF/NUL, which would let input split
 * the request) and returns a copy with lower-case names. Values are never echoed in the error:
 * they may be credentials.
 */
export function checkHeaders(name: string, headers: unknown): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw invalidArgType(name, 'an object', headers);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (!TOKEN.test(key)) {
      throw invalidArgValue(
        name,
        `Header name ${JSON.stringify(key.slice(0, 40))} is not a valid token.`,
      );
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw invalidArgType(`${name}.${key}`, 'a string or a number', value);
    }
    const text = String(value);
    if (INVALID_VALUE.test(text)) {
      throw invalidArgValue(name, `The value of header '${key}' contains CR, LF or NUL.`);
    }
    out[key.toLowerCase()] = text;
  }
  return out;
}
