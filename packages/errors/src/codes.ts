/** Every `code` an `@net/errors` error can carry. Match on these, not on messages. */
export const ErrorCodes = {
  NETWORK: 'ERR_NET',
  CONNECTION_REFUSED: 'ERR_NET_CONNECTION_REFUSED',
  CONNECTION_RESET: 'ERR_NET_CONNECTION_RESET',
  CONNECTION_UNREACHABLE: 'ERR_NET_CONNECTION_UNREACHABLE',
  CONNECTION_CLOSED: 'ERR_NET_CONNECTION_CLOSED',
  TIMEOUT: 'ERR_NET_TIMEOUT',
  TLS: 'ERR_NET_TLS',
  HTTP_STATUS: 'ERR_NET_HTTP_STATUS',
  RATE_LIMITED: 'ERR_NET_RATE_LIMITED',
  DNS: 'ERR_NET_DNS',
  WS: 'ERR_NET_WS',
  WS_HANDSHAKE: 'ERR_NET_WS_HANDSHAKE',
  WS_QUEUE_FULL: 'ERR_NET_WS_QUEUE_FULL',
  WS_CLOSED: 'ERR_NET_WS_CLOSED',
  PROXY: 'ERR_NET_PROXY',
  SSH: 'ERR_NET_SSH',
  SSH_AUTH: 'ERR_NET_SSH_AUTH',
  SSH_HOST_KEY: 'ERR_NET_SSH_HOST_KEY',
  SSH_CHANNEL: 'ERR_NET_SSH_CHANNEL',
  SSH_EXEC: 'ERR_NET_SSH_EXEC',
  SFTP: 'ERR_NET_SFTP',
  PROTOCOL: 'ERR_NET_PROTOCOL',
  TOO_LARGE: 'ERR_NET_TOO_LARGE',
  ABORTED: 'ERR_NET_ABORTED',
} as const;

/** The closed set of error codes. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export type ConnectionErrorCode =
  | typeof ErrorCodes.CONNECTION_REFUSED
  | typeof ErrorCodes.CONNECTION_RESET
  | typeof ErrorCodes.CONNECTION_UNREACHABLE
  | typeof ErrorCodes.CONNECTION_CLOSED;

export type WebSocketErrorCode =
  | typeof ErrorCodes.WS
  | typeof ErrorCodes.WS_HANDSHAKE
  | typeof ErrorCodes.WS_QUEUE_FULL
  | typeof ErrorCodes.WS_CLOSED;

export type ProtocolErrorCode = typeof ErrorCodes.PROTOCOL | typeof ErrorCodes.TOO_LARGE;

export type SSHErrorCode =
  | typeof ErrorCodes.SSH
  | typeof ErrorCodes.SSH_AUTH
  | typeof ErrorCodes.SSH_HOST_KEY
  | typeof ErrorCodes.SSH_CHANNEL
  | typeof ErrorCodes.SSH_EXEC
  | typeof ErrorCodes.SFTP;
