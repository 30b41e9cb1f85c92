import { HTTPError, RateLimitError, redactText, redactUrl } from '@net/errors';
import { escapeControlChars, redactKnownSecrets } from '@net/errors/internal';
import type { IncomingHttpHeaders } from 'node:http';
import type { Response } from './response.js';
import { serverRequestedDelay } from './retry-after.js';

const SNIPPET_BYTES = 1024;

function scrub(text: string, secrets: string[]): string {
  return redactKnownSecrets(redactText(text), secrets);
}

function scrubHeaders(headers: IncomingHttpHeaders, secrets: string[]): IncomingHttpHeaders {
  if (secrets.length === 0) return headers;
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = Array.isArray(value)
      ? value.map((v) => scrub(v, secrets))
      : value === undefined
        ? undefined
        : scrub(value, secrets);
  }
  return out;
}

/**
 * @internal
 * The error a 4xx/5xx response becomes: ky-style message, redacted URL, body snippet. 429 — or
 * any status whose `Retry-After` was too long to wait for (`retryAfterMs` given) — is a
 * RateLimitError.
 *
 * A server that echoes the request (a debug 500 page) would hand the caller's credentials back
 * into logs through the body snippet or headers: both are scrubbed of the exact secret values
 * this request carried (`secrets`) and of credential-looking text. The untouched response stays
 * reachable through the non-enumerable `response`.
 */
export function httpError(response: Response, secrets: string[], retryAfterMs?: number): HTTPError {
  // The reason phrase is the server's text: escaped, so it cannot drive a terminal.
  const reason = escapeControlChars(response.statusMessage);
  const what = `${response.statusCode}${reason ? ` ${reason}` : ''}`;
  const message = `Request failed with status code ${what}: ${response.method} ${redactUrl(response.url)}`;
  // Decode a little more than the snippet, so a secret cut at the boundary is still recognised.
  const head = response.body.subarray(0, SNIPPET_BYTES + 256).toString('utf8');
  const init = {
    statusCode: response.statusCode,
    statusMessage: scrub(response.statusMessage, secrets),
    method: response.method,
    url: response.url,
    headers: scrubHeaders(response.headers, secrets),
    body: scrub(head, secrets).slice(0, SNIPPET_BYTES),
    response,
  };
  if (retryAfterMs !== undefined) return new RateLimitError(message, { ...init, retryAfterMs });
  if (response.statusCode === 429) {
    return new RateLimitError(message, {
      ...init,
      retryAfterMs: serverRequestedDelay(response.headers),
    });
  }
  return new HTTPError(message, init);
}
