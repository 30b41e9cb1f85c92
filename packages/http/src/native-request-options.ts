/**
 * A cheaper build of the options got hands to `http.request()`, for Node 20.
 *
 * got 14 builds them in `Options#createNativeRequestOptions` with one object literal that
 * starts with two spreads (`{ ...cacheOptions, ...unixOptions, ALPNProtocols, ca, … }`). On
 * Node 20 (V8 11.3) that literal takes V8's slow path: measured 45–52 µs and ~22 KB of garbage
 * per call — more than all of HTTPClient's own per-request work, and about a sixth of a small
 * loopback request's CPU (see BENCHMARKS.md). Node 22 and later build the same literal in
 * ~0.2 µs, so there nothing is changed.
 *
 * The replacement builds the same object, with the same keys and values (checked against got's
 * own by `test/native-request-options.test.ts` for the pinned got), with the fixed keys first
 * and the two spread parts assigned after: they share no key with the rest, so the order makes
 * no difference. It is installed on each request's Options instance through got's documented
 * `beforeRequest` hook (the hook receives that instance), shadowing the prototype method for
 * that request only. HTTP/2 and `pfx` given as objects keep got's own build: it merges agents and
 * rewrites pfx there.
 * @internal
 */
import { checkServerIdentity } from 'node:tls';
import type { Options } from 'got';

/** Whether this runtime has the slow object-spread path (V8 before 12, i.e. Node 20). @internal */
export const SLOW_OPTION_SPREAD = Number(process.versions.v8.split('.')[0]) < 12;

/** The got internals read here (the same fields got's own build reads). */
interface Internals {
  url: URL;
  http2: boolean;
  agent: { http?: unknown; https?: unknown };
  https: Record<string, unknown>;
  cacheOptions: Record<string, unknown>;
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
}

interface OptionsInternals {
  _internals: Internals;
  _unixOptions?: Record<string, unknown>;
}

/** @internal The same object as got's `createNativeRequestOptions()`, for HTTP/1.1. */
export function nativeRequestOptions(this: OptionsInternals): Record<string, unknown> {
  const internals = this._internals;
  const https = internals.https;
  const options: Record<string, unknown> = {
    ALPNProtocols: https.alpnProtocols,
    ca: https.certificateAuthority,
    cert: https.certificate,
    key: https.key,
    passphrase: https.passphrase,
    pfx: https.pfx,
    rejectUnauthorized: https.rejectUnauthorized,
    checkServerIdentity: https.checkServerIdentity ?? checkServerIdentity,
    servername: https.serverName,
    ciphers: https.ciphers,
    honorCipherOrder: https.honorCipherOrder,
    minVersion: https.minVersion,
    maxVersion: https.maxVersion,
    sigalgs: https.signatureAlgorithms,
    sessionTimeout: https.tlsSessionLifetime,
    dhparam: https.dhparam,
    ecdhCurve: https.ecdhCurve,
    crl: https.certificateRevocationLists,
    secureOptions: https.secureOptions,
    lookup: internals.dnsLookup ?? internals.dnsCache?.lookup,
    family: internals.dnsLookupIpVersion,
    agent: internals.url.protocol === 'https:' ? internals.agent.https : internals.agent.http,
    setHost: internals.setHost,
    method: internals.method,
    maxHeaderSize: internals.maxHeaderSize,
    localAddress: internals.localAddress,
    headers: internals.headers,
    createConnection: internals.createConnection,
    timeout: undefined,
    h2session: internals.h2session,
  };
  return Object.assign(options, internals.cacheOptions, this._unixOptions);
}

/**
 * @internal
 * got `beforeRequest` hook: gives this request's Options the cheaper build, unless the request
 * needs what only got's own build does (HTTP/2, pfx objects).
 */
export function useCheapNativeOptions(options: Options): void {
  const internals = (options as unknown as OptionsInternals)._internals;
  if (internals === undefined || internals.http2) return;
  const pfx = internals.https.pfx;
  if (Array.isArray(pfx)) return;
  (options as unknown as { createNativeRequestOptions: unknown }).createNativeRequestOptions =
    nativeRequestOptions;
}
