/**
 * got's `beforeRedirect` hook, run on every redirect hop:
 *
 * - Credentials never cross to another origin. got compares host and port only, so an
 *   `https://h/` → `http://h/` downgrade would carry Authorization, Cookie and URL userinfo (as
 *   Basic) in clear text. Here a change of scheme, host or port drops Authorization,
 *   Proxy-Authorization, Cookie, every header `@net/errors` classes as secret, and userinfo.
 *   (A cookie jar still adds the cookies it holds for the new URL: that is the jar's decision.)
 * - Each hop chooses its own proxy from its own URL (NO_PROXY included), not the first hop's.
 */
import { isSecretKey } from '@net/errors/internal';
import type { Options, PlainResponse } from 'got';
import type { AgentPool } from './agent-pool.js';

function effectivePort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '');
}

/** @internal Whether `a` and `b` differ in scheme, host or port. */
export function crossesOrigin(a: URL, b: URL): boolean {
  return (
    a.protocol !== b.protocol ||
    a.hostname.toLowerCase() !== b.hostname.toLowerCase() ||
    effectivePort(a) !== effectivePort(b)
  );
}

/** @internal */
export function redirectGuard(
  agents: AgentPool,
  http2: boolean,
): (options: Options, response: PlainResponse) => void {
  return (options, response) => {
    const to = options.url as URL;
    const from = new URL(response.url);
    if (crossesOrigin(from, to)) {
      const headers = options.headers as Record<string, unknown>;
      for (const name of Object.keys(headers)) {
        if (isSecretKey(name) || name === 'proxy-authorization') delete headers[name];
      }
      options.username = '';
      options.password = '';
      to.username = '';
      to.password = '';
    }
    if (agents.hasProxy) {
      const proxyUrl = agents.proxyFor(to);
      options.agent = proxyUrl ? agents.forProxy(proxyUrl) : agents.direct;
      options.http2 = proxyUrl ? false : http2;
    }
  };
}
