import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../src/ssh/ssh-keys.js';

describe('generateKeyPair', () => {
  const dirs: string[] = [];
  const savedPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = savedPath;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['with ssh-keygen', savedPath],
    ['without ssh-keygen on PATH (ssh2 generator)', '/nonexistent'],
  ])('writes a 0600 OpenSSH ed25519 key ssh2 can parse, %s', (_name, path) => {
    const dir = mkdtempSync(join(tmpdir(), 'net-keys-'));
    dirs.push(dir);
    process.env.PATH = path;
    const pair = generateKeyPair(dir, 'id_test', 'secret-pass');
    expect(statSync(pair.privateKeyPath).mode & 0o777).toBe(0o600);
    expect(pair.publicKey).toMatch(/^ssh-ed25519 AAAA\S+ net-test-id_test$/);
    const parsed = ssh2.utils.parseKey(pair.privateKey, 'secret-pass');
    expect(parsed).not.toBeInstanceOf(Error);
    expect(ssh2.utils.parseKey(pair.privateKey, 'wrong')).toBeInstanceOf(Error);
  });
});
