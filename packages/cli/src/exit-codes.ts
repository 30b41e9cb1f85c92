/**
 * Exit codes scripts can rely on. Documented in the README; never renumber one.
 * `net ssh` exits with the remote command's own code instead when the command ran.
 */
export const ExitCode = {
  OK: 0,
  /** An unexpected failure (a bug, or an error with no better code). */
  FAILURE: 1,
  /** Bad usage: unknown option, malformed URL, port out of range … */
  USAGE: 2,
  /** HTTP 4xx (including 429). */
  HTTP_CLIENT_ERROR: 4,
  /** HTTP 5xx. */
  HTTP_SERVER_ERROR: 5,
  /** Could not connect: refused, reset, unreachable, DNS, proxy. */
  CONNECTION: 6,
  /** A time budget ran out. */
  TIMEOUT: 7,
  /** TLS or SSH host-key verification failed. */
  VERIFICATION: 8,
  /** SSH authentication failed. */
  AUTH: 9,
  /** A protocol-level failure: WebSocket handshake refused, SSH channel or SFTP error, a malformed or oversized reply. */
  PROTOCOL: 10,
  /** Interrupted (Ctrl-C or an abort). */
  INTERRUPTED: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
