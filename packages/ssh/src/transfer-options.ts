import { invalidArgType, invalidArgValue, argOutOfRange } from '@net/errors';

/** Progress of one transfer. */
export interface TransferProgress {
  /** Bytes confirmed so far. */
  transferred: number;
  /** Bytes in the file. */
  total: number;
}

/** Options of `upload()`, `download()` and the directory variants. */
export interface TransferOptions {
  /**
   * Write to a temporary name next to the destination and rename it into place only after the
   * transfer (and `verify`) succeeded, so an interrupted transfer never leaves a partial file
   * under the destination name. @default true
   */
  atomic?: boolean;
  /**
   * After the transfer: `'size'` compares sizes; `'sha256'` compares SHA-256 digests (the
   * remote one from `sha256sum` over exec, or by reading the file back over SFTP when the
   * server has no `sha256sum`); `false` skips the check. @default 'size'
   */
  verify?: 'size' | 'sha256' | false;
  /** Called as bytes are confirmed. */
  onProgress?: (progress: TransferProgress) => void;
  /** SFTP requests in flight at once. @default 16 */
  concurrency?: number;
  /** Bytes per SFTP read/write request, capped by the server's limit (255 KiB on OpenSSH). @default 262144 */
  chunkSize?: number;
  /** Aborts the transfer; the temporary file is removed. */
  signal?: AbortSignal;
  /** Permission bits of a created remote file. @default 0o644 */
  mode?: number;
}

export const transferDefaults = {
  atomic: true,
  verify: 'size',
  concurrency: 16,
  chunkSize: 256 * 1024,
  mode: 0o644,
} satisfies TransferOptions;

export type ResolvedTransferOptions = Required<Omit<TransferOptions, 'onProgress' | 'signal'>> &
  Pick<TransferOptions, 'onProgress' | 'signal'>;

export function resolveTransferOptions(options: TransferOptions = {}): ResolvedTransferOptions {
  if (options === null || typeof options !== 'object')
    throw invalidArgType('options', 'an object', options);
  const resolved = { ...transferDefaults, ...stripUndefined(options) } as ResolvedTransferOptions;
  if (typeof resolved.atomic !== 'boolean')
    throw invalidArgType('atomic', 'of type boolean', resolved.atomic);
  if (resolved.verify !== 'size' && resolved.verify !== 'sha256' && resolved.verify !== false) {
    throw invalidArgValue(
      'verify',
      `It must be 'size', 'sha256' or false. Received ${String(resolved.verify)}`,
    );
  }
  if (
    !Number.isInteger(resolved.concurrency) ||
    resolved.concurrency < 1 ||
    resolved.concurrency > 1024
  ) {
    throw argOutOfRange('concurrency', 'an integer from 1 to 1024', resolved.concurrency);
  }
  if (
    !Number.isInteger(resolved.chunkSize) ||
    resolved.chunkSize < 512 ||
    resolved.chunkSize > 16 * 1024 * 1024
  ) {
    throw argOutOfRange('chunkSize', 'an integer from 512 to 16 MiB', resolved.chunkSize);
  }
  if (resolved.onProgress !== undefined && typeof resolved.onProgress !== 'function') {
    throw invalidArgType('onProgress', 'a function', resolved.onProgress);
  }
  if (!Number.isInteger(resolved.mode) || resolved.mode < 0 || resolved.mode > 0o7777) {
    throw argOutOfRange('mode', 'an integer from 0 to 0o7777', resolved.mode);
  }
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
