import { access, readFile, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { Duplex } from 'node:stream';
import { inspect } from 'node:util';
import {
  checkBoolean,
  checkInteger,
  checkNoNul,
  checkOptionKeys,
  checkSignal,
  formatHostPort,
  invalidArgType,
  invalidArgValue,
} from '@net/errors/internal';
import { Connection, type Credentials, type JumpTunnel } from './connection.js';
import { runExec, type ExecResult } from './exec.js';
import { execDefaults, resolveExec, type ExecOptions } from './exec-options.js';
import { downloadBuffer, downloadFile, uploadBuffer, uploadFile } from './file-transfers.js';
import {
  checkForwardOptions,
  forwardLocal,
  type ForwardLocalOptions,
  type LocalForward,
} from './forward-local.js';
import { parseKey } from './key-parsing.js';
import {
  clientDefaults,
  resolveOptions,
  type ResolvedOptions,
  type SSHClientOptions,
} from './options.js';
import { remoteSha256 } from './remote-digest.js';
import { killRemoteTree } from './remote-kill.js';
import {
  downloadDir,
  uploadDir,
  type DirectoryTransferOptions,
  type DirectoryTransferResult,
  type ResolvedDirectoryOptions,
} from './sftp-dirs.js';
import * as ops from './sftp-ops.js';
import { sshError } from './ssh-errors.js';
import {
  resolveTransferOptions,
  transferDefaults,
  TRANSFER_KEYS,
  type TransferOptions,
} from './transfer-options.js';

/** A remote or local path argument: a non-empty string without NUL. */
function checkPath(name: string, path: unknown): asserts path is string {
  if (typeof path !== 'string') throw invalidArgType(name, 'of type string', path);
  if (path === '') throw invalidArgValue(name, 'It must not be empty.');
  checkNoNul(name, path);
}

/** Options of the single SFTP operations: only `signal`. */
export interface SftpCallOptions {
  /** Rejects the call with AbortError (the request's answer is then ignored). @default none */
  signal?: AbortSignal;
}

/** Options of {@link SSHClient.mkdir}. */
export interface MkdirOptions extends SftpCallOptions {
  /** Create missing parents; an existing directory is then fine. @default false */
  recursive?: boolean;
  /** Permission bits of created directories. @default the server's default (0o777 minus its umask) */
  mode?: number;
}

/** Options of {@link SSHClient.rmdir}. */
export interface RmdirOptions extends SftpCallOptions {
  /** Remove the contents first. @default false */
  recursive?: boolean;
}

/** Options of {@link SSHClient.rename}. */
export interface RenameOptions extends SftpCallOptions {
  /** Replace an existing target (atomically where the server has posix-rename@openssh.com). @default false */
  overwrite?: boolean;
}

const SIGNAL_KEYS = ['signal'] as const;
const DIR_KEYS = [...TRANSFER_KEYS, 'symlinks', 'parallelFiles'] as const;
const READ_FILE_KEYS = [...TRANSFER_KEYS, 'encoding'] as const;

/** Defaults of every option of the client and its calls (plain data, deep-frozen). */
const DEFAULTS = Object.freeze({
  ...clientDefaults,
  exec: execDefaults,
  transfer: transferDefaults,
  directoryTransfer: Object.freeze({ symlinks: 'skip' as const, parallelFiles: 64 }),
});

function resolveDirectoryOptions(input: unknown): ResolvedDirectoryOptions {
  const options = checkOptionKeys<DirectoryTransferOptions>('options', input, DIR_KEYS);
  const { symlinks = DEFAULTS.directoryTransfer.symlinks, parallelFiles, ...rest } = options;
  if (symlinks !== 'skip' && symlinks !== 'follow')
    throw invalidArgValue(
      'symlinks',
      `It must be 'skip' or 'follow'. Received ${String(symlinks)}`,
    );
  return {
    ...resolveTransferOptions(rest),
    symlinks,
    parallelFiles: checkInteger(
      'parallelFiles',
      parallelFiles ?? DEFAULTS.directoryTransfer.parallelFiles,
      { min: 1, max: 1024 },
    ),
  };
}

/**
 * An SSH connection with exec and SFTP, built on ssh2. Host keys are verified
 * against known_hosts by default. The connection opens on `connect()` or on first use.
 *
 * @example
 * await using ssh = new SSHClient({ host: 'build.example', username: 'deploy', privateKeyPath: '~/.ssh/id_ed25519' });
 * const { stdout } = await ssh.exec(['ls', '-l', '/srv/app'], { check: true });
 * await ssh.upload('dist/app.tar.gz', '/srv/app/app.tar.gz', { verify: 'sha256' });
 */
export class SSHClient {
  readonly #options: ResolvedOptions;
  // Secrets sit in private fields: not enumerable, not in util.inspect, not in JSON.
  readonly #credentials: Credentials;
  #connection: Connection | undefined;
  #connecting: Promise<Connection> | undefined;

  /** Defaults of every option (client, exec, transfers), for reference. Deep-frozen. */
  static readonly defaults = DEFAULTS;

  constructor(options: SSHClientOptions) {
    this.#options = resolveOptions(options, () => userInfo().username);
    this.#credentials = {
      password: options.password,
      privateKey: options.privateKey,
      passphrase: options.passphrase,
    };
  }

  /** The server, as `host`, `port` and `username` (no secrets). */
  get target(): { host: string; port: number; username: string } {
    return { host: this.#options.host, port: this.#options.port, username: this.#options.username };
  }

  /** True while a connection is open and has not been lost. */
  get connected(): boolean {
    return this.#connection !== undefined && this.#connection.lostError === undefined;
  }

  /**
   * Opens the connection (TCP, SSH handshake, host key check, authentication, SFTP session).
   * Calling it while connected is a no-op; after a lost connection it connects anew.
   */
  async connect(options?: SftpCallOptions): Promise<void> {
    const { signal } = checkOptionKeys<SftpCallOptions>('options', options, SIGNAL_KEYS);
    await this.#connect(checkSignal('signal', signal));
  }

  #connect(signal: AbortSignal | undefined): Promise<Connection> {
    if (this.#connection && !this.#connection.lostError) return Promise.resolve(this.#connection);
    this.#connecting ??= this.#open(signal).finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #open(signal: AbortSignal | undefined): Promise<Connection> {
    const options = this.#options;
    const { hostKey } = options;
    if (hostKey.policy === 'strict' && hostKey.fingerprints.length === 0) {
      await access(hostKey.knownHostsPath).catch(() => {
        throw invalidArgValue(
          'hostKey.knownHostsPath',
          `${hostKey.knownHostsPath} does not exist, so policy 'strict' can verify no host. Add the host's key to it (ssh-keyscan), pin hostKey.fingerprints, or use policy 'accept-new'.`,
        );
      });
    }
    const credentials = { ...this.#credentials };
    if (options.privateKeyPath !== undefined) {
      credentials.privateKey = await readFile(options.privateKeyPath).catch(
        (err: NodeJS.ErrnoException) => {
          throw invalidArgValue(
            'privateKeyPath',
            `${options.privateKeyPath} cannot be read (${err.code ?? 'error'}).`,
          );
        },
      );
      parseKey(credentials.privateKey, credentials.passphrase, 'privateKeyPath');
      if (options.checkKeyPermissions && process.platform !== 'win32') {
        // OpenSSH refuses such a key ("UNPROTECTED PRIVATE KEY FILE"); so do we.
        const { mode } = await stat(options.privateKeyPath);
        if ((mode & 0o077) !== 0)
          throw invalidArgValue(
            'privateKeyPath',
            `${options.privateKeyPath} is accessible by group or others (mode 0${(mode & 0o777).toString(8)}); chmod 600 it, or pass checkKeyPermissions: false.`,
          );
      }
    }
    const connection = new Connection(this.target, options.maxChannels);
    await connection.open(
      options,
      credentials,
      options.jump ? () => this.#openJump(options.jump!, signal) : undefined,
      signal,
    );
    this.#connection = connection;
    return connection;
  }

  async #openJump(
    jumpOptions: SSHClientOptions,
    signal: AbortSignal | undefined,
  ): Promise<JumpTunnel> {
    const jump = new SSHClient(jumpOptions);
    try {
      const connection = await jump.#connect(signal);
      const stream = await new Promise<Duplex>((resolve, reject) => {
        connection.client.forwardOut(
          '127.0.0.1',
          0,
          this.#options.host,
          this.#options.port,
          (err, channel) =>
            err
              ? reject(
                  sshError(
                    connection.target,
                    'ERR_NET_SSH_CHANNEL',
                    `jump host could not reach ${formatHostPort(this.#options.host, this.#options.port)}`,
                    { cause: err },
                  ),
                )
              : resolve(channel),
        );
      });
      return { stream, close: () => jump.close() };
    } catch (err) {
      await jump.close();
      throw err;
    }
  }

  /** The open connection, connecting first if this client never connected. */
  async #ready(signal?: AbortSignal): Promise<Connection> {
    const connection = this.#connection;
    if (connection?.lostError) throw connection.lostError;
    return connection ?? this.#connect(signal);
  }

  /** Closes the connection (and a jump host's). Safe to call more than once. */
  async close(): Promise<void> {
    const connecting = this.#connecting;
    if (connecting) await connecting.catch(() => undefined);
    const connection = this.#connection;
    this.#connection = undefined;
    // Commands still running are ended first: closing the connection alone leaves them running
    // on Dropbear (and on OpenSSH without a pty).
    connection?.beginClose();
    if (connection && !connection.lostError && connection.runningPids.size > 0)
      await Promise.all([...connection.runningPids].map((pid) => killRemoteTree(connection, pid)));
    await connection?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Runs a command. A string goes to the remote shell as is; an argv array is quoted so that
   * each element arrives as exactly one argument.
   */
  exec(
    command: string | readonly string[],
    options?: ExecOptions & { encoding?: 'utf8' },
  ): Promise<ExecResult<string>>;
  exec(
    command: string | readonly string[],
    options: ExecOptions & { encoding: 'buffer' },
  ): Promise<ExecResult<Buffer>>;
  async exec(
    command: string | readonly string[],
    options?: ExecOptions,
  ): Promise<ExecResult<string | Buffer>> {
    const resolved = resolveExec(command, options);
    return runExec(await this.#ready(resolved.signal), resolved);
  }

  /** The remote SHA-256 of `path` from the server's hash command, or undefined (read back instead). */
  #remoteDigest = async (path: string, signal?: AbortSignal): Promise<string | undefined> =>
    remoteSha256(await this.#ready(signal), path, signal);

  /** Uploads a local file. Atomic and size-verified by default; see {@link TransferOptions}. */
  async upload(localPath: string, remotePath: string, options?: TransferOptions): Promise<void> {
    checkPath('localPath', localPath);
    checkPath('remotePath', remotePath);
    const resolved = resolveTransferOptions(options);
    await uploadFile(
      await this.#ready(resolved.signal),
      localPath,
      remotePath,
      resolved,
      this.#remoteDigest,
    );
  }

  /** Downloads a remote file; atomic on the local side (temporary sibling, then rename). */
  async download(remotePath: string, localPath: string, options?: TransferOptions): Promise<void> {
    checkPath('remotePath', remotePath);
    checkPath('localPath', localPath);
    const resolved = resolveTransferOptions(options);
    await downloadFile(
      await this.#ready(resolved.signal),
      remotePath,
      localPath,
      resolved,
      this.#remoteDigest,
    );
  }

  /** Uploads a directory tree; see {@link DirectoryTransferOptions} for symlinks. */
  async uploadDir(
    localDir: string,
    remoteDir: string,
    options?: DirectoryTransferOptions,
  ): Promise<DirectoryTransferResult> {
    checkPath('localDir', localDir);
    checkPath('remoteDir', remoteDir);
    const resolved = resolveDirectoryOptions(options);
    return uploadDir(
      await this.#ready(resolved.signal),
      localDir,
      remoteDir,
      resolved,
      this.#remoteDigest,
    );
  }

  /** Downloads a directory tree; see {@link DirectoryTransferOptions} for symlinks. */
  async downloadDir(
    remoteDir: string,
    localDir: string,
    options?: DirectoryTransferOptions,
  ): Promise<DirectoryTransferResult> {
    checkPath('remoteDir', remoteDir);
    checkPath('localDir', localDir);
    const resolved = resolveDirectoryOptions(options);
    return downloadDir(
      await this.#ready(resolved.signal),
      remoteDir,
      localDir,
      resolved,
      this.#remoteDigest,
    );
  }

  /** Entries of a remote directory (without `.` and `..`), sorted by name. */
  async list(path: string, options?: SftpCallOptions): Promise<ops.FileEntry[]> {
    checkPath('path', path);
    const signal = this.#signalOf(options);
    return ops.list(await this.#ready(signal), path, signal);
  }

  /** Attributes of a remote path (symlinks followed). */
  async stat(path: string, options?: SftpCallOptions): Promise<ops.FileStats> {
    checkPath('path', path);
    const signal = this.#signalOf(options);
    return ops.stat(await this.#ready(signal), path, signal);
  }

  /** Whether a remote path exists (a dangling symlink counts). */
  async exists(path: string, options?: SftpCallOptions): Promise<boolean> {
    checkPath('path', path);
    const signal = this.#signalOf(options);
    return ops.exists(await this.#ready(signal), path, signal);
  }

  /** Creates a remote directory; `recursive` creates missing parents and accepts an existing one. */
  async mkdir(path: string, options?: MkdirOptions): Promise<void> {
    checkPath('path', path);
    const {
      recursive = false,
      mode,
      signal,
    } = checkOptionKeys<MkdirOptions>('options', options, ['recursive', 'mode', 'signal']);
    checkBoolean('recursive', recursive);
    if (mode !== undefined) checkInteger('mode', mode, { min: 0, max: 0o7777 });
    checkSignal('signal', signal);
    await ops.mkdir(await this.#ready(signal), path, recursive, mode, signal);
  }

  /** Removes a remote directory; `recursive` removes its contents first. */
  async rmdir(path: string, options?: RmdirOptions): Promise<void> {
    checkPath('path', path);
    const { recursive = false, signal } = checkOptionKeys<RmdirOptions>('options', options, [
      'recursive',
      'signal',
    ]);
    checkBoolean('recursive', recursive);
    checkSignal('signal', signal);
    await ops.rmdir(await this.#ready(signal), path, recursive, signal);
  }

  /** Removes a remote file or symlink. */
  async remove(path: string, options?: SftpCallOptions): Promise<void> {
    checkPath('path', path);
    const signal = this.#signalOf(options);
    await ops.remove(await this.#ready(signal), path, signal);
  }

  /** Renames a remote path; `overwrite` replaces an existing target (atomically on OpenSSH). */
  async rename(from: string, to: string, options?: RenameOptions): Promise<void> {
    checkPath('from', from);
    checkPath('to', to);
    const { overwrite = false, signal } = checkOptionKeys<RenameOptions>('options', options, [
      'overwrite',
      'signal',
    ]);
    checkBoolean('overwrite', overwrite);
    checkSignal('signal', signal);
    await ops.rename(await this.#ready(signal), from, to, overwrite, signal);
  }

  /** Changes a remote path's permission bits. */
  async chmod(path: string, mode: number, options?: SftpCallOptions): Promise<void> {
    checkPath('path', path);
    checkInteger('mode', mode, { min: 0, max: 0o7777 });
    const signal = this.#signalOf(options);
    await ops.chmod(await this.#ready(signal), path, mode, signal);
  }

  /** The canonical absolute form of a remote path. */
  async realpath(path: string, options?: SftpCallOptions): Promise<string> {
    checkPath('path', path);
    const signal = this.#signalOf(options);
    return ops.realpath(await this.#ready(signal), path, signal);
  }

  #signalOf(options: SftpCallOptions | undefined): AbortSignal | undefined {
    const { signal } = checkOptionKeys<SftpCallOptions>('options', options, SIGNAL_KEYS);
    return checkSignal('signal', signal);
  }

  /** Reads a remote file into memory: a Buffer, or a string with `encoding`. */
  readFile(path: string, options?: TransferOptions & { encoding?: undefined }): Promise<Buffer>;
  readFile(path: string, options: TransferOptions & { encoding: BufferEncoding }): Promise<string>;
  async readFile(
    path: string,
    options: TransferOptions & { encoding?: BufferEncoding } = {},
  ): Promise<Buffer | string> {
    checkPath('path', path);
    const { encoding, ...rest } = checkOptionKeys<TransferOptions & { encoding?: BufferEncoding }>(
      'options',
      options,
      READ_FILE_KEYS,
    );
    if (encoding !== undefined && !Buffer.isEncoding(encoding))
      throw invalidArgValue('encoding', `Unknown encoding ${String(encoding)}`);
    const resolved = resolveTransferOptions(rest);
    const data = await downloadBuffer(
      await this.#ready(resolved.signal),
      path,
      resolved,
      this.#remoteDigest,
    );
    return encoding ? data.toString(encoding) : data;
  }

  /** Writes a remote file, atomically by default (temporary name, then rename). */
  async writeFile(
    path: string,
    data: string | Buffer | Uint8Array,
    options?: TransferOptions,
  ): Promise<void> {
    checkPath('path', path);
    if (typeof data !== 'string' && !(data instanceof Uint8Array))
      throw invalidArgType('data', 'a string, Buffer or Uint8Array', data);
    const resolved = resolveTransferOptions(options);
    const buffer =
      typeof data === 'string'
        ? Buffer.from(data)
        : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    await uploadBuffer(
      await this.#ready(resolved.signal),
      buffer,
      path,
      resolved,
      this.#remoteDigest,
    );
  }

  /** Forwards a local port to `remoteHost:remotePort` as seen from the server (`ssh -L`). */
  async forwardLocal(options: ForwardLocalOptions): Promise<LocalForward> {
    checkForwardOptions(options);
    return forwardLocal(await this.#ready(options.signal), options);
  }

  [inspect.custom](): string {
    const { host, port, username } = this.target;
    return `SSHClient { ${username}@${formatHostPort(host, port)}${this.connected ? ' connected' : ''} }`;
  }
}
