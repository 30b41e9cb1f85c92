import { connect as tcpConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { AbortError, NetworkTimeoutError, type NetworkError } from '@net/errors';
import type { Client, ConnectConfig, SFTPWrapper } from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import { ChannelLimiter } from './channel-limiter.js';
import { createHostKeyVerifier } from './host-key-verifier.js';
import type { ResolvedOptions } from './options.js';
import { connectError, describeTarget, sshError, type SSHTarget } from './ssh-errors.js';

/** The secrets of a client, kept apart from everything that may be logged. */
export interface Credentials {
  password: string | undefined;
  privateKey: string | Buffer | undefined;
  passphrase: string | undefined;
}

/** A stream to the target through a jump host, and how to let go of the jump connection. */
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
 * One established SSH connection with its SFTP session (opened by ssh2-sftp-client's
 * `connect()`), its channel limiter, and the knowledge of whether it is still alive.
 */
export class Connection {
  readonly sftpClient: SftpClient;
  readonly client: Client;
  sftp!: SFTPWrapper;
  /** Session channels for exec; the SFTP session already holds one of `maxChannels`. */
  readonly limiter: ChannelLimiter;
  readonly target: SSHTarget;
  /** Set once the connection is gone: the error every later operation fails with. */
  lostError: NetworkError | undefined;
  readonly #lostListeners = new Set<(err: NetworkError) => void>();
  #socket: Socket | undefined;
  #jump: JumpTunnel | undefined;
  #closing = false;

  constructor(target: SSHTarget, maxChannels: number) {
    this.target = target;
    this.limiter = new ChannelLimiter(maxChannels - 1);
    // ssh2-sftp-client logs to the console from its global listeners by default; this class
    // reports through its own listeners below instead.
    const quiet = () => undefined;
    this.sftpClient = new SftpClient('@net/ssh', { error: quiet, end: quiet, close: quiet });
    this.client = (this.sftpClient as unknown as { client: Client }).client;
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

  /** Sets up host-key checking, the socket (direct or via a jump host) and SSH + SFTP. */
  async open(
    options: ResolvedOptions,
    credentials: Credentials,
    openJump: (() => Promise<JumpTunnel>) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const target = this.target;
    const verifier = await createHostKeyVerifier(options.host, options.port, options.hostKey);
    let rawError: unknown;
    // ssh2-sftp-client rewraps errors into plain Errors; keep ssh2's own (with `level`) as cause.
    this.client.prependListener('error', (err: Error) => {
      rawError ??= err;
      if (this.sftp) this.markLost(err);
    });
    this.client.on('close', () => this.markLost(rawError ?? new Error('connection closed')));

    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(
          new NetworkTimeoutError(
            `SSH connect timed out after ${options.readyTimeout} ms: ${describeTarget(target)}`,
            {
              timeoutMs: options.readyTimeout,
              phase: this.sftp ? 'handshake' : 'connect',
            },
          ),
        );
      }, options.readyTimeout);
      onAbort = () =>
        reject(
          new AbortError(`SSH connect aborted: ${describeTarget(target)}`, {
            cause: signal?.reason,
          }),
        );
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    stop.catch(() => undefined);
    try {
      let sock: Duplex;
      if (openJump) {
        this.#jump = await Promise.race([openJump(), stop]);
        sock = this.#jump.stream;
      } else {
        sock = this.#socket = await Promise.race([this.#tcpConnect(options), stop]);
      }
      const algorithms = verifier.preferredKeyTypes.flatMap(
        (type) => HOST_KEY_ALGORITHMS[type] ?? [],
      );
      const config: ConnectConfig = {
        sock: sock,
        username: options.username,
        password: credentials.password,
        privateKey: credentials.privateKey,
        passphrase: credentials.passphrase,
        agent: options.agent,
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => verifier.verify(key, verify),
        readyTimeout: options.readyTimeout,
        keepaliveInterval: options.keepaliveInterval,
        keepaliveCountMax: options.keepaliveCountMax,
        algorithms:
          algorithms.length > 0
            ? { serverHostKey: { remove: algorithms, prepend: algorithms } as never }
            : undefined,
      };
      try {
        this.sftp = await Promise.race<SFTPWrapper>([this.sftpClient.connect(config), stop]);
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
        if (
          (err as { code?: unknown }).code === 'ERR_NET_ABORTED' ||
          (err as { code?: unknown }).code === 'ERR_NET_TIMEOUT'
        )
          throw err;
        throw connectError(target, rawError ?? err, options.readyTimeout);
      }
    } catch (err) {
      this.destroy();
      await this.#jump?.close();
      throw err;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
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
      await Promise.race([
        this.sftpClient.end().catch(() => undefined),
        closed,
        new Promise((resolve) => (timer = setTimeout(resolve, 2_000))),
      ]);
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
