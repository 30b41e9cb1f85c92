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

/**
 * Short keys that are credentials only as whole names (a substring test would shred ordinary
 * words): OAuth's authorization `code`, `pw`, and session ids (`sid`).
 */
const EXACT_SECRET_KEYS = new Set(['code', 'pw', 'sid']);

/** True when a query, form or header key names a credential. */
export function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  return SECRET_HEADERS.has(lower) || EXACT_SECRET_KEYS.has(lower) || SECRET_KEY.test(key);
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
// Credential header lines: the whole value to the end of the line (every cookie of a Cookie
// line, every parameter of a Digest Authorization), or the whole quoted string in JSON-shaped
// text (`"cookie": "a=1; b=2"`).
const CREDENTIAL_LINE_IN_TEXT =
  /\b(authorization|proxy-authorization|set-cookie|cookie)(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\r\n]+)/gi;
const HEADER_IN_TEXT =
  /\b(x-api-key|password|passphrase|secret)(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\r\n,;}]+)/gi;
// A Digest `response="…"` parameter, wherever the header name itself was not kept.
const DIGEST_RESPONSE_IN_TEXT = /\bresponse="[^"]*"/gi;
const BEARER_IN_TEXT = /\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
const KEY_VALUE_IN_TEXT = /\b([A-Za-z_][A-Za-z0-9_.-]*)(=)("[^"]*"|'[^']*'|[^\s&,;"'}]+)/g;

/**
 * Whether `key=value` in free text is a credential. `code` counts only as a query or form
 * parameter (after `?` or `&`): "exit code=1" is not an OAuth code.
 */
function isSecretInText(key: string, before: string | undefined): boolean {
  const lower = key.toLowerCase();
  if (lower === 'code') return before === '?' || before === '&';
  return EXACT_SECRET_KEYS.has(lower) || SECRET_KEY.test(key);
}

/**
 * Removes secrets from free text such as an error message from a lower library: URLs are
 * passed through {@link redactUrl}, `Authorization: …` style header text, `Bearer …` tokens
 * and `password=…` style pairs are replaced.
 */
export function redactText(text: string): string {
  return text
    .replace(URL_IN_TEXT, (url) => redactUrl(url))
    .replace(
      CREDENTIAL_LINE_IN_TEXT,
      (_m, name: string, sep: string, value: string) =>
        `${name}${sep}${value.startsWith('"') ? `"${REDACTED}"` : REDACTED}`,
    )
    .replace(HEADER_IN_TEXT, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`)
    .replace(DIGEST_RESPONSE_IN_TEXT, `response="${REDACTED}"`)
    .replace(BEARER_IN_TEXT, (m) => `${m.split(/\s+/)[0]} ${REDACTED}`)
    .replace(
      KEY_VALUE_IN_TEXT,
      (m, key: string, sep: string, value: string, offset: number, whole: string) =>
        value !== REDACTED && isSecretInText(key, whole[offset - 1]) && !SCHEME.test(value)
          ? `${key}${sep}${REDACTED}`
          : m,
    );
}
