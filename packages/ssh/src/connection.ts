import { connect as tcpConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { NetworkTimeoutError, type NetworkError } from '@net/errors';
import { abortErrorFor, formatHostPort, startDeadline } from '@net/errors/internal';
import ssh2, { type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { ChannelLimiter } from './channel-limiter.js';
import { createHostKeyVerifier } from './host-key-verifier.js';
import type { ResolvedOptions } from './options.js';
import { connectError, sshError, type SSHTarget } from './ssh-errors.js';
import { coalesceWrites } from './write-coalescing.js';

const { Client } = ssh2;
type Ssh2Client = InstanceType<typeof Client>;

/** The secrets of a client, kept apart from everything that may be logged. @internal */
export interface Credentials {
  password: string | undefined;
  privateKey: string | Buffer | undefined;
  passphrase: string | undefined;
}

/** A stream to the target through a jump host, and how to let go of the jump connection. @internal */
export interface JumpTunnel {
  stream: Duplex;
  close(): Promise<void>;
}

/** Host key algorithms to prefer for each known_hosts key type. */
const HOST_KEY_ALGORITHMS: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * One established SSH connection: the ssh2 client, its channel limiter, the SFTP session
 * (opened on first use, so exec-only servers work), and whether the connection is alive.
 * @internal
 */
export class Connection {
  readonly client: Ssh2Client;
  readonly limiter: ChannelLimiter;
  readonly target: SSHTarget;
  /** Bound for starting the SFTP session (the client's readyTimeout). */
  #sftpTimeout = Infinity;
  /** Set once the connection is gone: the error every later operation fails with. */
  lostError: NetworkError | undefined;
  /** Remote pids of exec commands still running (see remote-kill.ts), ended by `close()`. */
  readonly runningPids = new Set<number>();
  readonly #lostListeners = new Set<(err: NetworkError) => void>();
  #socket: Socket | undefined;
  #jump: JumpTunnel | undefined;
  #closing = false;
  #sftp: SFTPWrapper | undefined;
  #sftpStarting: Promise<SFTPWrapper> | undefined;
  /** A server that has no SFTP subsystem says so once; later calls fail the same way at once. */
  #sftpRefused: NetworkError | undefined;

  constructor(target: SSHTarget, maxChannels: number) {
    this.target = target;
    this.limiter = new ChannelLimiter(maxChannels);
    this.client = new Client();
  }

  /** True once `close()` (or the client's close) has begun. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Marks the connection as closing: what ends now ends because of the close. */
  beginClose(): void {
    this.#closing = true;
  }

  /** Calls `fn` once if the connection is lost; returns an unsubscribe function. */
  onLost(fn: (err: NetworkError) => void): () => void {
    if (this.lostError) {
      fn(this.lostError);
      return () => undefined;
    }
    this.#lostListeners.add(fn);
    return () => this.#lostListeners.delete(fn);
  }

  /** Throws when the connection is gone; every operation checks before it starts. */
  assertAlive(): void {
    if (this.lostError) throw this.lostError;
  }

  markLost(cause: unknown): void {
    if (this.lostError) return;
    const what = this.#closing ? 'SSH connection closed' : 'SSH connection lost';
    this.lostError = sshError(this.target, 'ERR_NET_SSH', what, {
      cause,
      retryable: !this.#closing,
    });
    this.limiter.rejectAll(this.lostError);
    for (const fn of this.#lostListeners) fn(this.lostError);
    this.#lostListeners.clear();
  }

  /** The SFTP session when it is already running (no await needed on the hot path). */
  get sftpNow(): SFTPWrapper | undefined {
    return this.lostError ? undefined : this.#sftp;
  }

  /** The SFTP session, started on first use. `path` names the operation's path in errors. */
  sftp(signal?: AbortSignal): Promise<SFTPWrapper> {
    if (this.lostError) return Promise.reject(this.lostError);
    if (this.#sftp) return Promise.resolve(this.#sftp);
    if (this.#sftpRefused) return Promise.reject(this.#sftpRefused);
    this.#sftpStarting ??= this.#startSftp().finally(() => {
      this.#sftpStarting = undefined;
    });
    if (!signal) return this.#sftpStarting;
    // A caller's abort ends its own wait, not the shared start.
    const deadline = startDeadline({ signal, onTimeout: () => new Error('unreachable') });
    return Promise.race([this.#sftpStarting, deadline.expired]).finally(() => deadline.clear());
  }

  async #startSftp(): Promise<SFTPWrapper> {
    // The SFTP channel counts against the server's session limit for as long as it is open.
    this.limiter.reserve();
    const deadline = startDeadline({
      timeout: this.#sftpTimeout,
      onTimeout: () =>
        new NetworkTimeoutError(
          `starting the SFTP session timed out after ${this.#sftpTimeout} ms: ${formatHostPort(this.target.host, this.target.port)}`,
          { timeoutMs: this.#sftpTimeout, phase: 'handshake' },
        ),
    });
    let unsubscribe = () => undefined as unknown;
    try {
      const sftp = await Promise.race([
        new Promise<SFTPWrapper>((resolve, reject) => {
          unsubscribe = this.onLost(reject);
          this.client.sftp((err, session) => (err ? reject(err) : resolve(session)));
        }),
        deadline.expired,
      ]);
      sftp.on('close', () => {
        if (this.#sftp === sftp) {
          this.#sftp = undefined;
          this.limiter.unreserve();
        }
      });
      // Errors of the session reach the pending requests' callbacks; this keeps an unhandled
      // 'error' event from crashing the process.
      sftp.on('error', () => undefined);
      this.#sftp = sftp;
      return sftp;
    } catch (err) {
      this.limiter.unreserve();
      if (this.lostError) throw this.lostError;
      const error = sshError(
        this.target,
        'ERR_NET_SFTP',
        err instanceof NetworkTimeoutError
          ? 'the server did not start an SFTP session (is SFTP enabled for this account?)'
          : 'the server offers no SFTP subsystem (exec-only account or no `Subsystem sftp`)',
        { cause: err },
      );
      this.#sftpRefused = error;
      throw error;
    } finally {
      unsubscribe();
      deadline.clear();
    }
  }

  /** Sets up host-key checking, the socket (direct or via a jump host) and the SSH session. */
  async open(
    options: ResolvedOptions,
    credentials: Credentials,
    openJump: (() => Promise<JumpTunnel>) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const target = this.target;
    this.#sftpTimeout = options.readyTimeout;
    const verifier = await createHostKeyVerifier(options.host, options.port, options.hostKey);
    let rawError: unknown;
    let ready = false;
    this.client.on('error', (err: Error) => {
      rawError ??= err;
      if (ready) this.markLost(err);
    });
    this.client.on('close', () => this.markLost(rawError ?? new Error('connection closed')));
    // 'connect' until a TCP connection (or jump tunnel) exists, then 'handshake': a server that
    // accepts TCP and never speaks SSH times out in the handshake, not in connect.
    let phase: 'connect' | 'handshake' = 'connect';
    const deadline = startDeadline({
      timeout: options.readyTimeout,
      signal,
      onTimeout: () =>
        new NetworkTimeoutError(
          `SSH connect timed out after ${options.readyTimeout} ms (${phase}): ${formatHostPort(target.host, target.port)}`,
          { timeoutMs: options.readyTimeout, phase },
        ),
      onAbort: (s) =>
        abortErrorFor(s, `SSH connect to ${formatHostPort(target.host, target.port)}`),
    });
    try {
      let sock: Duplex;
      if (openJump) {
        this.#jump = await Promise.race([openJump(), deadline.expired]);
        sock = this.#jump.stream;
      } else {
        sock = this.#socket = await Promise.race([this.#tcpConnect(options), deadline.expired]);
      }
      coalesceWrites(sock);
      phase = 'handshake';
      const algorithms = verifier.preferredKeyTypes.flatMap(
        (type) => HOST_KEY_ALGORITHMS[type] ?? [],
      );
      const config: ConnectConfig = {
        sock,
        username: options.username,
        password: credentials.password,
        privateKey: credentials.privateKey,
        passphrase: credentials.passphrase,
        agent: options.agent,
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => verifier.verify(key, verify),
        // Our own deadline bounds the handshake; ssh2's timer would race it.
        readyTimeout: 2_147_483_647,
        keepaliveInterval: options.keepaliveInterval,
        keepaliveCountMax: options.keepaliveCountMax,
        algorithms:
          algorithms.length > 0
            ? { serverHostKey: { remove: algorithms, prepend: algorithms } as never }
            : undefined,
      };
      try {
        await Promise.race([
          new Promise<void>((resolve, reject) => {
            this.client.once('ready', () => resolve());
            this.client.once('error', reject);
            this.client.once('close', () =>
              reject(
                rawError instanceof Error
                  ? rawError
                  : new Error('connection closed during the handshake'),
              ),
            );
            this.client.connect(config);
          }),
          deadline.expired,
        ]);
        ready = true;
      } catch (err) {
        const decision = verifier.decision;
        if (decision && !decision.accepted) {
          throw sshError(
            target,
            'ERR_NET_SSH_HOST_KEY',
            `host key verification failed (${decision.reason} ${decision.keyType} key ${decision.fingerprint})`,
            { cause: decision.cause ?? rawError ?? err },
          );
        }
        const code = (err as { code?: unknown }).code;
        if (code === 'ERR_NET_ABORTED' || code === 'ERR_NET_TIMEOUT') throw err;
        throw connectError(target, rawError ?? err, options.readyTimeout);
      }
    } catch (err) {
      this.destroy();
      await this.#jump?.close();
      throw err;
    } finally {
      deadline.clear();
    }
  }

  #tcpConnect(options: ResolvedOptions): Promise<Socket> {
    return new Promise((resolve, reject) => {
      // TCP_NODELAY: without it SFTP request/response pairs wait on Nagle + delayed ACK.
      const socket = tcpConnect({
        host: options.host,
        port: options.port,
        noDelay: options.noDelay,
      });
      this.#socket = socket;
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        resolve(socket);
      });
      socket.once('error', (err) => reject(connectError(this.target, err, options.readyTimeout)));
    });
  }

  /** Ends the SSH connection politely, waiting a bounded time, then tears the socket down. */
  async close(): Promise<void> {
    this.#closing = true;
    if (!this.lostError) {
      const closed = new Promise<void>((resolve) => this.onLost(() => resolve()));
      let timer: NodeJS.Timeout | undefined;
      this.client.end();
      await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, 2_000)))]);
      clearTimeout(timer);
    }
    this.destroy();
    await this.#jump?.close();
  }

  /** Immediate teardown. */
  destroy(): void {
    this.#closing = true;
    this.#socket?.destroy();
    this.#jump?.stream.destroy();
    this.markLost(new Error('connection destroyed'));
  }
}
