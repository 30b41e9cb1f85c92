import { createHash, createHmac, randomBytes } from 'node:crypto';

/** One key line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  /** `@revoked` or `@cert-authority`, when the line starts with one. */
  marker: '@revoked' | '@cert-authority' | undefined;
  /** The host pattern field as written (comma-separated patterns, or one `|1|salt|hash`). */
  hosts: string;
  /** Key type, e.g. `ssh-ed25519`. */
  keyType: string;
  /** The public key blob. */
  key: Buffer;
}

/** Parses known_hosts text; comments, blank and malformed lines are skipped, as OpenSSH does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields.shift() as KnownHostEntry['marker'];
    }
    const [hosts, keyType, base64] = fields;
    if (!hosts || !keyType || !base64) continue;
    entries.push({ marker, hosts, keyType, key: Buffer.from(base64, 'base64') });
  }
  return entries;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostLookupName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** OpenSSH's glob: `*` any run, `?` one character; case-insensitive for host names. */
function globMatch(pattern: string, name: string): boolean {
  const source = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(name.toLowerCase());
}

function hashedMatch(field: string, name: string): boolean {
  // |1|base64(salt)|base64(HMAC-SHA1(salt, name))
  const parts = field.split('|');
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2]!, 'base64');
  const expected = Buffer.from(parts[3]!, 'base64');
  const actual = createHmac('sha1', salt).update(name).digest();
  return expected.length === actual.length && expected.equals(actual);
}

/** True when the entry's host field names `host`:`port` (negations and hashes honoured). */
export function entryMatches(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = hostLookupName(host, port);
  if (entry.hosts.startsWith('|')) return hashedMatch(entry.hosts, name);
  let matched = false;
  for (const pattern of entry.hosts.split(',')) {
    if (pattern.startsWith('!')) {
      if (globMatch(pattern.slice(1), name)) return false;
    } else if (globMatch(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** What known_hosts says about a presented key. */
export type KnownHostVerdict = 'known' | 'unknown' | 'changed' | 'revoked';

/**
 * Looks up `key` for `host`:`port`. `changed` means the host is listed with a different key of
 * the same type: the case where OpenSSH prints "REMOTE HOST IDENTIFICATION HAS CHANGED".
 * A host listed only under other key types is `unknown` for this type, as in OpenSSH.
 */
export function checkKnownHost(
  entries: KnownHostEntry[],
  host: string,
  port: number,
  keyType: string,
  key: Buffer,
): KnownHostVerdict {
  let sameTypeOther = false;
  for (const entry of entries) {
    if (entry.marker === '@revoked' && entry.key.equals(key)) return 'revoked';
  }
  for (const entry of entries) {
    if (entry.marker !== undefined || !entryMatches(entry, host, port)) continue;
    if (entry.key.equals(key)) return 'known';
    if (entry.keyType === keyType) sameTypeOther = true;
  }
  return sameTypeOther ? 'changed' : 'unknown';
}

/** Key types listed for `host`:`port`, to prefer them in the algorithm negotiation. */
export function knownKeyTypes(entries: KnownHostEntry[], host: string, port: number): string[] {
  const types = new Set<string>();
  for (const entry of entries) {
    if (entry.marker === undefined && entryMatches(entry, host, port)) types.add(entry.keyType);
  }
  return [...types];
}

/**
 * A known_hosts line for a newly accepted key. Written hashed (like OpenSSH's
 * `HashKnownHosts yes`, Debian's default) so the file does not list where the user connects.
 */
export function knownHostsLine(host: string, port: number, keyType: string, key: Buffer): string {
  const salt = randomBytes(20);
  const hash = createHmac('sha1', salt).update(hostLookupName(host, port)).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')} ${keyType} ${key.toString('base64')}`;
}

/** `SHA256:<base64 without padding>`, as `ssh-keygen -l` prints it. */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type stored at the start of an SSH public key blob. */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const length = key.readUInt32BE(0);
  return key.subarray(4, 4 + length).toString('latin1');
}
