import { lookup } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { got, Options } from 'got';
import { describe, expect, it } from 'vitest';
import { nativeRequestOptions, useCheapNativeOptions } from '../src/native-request-options.js';

/** got's own build, called on an Options instance. */
const gotsOwn = (options: Options): Record<string, unknown> =>
  Options.prototype.createNativeRequestOptions.call(options);

/** got's Options for `url` as one of our clients would build them (extend, then the call). */
function optionsFor(
  url: string,
  call: Record<string, unknown> = {},
  extend: Record<string, unknown> = {},
) {
  const instance = got.extend({
    retry: { limit: 0, methods: [], statusCodes: [], errorCodes: [] },
    throwHttpErrors: false,
    agent: { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) },
    headers: { 'user-agent': '@net/http' },
    ...extend,
  });
  return new Options(url, call, instance.defaults.options);
}

/** The cache layer's options, which got spreads in too (its cache is off). */
const CACHE_KEYS = ['shared', 'cacheHeuristic', 'immutableMinTimeToLive', 'ignoreCargoCult'];

/** Ours equals got's own build less undefined values and the cache options, value for value. */
function expectSameAsGots(options: Options): void {
  const ours = nativeRequestOptions.call(options as never);
  const theirs = gotsOwn(options);
  const defined = Object.keys(theirs).filter(
    (key) => theirs[key] !== undefined && !CACHE_KEYS.includes(key),
  );
  expect(Object.keys(ours).sort()).toEqual(defined.sort());
  for (const key of defined) expect(ours[key], key).toBe(theirs[key]);
  expect(Object.values(ours)).not.toContain(undefined);
}

describe("the cheaper build of node:http's options (contract with the pinned got)", () => {
  it('equals got’s own build less undefined entries and cache options, over the options we use', () => {
    expectSameAsGots(optionsFor('http://127.0.0.1:8080/a?b=1'));
    expectSameAsGots(
      optionsFor('http://127.0.0.1:8080/', { method: 'POST', body: 'x', headers: { a: 'b' } }),
    );
    expectSameAsGots(
      optionsFor(
        'https://localhost:8443/',
        {},
        {
          https: {
            certificateAuthority: 'CA PEM',
            certificate: 'CERT PEM',
            key: 'KEY PEM',
            rejectUnauthorized: false,
            minVersion: 'TLSv1.2',
            serverName: 'example.test',
          },
          dnsLookup: lookup,
          localAddress: '127.0.0.1',
          maxHeaderSize: 4096,
          cacheOptions: { shared: false },
        },
      ),
    );
    expectSameAsGots(
      optionsFor('http://unix:/tmp/some.sock:/path', {}, { enableUnixSockets: true }),
    );
  });

  it('is installed for HTTP/1.1 and left to got for HTTP/2, a cache and pfx objects', () => {
    const plain = optionsFor('http://127.0.0.1:8080/');
    useCheapNativeOptions(plain);
    expect(Object.hasOwn(plain, 'createNativeRequestOptions')).toBe(true);

    const h2 = optionsFor('https://127.0.0.1:8443/', {}, { http2: true });
    useCheapNativeOptions(h2);
    expect(Object.hasOwn(h2, 'createNativeRequestOptions')).toBe(false);

    const pfx = optionsFor(
      'https://127.0.0.1:8443/',
      {},
      { https: { pfx: [{ buffer: Buffer.from('x'), passphrase: 'p' }] } },
    );
    useCheapNativeOptions(pfx);
    expect(Object.hasOwn(pfx, 'createNativeRequestOptions')).toBe(false);

    const cached = optionsFor('http://127.0.0.1:8080/', {}, { cache: new Map() });
    useCheapNativeOptions(cached);
    expect(Object.hasOwn(cached, 'createNativeRequestOptions')).toBe(false);
  });
});
