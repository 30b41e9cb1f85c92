/**
 * The one place that reaches into ssh2's private fields. Everything else in @net/ssh uses
 * ssh2's documented API only. Checked against ssh2 1.17.0 (see {@link CHECKED_SSH2_VERSION});
 * `test/ssh2-adapter.test.ts` fails loudly when one of these internals goes missing or changes
 * meaning, so an upgrade of ssh2 cannot silently degrade behaviour.
 *
 * What is used, and why:
 * - `channel.outgoing.{id,state}` and `channel._client._protocol.signal(id, name)`: ssh2's
 *   public `channel.signal()` refuses once our side has sent EOF (always, after stdin is
 *   closed), but RFC 4254 §6.9 allows a signal request until the channel closes.
 * - `sftp._maxReadLen` / `sftp._maxWriteLen`: the request sizes ssh2 negotiated with the server
 *   (limits@openssh.com); requests larger than these are split by ssh2 into a chain of
 *   sequential requests, which would defeat our pipelining.
 * - `sftp._extensions`: which SFTP extensions the server announced (posix-rename@openssh.com
 *   decides whether an overwrite can be atomic).
 */
import type { Duplex, Readable } from 'node:stream';

/** The ssh2 version whose internals this file was written against. @internal */
export const CHECKED_SSH2_VERSION = '1.17.0';

/** Default request size when ssh2 does not say (what ssh2 uses for non-OpenSSH servers). */
const FALLBACK_REQUEST_SIZE = 34_000 - 1024;

/** The parts of an ssh2 client channel this package uses (public API). @internal */
export interface ExecChannel extends Duplex {
  stderr: Readable;
  close(): void;
}

interface ChannelInternals {
  outgoing?: { id?: unknown; state?: unknown };
  _client?: { _protocol?: { signal?: unknown } };
}

/**
 * Sends an SSH `signal` channel request (e.g. `'KILL'`) while the channel is open or
 * half-closed. Returns false when it could not be sent (channel closed, internals missing).
 * @internal
 */
export function sendChannelSignal(channel: object, name: string): boolean {
  const internal = channel as ChannelInternals;
  const state = internal.outgoing?.state;
  const id = internal.outgoing?.id;
  const protocol = internal._client?._protocol;
  if ((state !== 'open' && state !== 'eof') || typeof id !== 'number') return false;
  if (typeof protocol?.signal !== 'function') return false;
  try {
    (protocol.signal as (id: number, name: string) => void).call(protocol, id, name);
    return true;
  } catch {
    // The connection may be going away; the caller closes the channel anyway.
    return false;
  }
}

/** Request sizes the SFTP session negotiated, for reads and writes. @internal */
export function sftpRequestLimits(sftp: object): { read: number; write: number } {
  const fields = sftp as { _maxReadLen?: unknown; _maxWriteLen?: unknown };
  const valid = (value: unknown) =>
    typeof value === 'number' && Number.isInteger(value) && value > 0
      ? value
      : FALLBACK_REQUEST_SIZE;
  return { read: valid(fields._maxReadLen), write: valid(fields._maxWriteLen) };
}

/**
 * The extensions the SFTP server announced (name → version string), or undefined when ssh2
 * no longer exposes them: callers must then take the path that is safe without the extension.
 * @internal
 */
export function sftpExtensions(sftp: object): Readonly<Record<string, string>> | undefined {
  const extensions = (sftp as { _extensions?: unknown })._extensions;
  return extensions !== null && typeof extensions === 'object'
    ? (extensions as Record<string, string>)
    : undefined;
}

/** True when the server announced OpenSSH's atomic, overwriting rename. @internal */
export function hasPosixRename(sftp: object): boolean {
  return sftpExtensions(sftp)?.['posix-rename@openssh.com'] === '1';
}

/**
 * Checks that every internal this file relies on is present on a live channel and SFTP
 * session. Returns the list of problems (empty when the contract holds); used by the contract
 * test, which runs against a real OpenSSH server.
 * @internal
 */
export function adapterContractProblems(channel: object, sftp: object): string[] {
  const problems: string[] = [];
  const internal = channel as ChannelInternals;
  if (typeof internal.outgoing?.id !== 'number') problems.push('channel.outgoing.id');
  if (typeof internal.outgoing?.state !== 'string') problems.push('channel.outgoing.state');
  if (typeof internal._client?._protocol?.signal !== 'function')
    problems.push('channel._client._protocol.signal');
  const fields = sftp as Record<string, unknown>;
  for (const name of ['_maxReadLen', '_maxWriteLen'])
    if (typeof fields[name] !== 'number') problems.push(`sftp.${name}`);
  if (sftpExtensions(sftp) === undefined) problems.push('sftp._extensions');
  return problems;
}
