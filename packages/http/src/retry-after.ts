/**
 * How long a server asked us to wait: `Retry-After` (RFC 9110 §10.2.3) or, failing that, the
 * reset time of draft-ietf-httpapi-ratelimit-headers — `RateLimit-Reset: <seconds>` in the
 * older drafts, `RateLimit: "policy";r=0;t=<seconds>` in the newer ones.
 */
import type { IncomingHttpHeaders } from 'node:http';

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * @internal
 * Parses `Retry-After` (delay-seconds or an HTTP-date) into ms from `now`. Returns undefined
 * when absent or unparseable; a date in the past is 0.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const text = first(value);
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only an IMF-fixdate-like value counts: Date.parse accepts far more, e.g. "1".
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** @internal The reset delay of the RateLimit headers, in ms, or undefined. */
export function parseRateLimitReset(headers: IncomingHttpHeaders): number | undefined {
  const reset = first(headers['ratelimit-reset'])?.trim();
  if (reset !== undefined && /^\d+$/.test(reset)) return Number(reset) * 1000;
  const combined = first(headers['ratelimit']);
  if (combined !== undefined) {
    // Structured-field parameters: `t=` in the current draft, `reset=` in an earlier one.
    const match = /(?:^|[;,\s])(?:t|reset)=(\d+)/.exec(combined);
    if (match) return Number(match[1]) * 1000;
  }
  return undefined;
}

/** @internal `Retry-After` when present, else the RateLimit reset, in ms. */
export function serverRequestedDelay(headers: IncomingHttpHeaders): number | undefined {
  return parseRetryAfter(headers['retry-after']) ?? parseRateLimitReset(headers);
}
