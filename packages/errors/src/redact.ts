/**
 * Redaction of secrets from URLs, headers and free text.
 *
 * These work on strings rather than through `new URL()`: a URL parser re-encodes and
 * normalises what it prints, and would throw on the half-formed URLs found inside error
 * messages. The aim is that nothing secret survives, not that the result is a valid URL.
 */

/** What replaces a secret. */
export const REDACTED = '[REDACTED]';

/** Header names whose values are always secret (lower-case). */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-auth-token',
  'x-amz-security-token',
]);

/** Query and form keys that carry credentials: password, token, api_key, signature … */
const SECRET_KEY = /pass|pwd|secret|token|key|auth|sig|session|credential|cookie|jwt|bearer|otp/i;

/** True when a query, form or header key names a credential. */
export function isSecretKey(key: string): boolean {
  return SECRET_HEADERS.has(key.toLowerCase()) || SECRET_KEY.test(key);
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      let key = pair.slice(0, eq);
      try {
        key = decodeURIComponent(key);
      } catch {
        // A malformed escape: judge the raw key.
      }
      return isSecretKey(key) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join('&');
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Returns `url` without userinfo and with credential-like query values replaced.
 *
 * @example
 * redactUrl('https://bob:hunter2@example.com/x?token=abc&page=2')
 * // 'https://[REDACTED]@example.com/x?token=[REDACTED]&page=2'
 */
export function redactUrl(url: string | URL): string {
  let text = String(url);
  const scheme = SCHEME.exec(text);
  if (scheme) {
    const afterScheme = text.slice(scheme[0].length);
    // Userinfo ends at the last '@' before the path, query or fragment starts.
    const authorityEnd = afterScheme.search(/[/?#]/);
    const authority = authorityEnd === -1 ? afterScheme : afterScheme.slice(0, authorityEnd);
    const at = authority.lastIndexOf('@');
    if (at !== -1) {
      text = `${scheme[0]}${REDACTED}@${afterScheme.slice(at + 1)}`;
    }
  }
  const hash = text.indexOf('#');
  const fragment = hash === -1 ? '' : text.slice(hash);
  const beforeHash = hash === -1 ? text : text.slice(0, hash);
  const question = beforeHash.indexOf('?');
  if (question === -1) return beforeHash + redactFragment(fragment);
  return (
    beforeHash.slice(0, question + 1) +
    redactQuery(beforeHash.slice(question + 1)) +
    redactFragment(fragment)
  );
}

// OAuth implicit flows put tokens in the fragment (`#access_token=…`).
function redactFragment(fragment: string): string {
  return fragment.includes('=') ? `#${redactQuery(fragment.slice(1))}` : fragment;
}

/** A header bag as Node and got keep them. */
export type HeaderBag = Record<string, string | string[] | number | undefined>;

/**
 * Returns a copy of `headers` with Authorization, Cookie, Proxy-Authorization and other
 * credential headers replaced by `[REDACTED]`. Accepts a plain object, a `Headers` instance
 * or an array of pairs.
 */
export function redactHeaders(
  headers: HeaderBag | Headers | Iterable<[string, string]> | undefined,
): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  if (!headers) return result;
  const entries: Iterable<[string, unknown]> =
    typeof (headers as Headers).entries === 'function' || Symbol.iterator in headers
      ? (headers as Iterable<[string, string]>)
      : Object.entries(headers);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    if (isSecretKey(name)) {
      result[name] = REDACTED;
    } else if (Array.isArray(value)) {
      result[name] = value.map((v) => redactText(String(v)));
    } else {
      result[name] = redactText(String(value));
    }
  }
  return result;
}

const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const HEADER_IN_TEXT =
  /\b(authorization|proxy-authorization|cookie|set-cookie|x-api-key|password|passphrase|secret)(\s*[:=]\s*)("[^"]*"|'[^']*'|[^\r\n,;}]+)/gi;
const BEARER_IN_TEXT = /\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
const KEY_VALUE_IN_TEXT = /\b([A-Za-z_][A-Za-z0-9_.-]*)(=)("[^"]*"|'[^']*'|[^\s&,;"'}]+)/g;

/**
 * Removes secrets from free text such as an error message from a lower library: URLs are
 * passed through {@link redactUrl}, `Authorization: …` style header text, `Bearer …` tokens
 * and `password=…` style pairs are replaced.
 */
export function redactText(text: string): string {
  return text
    .replace(URL_IN_TEXT, (url) => redactUrl(url))
    .replace(HEADER_IN_TEXT, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`)
    .replace(BEARER_IN_TEXT, (m) => `${m.split(/\s+/)[0]} ${REDACTED}`)
    .replace(KEY_VALUE_IN_TEXT, (m, key: string, sep: string, value: string) =>
      value !== REDACTED && SECRET_KEY.test(key) && !SCHEME.test(value)
        ? `${key}${sep}${REDACTED}`
        : m,
    );
}
