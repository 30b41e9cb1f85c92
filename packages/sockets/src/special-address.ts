import { invalidArgValue } from '@net/errors/internal';
import { ipToBigInt } from './ip-address.js';

/** Why an address is not one peer: a connect to it fails, or reaches many hosts at once. */
export type SpecialAddressKind = 'unspecified' | 'multicast' | 'broadcast';

const V4_MAPPED = 0xffff_0000_0000n;

/**
 * The kind of a non-unicast IP address, or undefined for an ordinary one: `0.0.0.0/8` and `::`
 * (unspecified, "this host"), `224.0.0.0/4` and `ff00::/8` (multicast), `255.255.255.255`
 * (limited broadcast), and IPv4-mapped IPv6 forms of these. A subnet's directed broadcast
 * address cannot be told from here (it depends on the prefix); the kernel refuses it (EACCES).
 */
export function specialAddressKind(address: string): SpecialAddressKind | undefined {
  const parsed = ipToBigInt(address);
  if (!parsed) return undefined;
  let { value, family } = parsed;
  if (family === 6 && value >> 32n === V4_MAPPED >> 32n) {
    value &= 0xffff_ffffn;
    family = 4;
  }
  if (family === 4) {
    if (value >> 24n === 0n) return 'unspecified';
    if (value >> 28n === 0xen) return 'multicast';
    if (value === 0xffff_ffffn) return 'broadcast';
    return undefined;
  }
  if (value === 0n) return 'unspecified';
  if (value >> 120n === 0xffn) return 'multicast';
  return undefined;
}

/**
 * The RangeError (code ERR_INVALID_ARG_VALUE) for a target that is not one peer, raised before
 * any packet is sent; `allowedBy` names the option that lets it through.
 */
export function specialAddressError(
  name: string,
  host: string,
  address: string,
  kind: SpecialAddressKind,
  allowedBy: string,
): RangeError {
  const via = host === address ? '' : ` (${JSON.stringify(host.slice(0, 64))} resolves to it)`;
  const error = new RangeError(
    `The argument '${name}' is invalid. ${address} is a ${kind} address${via}; set ${allowedBy}: true to send to it anyway.`,
  );
  const base = invalidArgValue(name, '');
  Object.defineProperty(error, 'code', { value: base.code, enumerable: true, writable: true });
  return error;
}
