const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * `example.test/x` → `http://example.test/x`, as curl and httpie assume; a URL that names its
 * scheme is kept as typed.
 */
export function withDefaultScheme(url: string, scheme: 'http' | 'ws'): string {
  return SCHEME.test(url) ? url : `${scheme}://${url}`;
}
