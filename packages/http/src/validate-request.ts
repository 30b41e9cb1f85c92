import { invalidArgType, invalidArgValue } from '@net/errors/internal';

/** @internal The methods this client sends. CONNECT is a proxy's business, not a client call's. */
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

/** @internal Upper-cases and checks a method name. */
export function validateMethod(method: unknown): string {
  if (typeof method !== 'string') throw invalidArgType('method', 'of type string', method);
  const upper = method.toUpperCase();
  if (!METHODS.has(upper)) {
    throw invalidArgValue(
      'method',
      `It must be one of ${[...METHODS].join(', ')}. Received '${method.slice(0, 20)}'`,
    );
  }
  return upper;
}

// Printable ASCII after an http(s) scheme: got's own parse will accept it as is, so there is no
// need to parse it here too (a WHATWG parse costs ~7% of a small loopback request).
const PLAIN_HTTP_URL = /^https?:\/\/[\x21-\x7e]+$/i;

/**
 * @internal
 * Resolves `input` against `baseUrl` and checks it is an http(s) URL. Returns the string to
 * hand to got, and the parsed URL when parsing was needed to judge it. A string that passes the
 * cheap check but is still malformed (`http://h:99999/`) is refused by got's parse, before any
 * I/O, and mapped to the same TypeError (see map-error.ts).
 */
export function resolveUrl(
  input: unknown,
  baseUrl: string | undefined,
): { href: string; parsed: URL | undefined } {
  if (input instanceof URL) {
    if (input.protocol !== 'http:' && input.protocol !== 'https:')
      throw unsupported(input.protocol);
    return { href: input.href, parsed: input };
  }
  if (typeof input !== 'string') throw invalidArgType('url', 'a string or a URL', input);
  let text = input;
  if (baseUrl !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(text)) {
    text = baseUrl + (text.startsWith('/') ? text.slice(1) : text);
  }
  if (PLAIN_HTTP_URL.test(text)) return { href: text, parsed: undefined };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw malformedUrl();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw unsupported(url.protocol);
  return { href: url.href, parsed: url };
}

/** @internal The TypeError for a URL that does not parse. */
export function malformedUrl(): TypeError {
  return invalidArgValue('url', 'It must be an absolute http(s) URL (or relative to baseUrl).');
}

function unsupported(protocol: string): TypeError {
  return invalidArgValue('url', `Only http: and https: are supported. Received ${protocol}`);
}
