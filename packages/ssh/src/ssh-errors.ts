import {
  NetworkTimeoutError,
  SSHError,
  toNetworkError,
  type NetworkError,
  type SSHErrorCode,
} from '@net/errors';
import { formatHostPort } from '@net/errors/internal';

/** Who an error is about: the fields every SSHError carries. @internal */
export interface SSHTarget {
  host: string;
  port: number;
  username: string;
}

/** `host:port` (IPv6 in brackets), the target part of every message. @internal */
export function describeTarget(target: SSHTarget): string {
  return formatHostPort(target.host, target.port);
}

/** @internal */
export function sshError(
  target: SSHTarget,
  code: SSHErrorCode,
  what: string,
  extra: {
    cause?: unknown;
    path?: string;
    exitCode?: number | null;
    signal?: string | null;
    retryable?: boolean;
  } = {},
): SSHError {
  return new SSHError(`${what}: ${describeTarget(target)}`, {
    code,
    host: target.host,
    port: target.port,
    username: target.username,
    ...extra,
  });
}

/** SFTP status codes (draft-ietf-secsh-filexfer-02) and how they read in a message. */
const SFTP_STATUS: Record<number, string> = {
  1: 'end of file',
  2: 'no such file',
  3: 'permission denied',
  4: 'failure',
  5: 'bad message',
  6: 'no connection',
  7: 'connection lost',
  8: 'operation unsupported',
};

/** The numeric SFTP status of an ssh2 SFTP error, if it carries one. @internal */
export function sftpStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** A failed SFTP operation on `path`: SSHError ERR_NET_SFTP, reason from the status code. @internal */
export function sftpError(
  target: SSHTarget,
  operation: string,
  path: string,
  cause: unknown,
): NetworkError {
  if (cause instanceof Error && (cause as { code?: unknown }).code === 'ERR_NET_ABORTED')
    return cause as NetworkError;
  const status = sftpStatus(cause);
  const reason =
    status === undefined
      ? cause instanceof Error
        ? cause.message
        : String(cause)
      : (SFTP_STATUS[status] ?? `status ${status}`);
  // A request that died with the connection may succeed on a new one.
  const retryable = status === undefined || status === 6 || status === 7;
  return sshError(target, 'ERR_NET_SFTP', `SFTP ${operation} failed (${reason}) for ${path}`, {
    cause,
    path,
    retryable,
  });
}

/** Maps a failure during connect (ssh2's `level` tells the phase) to an @net error. @internal */
export function connectError(target: SSHTarget, err: unknown, timeoutMs: number): NetworkError {
  const level = (err as { level?: unknown } | null)?.level;
  if (level === 'client-authentication') {
    return sshError(target, 'ERR_NET_SSH_AUTH', `authentication failed for ${target.username}`, {
      cause: err,
    });
  }
  if (level === 'client-timeout') {
    return new NetworkTimeoutError(
      `SSH handshake timed out after ${timeoutMs} ms: ${describeTarget(target)}`,
      {
        cause: err,
        timeoutMs,
        phase: 'handshake',
      },
    );
  }
  const mapped = toNetworkError(err, {
    operation: 'SSH connect',
    host: target.host,
    port: target.port,
    protocol: 'ssh',
  });
  if (mapped.code !== 'ERR_NET') return mapped;
  return sshError(target, 'ERR_NET_SSH', 'SSH connect failed', { cause: err, retryable: true });
}
