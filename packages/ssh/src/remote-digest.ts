import type { Connection } from './connection.js';
import { runExec } from './exec.js';
import { resolveExec } from './exec-options.js';
import { quoteArg } from './shell-quote.js';
import { sshError } from './ssh-errors.js';

/** A remote command that prints the SHA-256 of its standard input. */
type HashCommand = 'sha256sum' | 'shasum -a 256';

/** SHA-256 of "abc" (FIPS 180-2 test vector): what a working hash command must print for it. */
const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const PROBE_TIMEOUT = 15_000;
const DIGEST = /^([0-9a-f]{64})\b/;

/** Per connection: which hash command the server has (undefined: none, read back over SFTP). */
const probes = new WeakMap<Connection, Promise<HashCommand | undefined>>();

/**
 * Finds a hash command by running it on a known input. Trying the real thing, rather than
 * interpreting exit codes, is what makes every kind of server fall through correctly: a missing
 * tool exits 127, an SFTP-only account (`ForceCommand internal-sftp`) exits 1 with a message, an
 * exec-less server refuses the channel; none of them prints the expected digest.
 */
async function probe(connection: Connection): Promise<HashCommand | undefined> {
  for (const command of ['sha256sum', 'shasum -a 256'] as const) {
    try {
      const result = await runExec(
        connection,
        resolveExec(`printf abc | ${command} 2>/dev/null`, { timeout: PROBE_TIMEOUT }),
      );
      if (DIGEST.exec(String(result.stdout))?.[1] === ABC_SHA256) return command;
    } catch (err) {
      if (connection.lostError) throw err;
    }
  }
  return undefined;
}

/**
 * The SHA-256 of a remote file computed by the server (`sha256sum`, else `shasum -a 256`), or
 * undefined when the server offers neither over exec; the caller then reads the file back
 * over SFTP. The file goes to the command's standard input, so names with a newline or a
 * backslash (which sha256sum would print escaped) need no parsing.
 * @internal
 */
export async function remoteSha256(
  connection: Connection,
  path: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  let found = probes.get(connection);
  if (!found) {
    found = probe(connection);
    probes.set(connection, found);
  }
  const command = await found;
  if (command === undefined) return undefined;
  const result = await runExec(
    connection,
    resolveExec(`${command} < ${quoteArg(path)}`, { signal }),
  );
  const digest = DIGEST.exec(String(result.stdout))?.[1];
  if (!digest)
    throw sshError(connection.target, 'ERR_NET_SFTP', `${command} failed for ${path}`, {
      path,
      exitCode: result.exitCode,
    });
  return digest;
}
