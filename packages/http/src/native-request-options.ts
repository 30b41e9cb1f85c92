/**
 * A cheaper build of the options got hands to `http.request()`.
 *
 * got 14 builds them in `Options#createNativeRequestOptions` as one object literal of 37 keys
 * that starts with two spreads (`{ ...cacheOptions, ...unixOptions, ALPNProtocols, ca, … }`),
 * most of them undefined for a plain request. Two costs follow, measured on small loopback
 * GETs (see BENCHMARKS.md):
 * - On Node 20 (V8 11.3) that literal takes V8's slow path: 45–52 µs and ~22 KB of garbage per
 *   call, about a sixth of the request's CPU. (Node 22 and later build it in ~0.2 µs.)
 * - On every Node, `http.request()` and the agent each copy all 37 keys again; with only the
 *   defined ones the request costs 15–20 % less CPU on Node 22.
 *
 * The replacement builds the same entries got's would, less those whose value is undefined
 * (node:http and node:https treat a missing option and an undefined one alike) and less the
 * cache options (read only by got's cache layer, which is off). The contract test
 * (`test/native-request-options.test.ts`) checks it against got's own build for the pinned got.
 * It is installed on each request's Options instance through got's documented `beforeRequest`
 * hook (the hook receives that instance), shadowing the prototype method for that request
 * only. HTTP/2, a cache and `pfx` given as objects keep got's own build: it merges agents and
 * rewrites pfx there.
 * @internal
 */
import { checkServerIdentity } from 'node:tls';
import type { Options } from 'got';

/** The got internals read here (the same fields got's own build reads). */
interface Internals {
  url: URL;
  http2: boolean;
  agent: { http?: unknown; https?: unknown };
  https: Record<string, unknown>;
  dnsLookup?: unknown;
  dnsCache?: { lookup?: unknown };
  dnsLookupIpVersion?: unknown;
  setHost: unknown;
  method: unknown;
  maxHeaderSize: unknown;
  localAddress: unknown;
  headers: unknown;
  createConnection: unknown;
  h2session: unknown;
  cache?: unknown;
}

interface OptionsInternals {
  _internals: Internals;
  _unixOptions?: Record<string, unknown>;
}

/**
 * @internal
 * got's `createNativeRequestOptions()` for HTTP/1.1 without a cache, less the entries whose
 * value is undefined and the cache options (read only by got's cache layer): node:http and
 * node:https treat a missing option and an undefined one alike, and every key handed over is
 * copied again by `http.request()` and by the agent.
 */
export function nativeRequestOptions(this: OptionsInternals): Record<string, unknown> {
  const internals = this._internals;
  const https = internals.https;
  const options: Record<string, unknown> = {
    agent: internals.url.protocol === 'https:' ? internals.agent.https : internals.agent.http,
    headers: internals.headers,
    method: internals.method,
    setHost: internals.setHost,
    checkServerIdentity: https.checkServerIdentity ?? checkServerIdentity,
  };
  for (const [from, to] of TLS_KEYS) {
    const value = https[from];
    if (value !== undefined) options[to] = value;
  }
  const lookup = internals.dnsLookup ?? internals.dnsCache?.lookup;
  if (lookup !== undefined) options.lookup = lookup;
  if (internals.dnsLookupIpVersion !== undefined) options.family = internals.dnsLookupIpVersion;
  if (internals.maxHeaderSize !== undefined) options.maxHeaderSize = internals.maxHeaderSize;
  if (internals.localAddress !== undefined) options.localAddress = internals.localAddress;
  if (internals.createConnection !== undefined)
    options.createConnection = internals.createConnection;
  if (internals.h2session !== undefined) options.h2session = internals.h2session;
  return this._unixOptions ? Object.assign(options, this._unixOptions) : options;
}

/** got's https option name → node:tls's, as got's own build maps them. */
const TLS_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['alpnProtocols', 'ALPNProtocols'],
  ['certificateAuthority', 'ca'],
  ['certificate', 'cert'],
  ['key', 'key'],
  ['passphrase', 'passphrase'],
  ['pfx', 'pfx'],
  ['rejectUnauthorized', 'rejectUnauthorized'],
  ['serverName', 'servername'],
  ['ciphers', 'ciphers'],
  ['honorCipherOrder', 'honorCipherOrder'],
  ['minVersion', 'minVersion'],
  ['maxVersion', 'maxVersion'],
  ['signatureAlgorithms', 'sigalgs'],
  ['tlsSessionLifetime', 'sessionTimeout'],
  ['dhparam', 'dhparam'],
  ['ecdhCurve', 'ecdhCurve'],
  ['certificateRevocationLists', 'crl'],
  ['secureOptions', 'secureOptions'],
];

/**
 * @internal
 * got `beforeRequest` hook: gives this request's Options the cheaper build, unless the request
 * needs what only got's own build does (HTTP/2, pfx objects).
 */
export function useCheapNativeOptions(options: Options): void {
  const internals = (options as unknown as OptionsInternals)._internals;
  if (internals === undefined || internals.http2 || internals.cache !== undefined) return;
  const pfx = internals.https.pfx;
  if (Array.isArray(pfx)) return;
  (options as unknown as { createNativeRequestOptions: unknown }).createNativeRequestOptions =
    nativeRequestOptions;
}
