import { access } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { Duplex } from 'node:stream';
import { inspect } from 'node:util';
import { invalidArgType, invalidArgValue } from '@net/errors';
import { Connection, type Credentials, type JumpTunnel } from './connection.js';
import { buildCommand, runExec, type ExecOptions, type ExecResult } from './exec.js';
import { downloadBuffer, downloadFile, uploadBuffer, uploadFile } from './file-transfers.js';
import {
  checkForwardOptions,
  forwardLocal,
  type ForwardLocalOptions,
  type LocalForward,
} from './forward-local.js';
import { parseKey } from './key-parsing.js';
import { resolveOptions, type ResolvedOptions, type SSHClientOptions } from './options.js';
import {
  downloadDir,
  uploadDir,
  type DirectoryTransferOptions,
  type DirectoryTransferResult,
} from './sftp-dirs.js';
import * as ops from './sftp-ops.js';
import { quoteArg } from './shell-quote.js';
import { sshError } from './ssh-errors.js';
import { resolveTransferOptions, type TransferOptions } from './transfer-options.js';

function checkPath(name: string, path: unknown): asserts path is string {
  if (typeof path !== 'string') throw invalidArgType(name, 'of type string', path);
  if (path === '') throw invalidArgValue(name, 'It must not be empty.');
}

/**
 * An SSH connection with exec and SFTP, built on ssh2-sftp-client. Host keys are verified
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
  #hasSha256sum: boolean | undefined;

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
  connect(options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.#connect(options.signal).then(() => undefined);
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
    }
    const connection = new Connection(this.target, options.maxChannels);
    await connection.open(
      options,
      credentials,
      options.jump ? () => this.#openJump(options.jump!, signal) : undefined,
      signal,
    );
    this.#connection = connection;
    this.#hasSha256sum = undefined;
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
                    `jump host could not reach ${this.#options.host}:${this.#options.port}`,
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
    options: ExecOptions = {},
  ): Promise<ExecResult<string | Buffer>> {
    if (options === null || typeof options !== 'object')
      throw invalidArgType('options', 'an object', options);
    const line = buildCommand(command, options);
    return runExec(await this.#ready(options.signal), line, options);
  }

  /** SHA-256 of a remote file via `sha256sum`, or undefined when the server lacks it. */
  #remoteDigest = async (path: string): Promise<string | undefined> => {
    if (this.#hasSha256sum === false) return undefined;
    const result = await this.exec(`sha256sum -- ${quoteArg(path)}`);
    if (result.exitCode === 127) {
      this.#hasSha256sum = false;
      return undefined;
    }
    this.#hasSha256sum = true;
    const digest = /^([0-9a-f]{64})\b/.exec(result.stdout)?.[1];
    if (!digest)
      throw sshError(this.target, 'ERR_NET_SFTP', `sha256sum failed for ${path}`, {
        path,
        exitCode: result.exitCode,
      });
    return digest;
  };

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
    const resolved = resolveTransferOptions(options);
    return uploadDir(
      await this.#ready(resolved.signal),
      localDir,
      remoteDir,
      resolved,
      options?.symlinks ?? 'skip',
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
    const resolved = resolveTransferOptions(options);
    return downloadDir(
      await this.#ready(resolved.signal),
      remoteDir,
      localDir,
      resolved,
      options?.symlinks ?? 'skip',
      this.#remoteDigest,
    );
  }

  /** Entries of a remote directory (without `.` and `..`), sorted by name. */
  async list(path: string): Promise<ops.FileEntry[]> {
    checkPath('path', path);
    return ops.list(await this.#ready(), path);
  }

  /** Attributes of a remote path (symlinks followed). */
  async stat(path: string): Promise<ops.FileStats> {
    checkPath('path', path);
    return ops.stat(await this.#ready(), path);
  }

  /** Whether a remote path exists (a dangling symlink counts). */
  async exists(path: string): Promise<boolean> {
    checkPath('path', path);
    return ops.exists(await this.#ready(), path);
  }

  /** Creates a remote directory; `recursive` creates missing parents and accepts an existing one. */
  async mkdir(path: string, options: { recursive?: boolean; mode?: number } = {}): Promise<void> {
    checkPath('path', path);
    await ops.mkdir(await this.#ready(), path, options.recursive ?? false, options.mode);
  }

  /** Removes a remote directory; `recursive` removes its contents first. */
  async rmdir(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    checkPath('path', path);
    await ops.rmdir(await this.#ready(), path, options.recursive ?? false);
  }

  /** Removes a remote file or symlink. */
  async remove(path: string): Promise<void> {
    checkPath('path', path);
    await ops.remove(await this.#ready(), path);
  }

  /** Renames a remote path; `overwrite` replaces an existing target (atomically on OpenSSH). */
  async rename(from: string, to: string, options: { overwrite?: boolean } = {}): Promise<void> {
    checkPath('from', from);
    checkPath('to', to);
    await ops.rename(await this.#ready(), from, to, options.overwrite ?? false);
  }

  /** Changes a remote path's permission bits. */
  async chmod(path: string, mode: number): Promise<void> {
    checkPath('path', path);
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777)
      throw invalidArgValue('mode', 'It must be an integer from 0 to 0o7777.');
    await ops.chmod(await this.#ready(), path, mode);
  }

  /** The canonical absolute form of a remote path. */
  async realpath(path: string): Promise<string> {
    checkPath('path', path);
    return ops.realpath(await this.#ready(), path);
  }

  /** Reads a remote file into memory: a Buffer, or a string with `encoding`. */
  readFile(path: string, options?: TransferOptions & { encoding?: undefined }): Promise<Buffer>;
  readFile(path: string, options: TransferOptions & { encoding: BufferEncoding }): Promise<string>;
  async readFile(
    path: string,
    options: TransferOptions & { encoding?: BufferEncoding } = {},
  ): Promise<Buffer | string> {
    checkPath('path', path);
    const { encoding, ...rest } = options;
    const data = await downloadBuffer(
      await this.#ready(rest.signal),
      path,
      resolveTransferOptions(rest),
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
    return `SSHClient { ${username}@${host}:${port}${this.connected ? ' connected' : ''} }`;
  }
}
