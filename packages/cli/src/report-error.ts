import { NetworkError, redactText } from '@net/errors';
import { escapeControlChars, redactKnownSecrets } from '@net/errors/internal';

/**
 * Makes one diagnostic line safe for a terminal and a log: secrets typed on the command line
 * and URL credentials removed, control characters from servers (a reason phrase, a close
 * reason, a file name) escaped so they cannot clear the screen or forge another line.
 */
export function sanitizeLine(text: string, secrets: readonly string[] = []): string {
  return escapeControlChars(redactKnownSecrets(redactText(text), secrets));
}

/**
 * One clear line for an expected failure — class, code and the (already redacted) message —
 * and no stack trace. `verbose` adds the cause chain, still redacted, one cause per line.
 */
export function formatError(
  err: unknown,
  verbose: boolean,
  secrets: readonly string[] = [],
): string {
  const line = (text: string) => sanitizeLine(text, secrets);
  if (err instanceof NetworkError) {
    let text = line(`net: ${err.name} ${err.code}: ${err.message}`);
    if (verbose) {
      let cause: unknown = err.cause;
      for (let depth = 0; cause !== undefined && depth < 6; depth++) {
        const code = (cause as { code?: unknown }).code;
        const name = cause instanceof Error ? cause.name : typeof cause;
        const message = cause instanceof Error ? cause.message : String(cause);
        text += `\n  ${line(`caused by ${name}${code === undefined ? '' : ` ${String(code)}`}: ${message}`)}`;
        cause = cause instanceof Error ? cause.cause : undefined;
      }
    }
    return text;
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const head = line(`net: ${code === undefined ? err.name : String(code)}: ${err.message}`);
    // An unexpected error is a bug: show where it came from when asked.
    if (!verbose || !err.stack) return head;
    const frames = err.stack.split('\n').filter((l) => /^\s+at /.test(l));
    return [head, ...frames.map((f) => `  ${line(f.trim())}`)].join('\n');
  }
  return line(`net: ${String(err)}`);
}
