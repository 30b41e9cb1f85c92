/**
 * Escapes control characters (C0, DEL, C1 and the Unicode line/paragraph separators and bidi
 * overrides) so server-controlled text shown on a terminal line cannot move the cursor, change
 * the title, clear the screen or forge another line. Printable text, including non-ASCII, is kept.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function escapeControlChars(text: string): string {
  return text.replace(CONTROL, (ch) => {
    switch (ch) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      case '\x1b':
        return '\\e';
      default: {
        const code = ch.charCodeAt(0);
        return code <= 0xff
          ? `\\x${code.toString(16).padStart(2, '0')}`
          : `\\u${code.toString(16).padStart(4, '0')}`;
      }
    }
  });
}
