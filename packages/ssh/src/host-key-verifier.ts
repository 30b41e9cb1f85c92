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

/** Why a host key was refused, or how it was accepted. @internal */
export interface HostKeyDecision {
  accepted: boolean;
  /** 'known', 'pinned', 'added', 'unchecked' when accepted; 'unknown', 'changed', 'revoked', 'not-pinned', 'write-failed' when not. */
  reason: string;
  fingerprint: string;
  keyType: string;
  cause?: unknown;
}

/** Host-key state for one connection attempt: known_hosts loaded, and the decision kept. @internal */
export interface HostKeyVerifier {
  /** For ssh2's `hostVerifier` (two-argument, asynchronous form). */
  verify(key: Buffer, done: (accept: boolean) => void): void;
  /** Key types known for this host, preferred in negotiation so a known key gets used. */
  preferredKeyTypes: string[];
  decision: HostKeyDecision | undefined;
}

/** Per known_hosts file: the tail of the chain of pending appends (this process). */
const fileLocks = new Map<string, Promise<unknown>>();

function serialised<T>(path: string, work: () => Promise<T>): Promise<T> {
  const previous = fileLocks.get(path) ?? Promise.resolve();
  const next = previous.then(work, work);
  const tail = next.catch(() => undefined);
  fileLocks.set(path, tail);
  void tail.then(() => {
    if (fileLocks.get(path) === tail) fileLocks.delete(path);
  });
  return next;
}

/**
 * Loads known_hosts (unless fingerprints are pinned or the policy is off). ssh2 calls the
 * verifier during key exchange, before it sends any user-authentication request, so a refusal
 * here means no credential ever leaves the process.
 * @internal
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
      // the next connection would not silently trust whatever it meets. Appends to one file
      // are serialised and the file is read again first: of two first connections that meet
      // different keys, the second sees the first's entry and is refused as 'changed'.
      const line = knownHostsLine(host, port, keyType, key);
      serialised(options.knownHostsPath, async () => {
        const current = await readFile(options.knownHostsPath, 'utf8').catch(
          (err: NodeJS.ErrnoException) => {
            if (err.code === 'ENOENT') return '';
            throw err;
          },
        );
        const now = checkKnownHost(parseKnownHosts(current), host, port, keyType, key);
        if (now !== 'unknown') return now;
        await mkdir(dirname(options.knownHostsPath), { recursive: true, mode: 0o700 });
        await appendFile(
          options.knownHostsPath,
          `${current === '' || current.endsWith('\n') ? '' : '\n'}${line}\n`,
          { mode: 0o600 },
        );
        return 'added';
      }).then(
        (outcome) =>
          outcome === 'known' || outcome === 'added'
            ? decide(true, outcome)
            : decide(false, outcome),
        (err: unknown) => decide(false, 'write-failed', err),
      );
    },
  };
  return verifier;
}
