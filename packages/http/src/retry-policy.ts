/**
 * The retry policy: which failures are worth another attempt and how long to wait first.
 * Pure functions, so the arithmetic is testable without a server or a clock.
 */
import {
  checkInteger,
  checkOptionKeys,
  invalidArgType,
  RETRYABLE_STATUS_CODES,
} from '@net/errors/internal';

/** Methods that are safe to repeat: the same request twice has the effect of once (RFC 9110 §9.2.2). */
const IDEMPOTENT_METHODS: readonly string[] = ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE'];

/** How failed attempts are retried. */
export interface RetryOptions {
  /**
   * Methods that are retried. POST and PATCH are retried only when the call passes
   * `idempotencyKey`, whatever this list says.
   * @default ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']
   */
  methods?: readonly string[];
  /**
   * Response statuses that are retried.
   * @default [408, 413, 429, 500, 502, 503, 504]
   */
  statusCodes?: readonly number[];
  /**
   * The back-off cap of the first retry, in ms; it doubles on each further retry. The wait
   * itself is drawn uniformly from 0 up to the cap ("full jitter").
   * @default 300
   */
  baseDelay?: number;
  /**
   * The largest back-off cap, in ms.
   * @default 30000
   */
  maxDelay?: number;
  /**
   * The longest `Retry-After` (or `RateLimit-Reset`) that is waited for, in ms. A longer one
   * fails the call at once with RateLimitError (its `retryAfterMs` says how long the server
   * asked for).
   * @default 60000
   */
  maxRetryAfter?: number;
}

/** @internal {@link RetryOptions} with every field present. */
export interface RetryPolicy {
  methods: ReadonlySet<string>;
  statusCodes: ReadonlySet<number>;
  baseDelay: number;
  maxDelay: number;
  maxRetryAfter: number;
}

/** @internal The default retry policy, as data. */
export const RETRY_DEFAULTS: {
  readonly methods: readonly string[];
  readonly statusCodes: readonly number[];
  readonly baseDelay: number;
  readonly maxDelay: number;
  readonly maxRetryAfter: number;
} = {
  methods: IDEMPOTENT_METHODS,
  statusCodes: [...RETRYABLE_STATUS_CODES],
  baseDelay: 300,
  maxDelay: 30_000,
  maxRetryAfter: 60_000,
};

const RETRY_KEYS = Object.keys(RETRY_DEFAULTS);

let defaultPolicy: RetryPolicy | undefined;

function checkList<T>(name: string, value: unknown, check: (v: unknown) => T): T[] {
  if (!Array.isArray(value)) throw invalidArgType(name, 'an array', value);
  return value.map((v) => check(v));
}

/** @internal Merges retry options onto a policy (the default one when `base` is undefined), checking each field. */
export function resolveRetry(
  name: string,
  value: unknown,
  base: RetryPolicy | undefined,
): RetryPolicy {
  defaultPolicy ??= {
    methods: new Set(RETRY_DEFAULTS.methods),
    statusCodes: new Set(RETRY_DEFAULTS.statusCodes),
    baseDelay: RETRY_DEFAULTS.baseDelay,
    maxDelay: RETRY_DEFAULTS.maxDelay,
    maxRetryAfter: RETRY_DEFAULTS.maxRetryAfter,
  };
  const from = base ?? defaultPolicy;
  if (value === undefined) return from;
  const given = checkOptionKeys<RetryOptions>(name, value, RETRY_KEYS);
  const count = (key: 'baseDelay' | 'maxDelay' | 'maxRetryAfter') =>
    given[key] === undefined ? from[key] : checkInteger(`${name}.${key}`, given[key], { min: 0 });
  return {
    methods:
      given.methods === undefined
        ? from.methods
        : new Set(
            checkList(`${name}.methods`, given.methods, (m) => {
              if (typeof m !== 'string') throw invalidArgType(`${name}.methods`, 'strings', m);
              return m.toUpperCase();
            }),
          ),
    statusCodes:
      given.statusCodes === undefined
        ? from.statusCodes
        : new Set(
            checkList(`${name}.statusCodes`, given.statusCodes, (s) =>
              checkInteger(`${name}.statusCodes`, s, { min: 100, max: 599 }),
            ),
          ),
    baseDelay: count('baseDelay'),
    maxDelay: count('maxDelay'),
    maxRetryAfter: count('maxRetryAfter'),
  };
}

/**
 * @internal
 * Whether a method may be retried: listed in the policy, and for POST/PATCH only with an
 * idempotency key (a key makes a repeat safe on a server that honours it).
 */
export function isRetryableMethod(
  method: string,
  policy: RetryPolicy,
  hasIdempotencyKey: boolean,
): boolean {
  if (method === 'POST' || method === 'PATCH') return hasIdempotencyKey;
  return policy.methods.has(method) || hasIdempotencyKey;
}
