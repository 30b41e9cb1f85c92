import { AbortError, NetworkError, toNetworkError } from '@net/errors';
import { isIP, type LookupFunction } from 'node:net';
import { canonicalIp } from './ip-address.js';
import { emptyCounts, type HostReport } from './scan-report.js';
import { specialAddressError, specialAddressKind } from './special-address.js';

/** One target of a scan, with the report it fills. */
export interface HostSlot {
  report: HostReport;
  family: 4 | 6;
}

/**
 * Every target as a host slot: IP literals as they are, names looked up one by one. A name that
 * does not resolve is recorded in its report (`error`), not fatal. A non-unicast literal fails
 * the whole scan with RangeError before any packet; a name resolving to one is recorded and not
 * scanned — unless `allowNonUnicast`.
 */
export async function resolveTargets(
  targets: Iterable<{ target: string; host: string }>,
  options: { lookup: LookupFunction; allowNonUnicast: boolean; signal: AbortSignal | undefined },
): Promise<HostSlot[]> {
  const slots: HostSlot[] = [];
  for (const { target, host } of targets) {
    const report: HostReport = { target, host, up: false, ports: [], counts: emptyCounts() };
    const family = isIP(host);
    if (family !== 0) {
      const kind = specialAddressKind(host);
      if (kind && !options.allowNonUnicast) {
        throw specialAddressError('targets', target, host, kind, 'allowNonUnicast');
      }
      report.address = canonicalIp(host);
      report.host = report.address;
      slots.push({ report, family: family as 4 | 6 });
      continue;
    }
    try {
      const resolved = await lookupOne(options.lookup, host);
      report.address = resolved.address;
      const kind = specialAddressKind(resolved.address);
      if (kind && !options.allowNonUnicast) {
        const cause = specialAddressError(
          'targets',
          host,
          resolved.address,
          kind,
          'allowNonUnicast',
        );
        report.error = new NetworkError(`not scanned: ${cause.message}`, { cause });
      }
      slots.push({ report, family: resolved.family });
    } catch (err) {
      report.error = err as NetworkError;
      slots.push({ report, family: 4 });
    }
    if (options.signal?.aborted) {
      throw new AbortError('scan aborted', { cause: options.signal.reason });
    }
  }
  return slots;
}

function lookupOne(
  lookup: LookupFunction,
  host: string,
): Promise<{ address: string; family: 4 | 6 }> {
  return new Promise((resolve, reject) => {
    lookup(host, {}, (err, address, family) => {
      if (err) reject(toNetworkError(err, { operation: 'lookup', host }));
      else if (typeof address !== 'string')
        reject(
          toNetworkError(new Error('lookup returned no single address'), {
            operation: 'lookup',
            host,
          }),
        );
      else resolve({ address: canonicalIp(address), family: family === 6 ? 6 : 4 });
    });
  });
}
