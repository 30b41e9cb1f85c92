/**
 * Quotes one argument for a POSIX shell: wrapped in single quotes, where nothing is special,
 * with each embedded `'` written as `'\''`. Safe for spaces, `$(…)`, backticks, `;`, globs and
 * newlines. The remote login shell must be POSIX-like (sh, bash, dash, zsh, ksh).
 */
export function quoteArg(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argv array as one shell command line; each element arrives as exactly one argument. */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}
