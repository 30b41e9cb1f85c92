/**
 * Characters that mean nothing to sh, bash, dash, ksh or zsh anywhere in a word. Deliberately
 * small: `=` is left out (zsh expands `=ls` to `/usr/bin/ls`), as are `~`, `%`, `^`, `#`, `!`,
 * `{`, `}`, `[`, `]` and every other character some shell gives a meaning somewhere.
 */
const SAFE = /^[A-Za-z0-9_./:@,+-]+$/;

/**
 * Quotes one argument for a POSIX-like shell (sh, bash, dash, ksh, zsh): a word made only of
 * {@link SAFE} characters goes as is, anything else is wrapped in single quotes, where nothing
 * is special, with each embedded `'` written as `'\''`. Safe for spaces, `$(…)`, backticks,
 * `;`, globs, `=word`, `~` and newlines. A NUL byte cannot be sent in a command at all and is
 * refused by `exec()` before any I/O.
 */
export function quoteArg(arg: string): string {
  if (SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argv array as one shell command line; each element arrives as exactly one argument. */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}
