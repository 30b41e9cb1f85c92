/**
 * `@net/errors/internal`: the checks and helpers every @net package shares, so one rule is
 * written once (option keys, values, timeouts, headers, deadlines, back-off, target formatting,
 * terminal escaping). Not public API: it follows the @net packages' versions, not semver.
 */
export { checkOptionKeys, closestKey, unknownOptionKey } from './option-keys.js';
export {
  checkBoolean,
  checkFunction,
  checkHost,
  checkInteger,
  isIpLiteral,
  checkNoNul,
  checkNumber,
  checkPort,
  checkSignal,
  checkString,
  rejected,
  toBytes,
} from './value-checks.js';
export { checkTimeout, hasTimeout, MAX_TIMER_MS, NO_TIMEOUT } from './timeout.js';
export { checkHeaders, isHeaderName } from './headers.js';
export { abortErrorFor, sleep, startDeadline, throwIfAborted, withDeadline } from './deadline.js';
export type { Deadline, DeadlineOptions } from './deadline.js';
export { formatHostPort } from './target.js';
export { fullJitterBackoff, RETRYABLE_STATUS_CODES } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { escapeControlChars } from './terminal-text.js';
export { redactKnownSecrets } from './known-secrets.js';
export { argOutOfRange, invalidArgType, invalidArgValue } from '../invalid-argument.js';
export { bodySnippet, BODY_SNIPPET_BYTES } from '../http-error.js';
export { isSecretKey } from '../redact.js';
