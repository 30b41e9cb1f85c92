import { inspect } from 'node:util';
import fc from 'fast-check';
import { hasSshd } from '@net/test-utils/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSHClient } from '../src/index.js';
import { requireSshd, startFixture, type Fixture } from './fixtures.js';

requireSshd();

// Distinctive secrets, so that a hit is never a coincidence.
const secret = fc.stringMatching(/^[A-Za-z0-9]{8,24}$/).map((s) => `S3CR3T${s}`);

/** Everything an error exposes to a log. */
function exposed(error: unknown): string {
  const e = error as Error & { toJSON?: () => unknown };
  return [
    e.message,
    e.stack,
    JSON.stringify(e),
    inspect(e, { depth: 10 }),
    String(e.cause),
    inspect(e.cause, { depth: 10 }),
  ].join('\n');
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe.runIf(hasSshd())('secrets never appear in errors', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(() => fx?.stop());

  it('wrong passwords, passphrases and keys: not in messages, JSON, inspect or causes', async () => {
    await fc.assert(
      fc.asyncProperty(secret, secret, async (password, passphrase) => {
        const errors = [
          // A rejected password (the server only takes keys).
          await failure(async () => {
            await using client = fx.client({ privateKeyPath: undefined, password });
            await client.connect();
          }),
          // A key that does not decrypt with this passphrase.
          failureSync(
            () =>
              new SSHClient({
                ...fx.options(),
                privateKeyPath: undefined,
                privateKey: fx.sshd.encryptedClientKey.privateKey,
                passphrase,
              }),
          ),
          // Garbage where a key should be, containing the secret.
          failureSync(
            () =>
              new SSHClient({
                ...fx.options(),
                privateKeyPath: undefined,
                privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${password}\n-----END OPENSSH PRIVATE KEY-----\n`,
              }),
          ),
          // Host-key refusal with a password configured.
          await failure(async () => {
            await using client = fx.client({
              password,
              passphrase,
              hostKey: { fingerprints: [`SHA256:${'B'.repeat(43)}`] },
            });
            await client.connect();
          }),
          // An operation failing after connect, on a client holding a password and passphrase.
          await failure(async () => {
            await using client = fx.client({ password, passphrase });
            await client.exec('exit 3', { check: true });
          }),
        ];
        for (const error of errors) {
          const text = exposed(error);
          expect(text).not.toContain(password);
          expect(text).not.toContain(passphrase);
          expect(text).not.toContain(fx.sshd.encryptedClientKey.passphrase);
          expect(text).not.toContain(fx.sshd.clientKey.privateKey.split('\n')[1]!);
        }
      }),
      // Each run decrypts a bcrypt-protected key (slow by design), so few runs.
      { numRuns: 4 },
    );
  });
});

function failureSync(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}
