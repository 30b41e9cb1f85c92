import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HostKeyOptions } from './options.js';
import {
  checkKnownHost,
  fingerprintOf,
  keyTypeOf,
  knownHostsLine,
  knownKeyTypes,
  parseKnownHosts,
  type KnownHostEntry,
} from './known-hosts.js';

/** Why a host key was refused, or how it was accepted. */
export interface HostKeyDecision {
  accepted: boolean;
  /** 'known', 'pinned', 'added', 'unchecked' when accepted; 'unknown', 'changed', 'revoked', 'not-pinned', 'write-failed' when not. */
  reason: string;
  fingerprint: string;
  keyType: string;
  cause?: unknown;
}

/** Host-key state for one connection attempt: known_hosts loaded, and the decision kept. */
export interface HostKeyVerifier {
  /** For ssh2's `hostVerifier` (two-argument, asynchronous form). */
  verify(key: Buffer, done: (accept: boolean) => void): void;
  /** Key types known for this host, preferred in negotiation so a known key gets used. */
  preferredKeyTypes: string[];
  decision: HostKeyDecision | undefined;
}

/**
 * Loads known_hosts (unless fingerprints are pinned or the policy is off). ssh2 calls the
 * verifier during key exchange, before it sends any user-authentication request, so a refusal
 * here means no credential ever leaves the process.
 */
export async function createHostKeyVerifier(
  host: string,
  port: number,
  options: Required<HostKeyOptions>,
): Promise<HostKeyVerifier> {
  let entries: KnownHostEntry[] = [];
  let text = '';
  const useKnownHosts = options.policy !== 'off' && options.fingerprints.length === 0;
  if (useKnownHosts) {
    try {
      text = await readFile(options.knownHostsPath, 'utf8');
      entries = parseKnownHosts(text);
    } catch (err) {
      // A missing file is an empty one for accept-new; connect() has already refused strict.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  const verifier: HostKeyVerifier = {
    preferredKeyTypes: knownKeyTypes(entries, host, port),
    decision: undefined,
    verify(key, done) {
      const fingerprint = fingerprintOf(key);
      const keyType = keyTypeOf(key);
      const decide = (accepted: boolean, reason: string, cause?: unknown) => {
        verifier.decision = { accepted, reason, fingerprint, keyType, cause };
        done(accepted);
      };
      if (options.policy === 'off') return decide(true, 'unchecked');
      if (options.fingerprints.length > 0) {
        return decide(
          options.fingerprints.includes(fingerprint),
          options.fingerprints.includes(fingerprint) ? 'pinned' : 'not-pinned',
        );
      }
      const verdict = checkKnownHost(entries, host, port, keyType, key);
      if (verdict === 'known') return decide(true, 'known');
      if (verdict !== 'unknown' || options.policy === 'strict') return decide(false, verdict);
      // accept-new: remember the key, then continue. A key that cannot be saved is refused, so
      // the next connection would not silently trust whatever it meets.
      const line = knownHostsLine(host, port, keyType, key);
      mkdir(dirname(options.knownHostsPath), { recursive: true, mode: 0o700 })
        .then(() =>
          appendFile(
            options.knownHostsPath,
            `${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`,
            { mode: 0o600 },
          ),
        )
        .then(
          () => decide(true, 'added'),
          (err: unknown) => decide(false, 'write-failed', err),
        );
    },
  };
  return verifier;
}
