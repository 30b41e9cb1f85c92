import { applyBrands, brandFor, hasBrand } from './brand.js';
import { ErrorCodes, type ErrorCode } from './codes.js';
import { redactText } from './redact.js';

/** Options every error class accepts. */
export interface NetworkErrorOptions {
  /** The original library or system error. Always kept, never rebuilt from its message. */
  cause?: unknown;
  /** Overrides the class's judgement of whether trying again may succeed. */
  retryable?: boolean;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const MAX_CAUSE_DEPTH = 5;

/** Names of fields that are never serialised (heavy or carry secrets by nature). */
const HIDDEN_FIELDS = new Set(['response', 'cause', 'stack']);

/**
 * The base of every `@net` error. Match on `code` (a closed set, see `ErrorCodes`) or on the
 * class with `instanceof`, which works across two installed copies of this package.
 *
 * Messages are redacted at construction: URLs lose their userinfo and credential-like query
 * values, and header-like text loses its values, so `message`, `stack`, `toJSON()` and
 * `util.inspect()` are safe to log.
 */
export class NetworkError extends Error {
  static readonly brand: symbol = brandFor('NetworkError');
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }

  /** A stable identifier; see `ErrorCodes`. */
  readonly code: ErrorCode;
  /** Whether the same operation may succeed if tried again. */
  readonly retryable: boolean;

  constructor(
    message: string,
    options: NetworkErrorOptions & { code?: ErrorCode } = {},
    defaultRetryable = false,
  ) {
    super(redactText(message), options.cause === undefined ? undefined : { cause: options.cause });
    applyBrands(this, new.target);
    this.code = options.code ?? ErrorCodes.NETWORK;
    this.retryable = options.retryable ?? defaultRetryable;
  }

  /** A plain, secret-free object for logs and structured output. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (!HIDDEN_FIELDS.has(key) && value !== undefined) json[key] = value;
    }
    const cause = describeCause(this.cause, 0);
    if (cause) json.cause = cause;
    return json;
  }

  /** Node's `util.inspect`: the stack, the fields, and a redacted summary of the causes. */
  [INSPECT](
    _depth: number,
    options: unknown,
    inspect: (v: unknown, o?: unknown) => string,
  ): string {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this)) {
      if (!HIDDEN_FIELDS.has(key) && value !== undefined) fields[key] = value;
    }
    let text = `${this.stack ?? `${this.name}: ${this.message}`} ${inspect(fields, options)}`;
    let cause: unknown = this.cause;
    for (let depth = 0; cause !== undefined && depth < MAX_CAUSE_DEPTH; depth++) {
      text += `\n  [cause]: ${causeText(cause)}`;
      cause = cause instanceof Error ? cause.cause : undefined;
    }
    return text;
  }
}
Object.defineProperty(NetworkError.prototype, 'name', { value: 'NetworkError', writable: true });

function causeText(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const head = cause.stack ?? `${cause.name}: ${cause.message}`;
    return redactText(code === undefined ? head : `${head} (code: ${String(code)})`);
  }
  return redactText(String(cause));
}

function describeCause(cause: unknown, depth: number): Record<string, unknown> | undefined {
  if (cause === undefined || depth >= MAX_CAUSE_DEPTH) return undefined;
  if (!(cause instanceof Error)) return { message: redactText(String(cause)) };
  const code = (cause as { code?: unknown }).code;
  const described: Record<string, unknown> = {
    name: cause.name,
    message: redactText(cause.message),
  };
  if (code !== undefined) described.code = code;
  const inner = describeCause(cause.cause, depth + 1);
  if (inner) described.cause = inner;
  return described;
}
