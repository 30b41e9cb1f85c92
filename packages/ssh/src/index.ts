export { SSHClient } from './ssh-client.js';
export type { SftpCallOptions, MkdirOptions, RmdirOptions, RenameOptions } from './ssh-client.js';
export type { SSHClientOptions, HostKeyOptions, HostKeyPolicy } from './options.js';
export type { ExecOptions } from './exec-options.js';
export type { ExecResult } from './exec.js';
export type { TransferOptions, TransferProgress } from './transfer-options.js';
export type { DirectoryTransferOptions, DirectoryTransferResult } from './sftp-dirs.js';
export type { FileStats, FileEntry, FileType } from './sftp-ops.js';
export type { ForwardLocalOptions, LocalForward } from './forward-local.js';
export { quoteArg, quoteArgv } from './shell-quote.js';
export { parseKnownHosts, fingerprintOf } from './known-hosts.js';
export type { KnownHostEntry } from './known-hosts.js';

// The errors this package throws, so that installing it alone is enough for `instanceof`
// checks and `ErrorCodes` (they are the very classes of @net/errors, not copies).
export {
  ErrorCodes,
  NetworkError,
  ConnectionError,
  NetworkTimeoutError,
  SSLError,
  HTTPError,
  RateLimitError,
  DNSResolutionError,
  WebSocketError,
  ProxyError,
  SSHError,
  ProtocolError,
  AbortError,
} from '@net/errors';
export type { ErrorCode } from '@net/errors';
