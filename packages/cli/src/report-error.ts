import { NetworkError, redactText } from '@net/all';

/**
 * One clear line for an expected failure — class, code and the (already redacted) message —
 * and no stack trace. `verbose` adds the cause chain, still redacted.
 */
export function formatError(err: unknown, verbose: boolean): string {
  if (err instanceof NetworkError) {
    let text = `net: ${err.name} ${err.code}: ${err.message}`;
    if (verbose) {
      let cause: unknown = err.cause;
      for (let depth = 0; cause !== undefined && depth < 6; depth++) {
        const code = (cause as { code?: unknown }).code;
        const name = cause instanceof Error ? cause.name : typeof cause;
        const message = cause instanceof Error ? cause.message : String(cause);
        text += `\n  caused by ${name}${code === undefined ? '' : ` ${String(code)}`}: ${redactText(message)}`;
        cause = cause instanceof Error ? cause.cause : undefined;
      }
    }
    return text;
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const head = `net: ${code === undefined ? err.name : String(code)}: ${redactText(err.message)}`;
    // An unexpected error is a bug: show where it came from when asked.
    return verbose && err.stack ? `${head}\n${redactText(err.stack)}` : head;
  }
  return `net: ${redactText(String(err))}`;
}
