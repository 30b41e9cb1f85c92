import { invalidArgValue, isHeaderName } from '@net/errors/internal';

/**
 * `-H 'Name: value'` flags into an object. Errors name the flag's position, never its text: a
 * mistyped `-H 'X-Api-Key SECRET'` must not print the secret back. Values with CR/LF are
 * refused by the client itself.
 */
export function parseHeaderFlags(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  lines.forEach((line, index) => {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!isHeaderName(name)) {
      throw invalidArgValue(
        '--header',
        `Header #${index + 1} is not 'Name: value' with a valid header name (its text is not shown: it may hold a secret).`,
      );
    }
    headers[name] = line.slice(colon + 1).trim();
  });
  return headers;
}
