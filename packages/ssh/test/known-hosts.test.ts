import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkKnownHost,
  entryMatches,
  fingerprintOf,
  hostLookupName,
  keyTypeOf,
  knownHostsLine,
  parseKnownHosts,
} from '../src/known-hosts.js';

function blob(type: string, fill: number): Buffer {
  const name = Buffer.from(type);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(name.length);
  return Buffer.concat([header, name, Buffer.alloc(32, fill)]);
}

const ed = blob('ssh-ed25519', 1);
const edOther = blob('ssh-ed25519', 2);
const ecdsa = blob('ecdsa-sha2-nistp256', 3);

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts parsing and matching', () => {
  it('parses keys, markers and skips comments and junk', () => {
    const entries = parseKnownHosts(
      `# comment\n\nhost1,host2 ssh-ed25519 ${ed.toString('base64')} me@x\n@revoked * ssh-ed25519 ${edOther.toString('base64')}\nbroken-line\n`,
    );
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      hosts: 'host1,host2',
      keyType: 'ssh-ed25519',
      marker: undefined,
    });
    expect(entries[0]!.key.equals(ed)).toBe(true);
    expect(entries[1]!.marker).toBe('@revoked');
  });

  it.each([
    ['127.0.0.1', 22, '127.0.0.1', true],
    ['127.0.0.1', 2222, '127.0.0.1', false],
    ['[127.0.0.1]:2222', 2222, '127.0.0.1', true],
    ['[127.0.0.1]:2222', 22, '127.0.0.1', false],
    ['*.example.com', 22, 'a.example.com', true],
    ['*.example.com,!bad.example.com', 22, 'bad.example.com', false],
    ['host?', 22, 'host1', true],
    ['HOST1', 22, 'host1', true],
  ])('pattern %s matches %s port %i: %s', (hosts, port, host, expected) => {
    const [entry] = parseKnownHosts(`${hosts} ssh-ed25519 ${ed.toString('base64')}`);
    expect(entryMatches(entry!, host, port)).toBe(expected);
  });

  it('matches hashed |1|salt|hash entries for host and [host]:port', () => {
    const text = `${hashed('[127.0.0.1]:2222')} ssh-ed25519 ${ed.toString('base64')}\n${hashed('example.org')} ssh-ed25519 ${ed.toString('base64')}`;
    const entries = parseKnownHosts(text);
    expect(checkKnownHost(entries, '127.0.0.1', 2222, 'ssh-ed25519', ed)).toBe('known');
    expect(checkKnownHost(entries, 'example.org', 22, 'ssh-ed25519', ed)).toBe('known');
    expect(checkKnownHost(entries, '127.0.0.1', 22, 'ssh-ed25519', ed)).toBe('unknown');
  });

  it('tells known, changed, unknown and revoked apart', () => {
    const entries = parseKnownHosts(
      `h ssh-ed25519 ${ed.toString('base64')}\n@revoked * ssh-ed25519 ${blob('ssh-ed25519', 9).toString('base64')}`,
    );
    expect(checkKnownHost(entries, 'h', 22, 'ssh-ed25519', ed)).toBe('known');
    expect(checkKnownHost(entries, 'h', 22, 'ssh-ed25519', edOther)).toBe('changed');
    // Only another key type is listed: OpenSSH treats this key as new, not as changed.
    expect(checkKnownHost(entries, 'h', 22, 'ecdsa-sha2-nistp256', ecdsa)).toBe('unknown');
    expect(checkKnownHost(entries, 'other', 22, 'ssh-ed25519', ed)).toBe('unknown');
    expect(checkKnownHost(entries, 'h', 22, 'ssh-ed25519', blob('ssh-ed25519', 9))).toBe('revoked');
  });

  it('writes hashed lines that it reads back as known', () => {
    const line = knownHostsLine('127.0.0.1', 2200, 'ssh-ed25519', ed);
    expect(line.startsWith('|1|')).toBe(true);
    expect(line).not.toContain('127.0.0.1');
    expect(checkKnownHost(parseKnownHosts(line), '127.0.0.1', 2200, 'ssh-ed25519', ed)).toBe(
      'known',
    );
    expect(hostLookupName('h', 22)).toBe('h');
    expect(hostLookupName('h', 23)).toBe('[h]:23');
  });

  it('computes OpenSSH-style SHA256 fingerprints and reads the key type', () => {
    expect(fingerprintOf(ed)).toBe(
      `SHA256:${createHash('sha256').update(ed).digest('base64').replace(/=+$/, '')}`,
    );
    expect(fingerprintOf(ed)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(keyTypeOf(ecdsa)).toBe('ecdsa-sha2-nistp256');
  });
});
