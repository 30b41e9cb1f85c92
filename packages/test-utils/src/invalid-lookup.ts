import { lookup as dnsLookup } from 'node:dns';

/**
 * A `lookup` function (for node:net, node:tls, node:dgram and got) that answers every name
 * under `.invalid` locally with exactly the error getaddrinfo gives — `ENOTFOUND`, syscall
 * `getaddrinfo`, the `hostname` — so DNS-failure tests never send a query off the machine.
 * Other names go to the system resolver as usual.
 */
export const invalidLookup = ((
  hostname: string,
  options: unknown,
  callback: (...args: unknown[]) => void,
) => {
  // `lookup(hostname, callback)` form: options are optional.
  const done = typeof options === 'function' ? (options as typeof callback) : callback;
  if (hostname.endsWith('.invalid')) {
    const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
      code: 'ENOTFOUND',
      errno: -3008,
      syscall: 'getaddrinfo',
      hostname,
    });
    process.nextTick(() => done(err));
    return;
  }
  (dnsLookup as (...args: unknown[]) => void)(hostname, options, callback);
}) as typeof dnsLookup;
