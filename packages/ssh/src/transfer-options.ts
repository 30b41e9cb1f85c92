import {
  checkBoolean,
  checkFunction,
  checkInteger,
  checkOptionKeys,
  checkSignal,
  invalidArgValue,
} from '@net/errors/internal';

/** Progress of one transfer. */
export interface TransferProgress {
  /** Bytes confirmed so far. */
  transferred: number;
  /** Bytes in the file. */
  total: number;
}

/** Options of `upload()`, `download()`, `readFile()`, `writeFile()` and the directory variants. */
export interface TransferOptions {
  /**
   * Write to a temporary name next to the destination and rename it into place only after the
   * transfer (and `verify`) succeeded, so an interrupted transfer never leaves a partial file
   * under the destination name. @default true
   */
  atomic?: boolean;
  /**
   * After the transfer: `'size'` compares sizes; `'sha256'` compares SHA-256 digests — the
   * remote one computed by the server (`sha256sum`, else `shasum -a 256`, over exec) or, where
   * exec cannot (SFTP-only accounts, servers without those tools), by reading the file back
   * over SFTP; `false` skips the check. @default 'size'
   */
  verify?: 'size' | 'sha256' | false;
  /** Called as bytes are confirmed. @default none */
  onProgress?: (progress: TransferProgress) => void;
  /** SFTP read/write requests in flight at once for one file. @default 16 */
  concurrency?: number;
  /** Bytes per SFTP read/write request, capped by the server's limit (255 KiB on OpenSSH). @default 262144 */
  chunkSize?: number;
  /** Aborts the transfer; the temporary file is removed. @default none */
  signal?: AbortSignal;
  /**
   * Permission bits of the written file. When not given, a file that is replaced keeps its
   * mode, and a new one gets 0o644. @default the replaced file's mode, else 0o644
   */
  mode?: number;
}

/** Defaults of {@link TransferOptions}. @internal */
export const transferDefaults = Object.freeze({
  atomic: true,
  verify: 'size',
  concurrency: 16,
  chunkSize: 256 * 1024,
  mode: 0o644,
});

/** @internal */
export const TRANSFER_KEYS = [
  'atomic',
  'verify',
  'onProgress',
  'concurrency',
  'chunkSize',
  'signal',
  'mode',
] as const satisfies ReadonlyArray<keyof TransferOptions>;

/** @internal */
export interface ResolvedTransferOptions {
  atomic: boolean;
  verify: 'size' | 'sha256' | false;
  concurrency: number;
  chunkSize: number;
  /** undefined: keep the replaced file's mode, else 0o644. */
  mode: number | undefined;
  onProgress: ((progress: TransferProgress) => void) | undefined;
  signal: AbortSignal | undefined;
}

/** Validates transfer options (no I/O); `keys` lists what this call accepts. @internal */
export function resolveTransferOptions(
  input: unknown,
  keys: readonly string[] = TRANSFER_KEYS,
): ResolvedTransferOptions {
  const options = checkOptionKeys<TransferOptions>('options', input, keys);
  const verify = options.verify ?? transferDefaults.verify;
  if (verify !== 'size' && verify !== 'sha256' && verify !== false) {
    throw invalidArgValue(
      'verify',
      `It must be 'size', 'sha256' or false. Received ${String(verify)}`,
    );
  }
  return {
    atomic: checkBoolean('atomic', options.atomic ?? transferDefaults.atomic),
    verify,
    concurrency: checkInteger('concurrency', options.concurrency ?? transferDefaults.concurrency, {
      min: 1,
      max: 1024,
    }),
    chunkSize: checkInteger('chunkSize', options.chunkSize ?? transferDefaults.chunkSize, {
      min: 512,
      max: 16 * 1024 * 1024,
    }),
    mode:
      options.mode === undefined
        ? undefined
        : checkInteger('mode', options.mode, { min: 0, max: 0o7777 }),
    onProgress:
      options.onProgress === undefined
        ? undefined
        : checkFunction('onProgress', options.onProgress),
    signal: checkSignal('signal', options.signal),
  };
}
