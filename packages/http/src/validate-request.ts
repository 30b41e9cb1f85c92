import { invalidArgType, invalidArgValue } from '@net/errors';

/** The methods this client sends. CONNECT is a proxy's business, not a client call's. */
export const METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
]);

// RFC 9110 token characters.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Header values may hold visible ASCII, obs-text, space and tab; never CR, LF or NUL.
const INVALID_VALUE = /[\0\r\n]/;

/** Upper-cases and checks a method name. */
export function validateMethod(method: unknown): string {
  if (typeof method !== 'string') throw invalidArgType('method', 'of type string', method);
  const upper = method.toUpperCase();
  if (!METHODS.has(upper)) {
    throw invalidArgValue('method', `It must be one of ${[...METHODS].join(', ')}. Received '${method.slice(0, 20)}'`);
  }
  return upper;
}

/**
 * Checks names and values (a CR or LF in a value would let a caller's input split the request
 * and smuggle another one) and returns a copy with lower-case names.
 */
export function validateHeaders(name: string, headers: unknown): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw invalidArgType(name, 'an object', headers);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (!TOKEN.test(key)) throw invalidArgValue(name, `Header name '${key.slice(0, 40)}' is not a valid token.`);
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw invalidArgType(`${name}.${key}`, 'a string or a number', value);
    }
    const text = String(value);
    // The value itself is not echoed: it may be a credential.
    if (INVALID_VALUE.test(text)) throw invalidArgValue(name, `The value of header '${key}' contains CR, LF or NUL.`);
    out[key.toLowerCase()] = text;
  }
  return out;
}

/** Resolves `input` against `baseUrl` and checks it is an http(s) URL. */
export function resolveUrl(input: unknown, baseUrl: string | undefined): URL {
  if (typeof input !== 'string' && !(input instanceof URL)) throw invalidArgType('url', 'a string or a URL', input);
  let text = String(input);
  if (baseUrl !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(text)) {
    text = baseUrl + (text.startsWith('/') ? text.slice(1) : text);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidArgValue('url', 'It must be an absolute http(s) URL (or relative to baseUrl).');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidArgValue('url', `Only http: and https: are supported. Received ${url.protocol}`);
  }
  return url;
}
