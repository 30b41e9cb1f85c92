import { invalidArgValue } from '@net/errors';
import ssh2 from 'ssh2';

const { utils } = ssh2;

/**
 * Parses a private key with ssh2's own parser so that a mangled key or a wrong passphrase is
 * reported before any connection, and never as part of a message that could echo the key.
 * The reason from ssh2 is kept (it names the problem, never the key material).
 * @internal
 */
export function parseKey(key: string | Buffer, passphrase: string | undefined, name: string): void {
  let parsed: unknown;
  try {
    parsed = utils.parseKey(key, passphrase);
  } catch (err) {
    parsed = err;
  }
  const failure = Array.isArray(parsed) ? parsed[0] : parsed;
  if (failure instanceof Error) {
    // ssh2's messages are fixed phrases ("Encrypted private OpenSSH key detected, but no
    // passphrase given", "Unsupported key format"); they do not quote the input.
    throw invalidArgValue(name, `It cannot be parsed: ${failure.message}`);
  }
}
