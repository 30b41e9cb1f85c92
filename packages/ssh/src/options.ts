import { homedir } from 'node:os';
import { join } from 'node:path';
import { argOutOfRange, invalidArgType, invalidArgValue } from '@net/errors';
import { parseKey } from './key-parsing.js';

/** How the server's host key is checked. */
export type HostKeyPolicy = 'strict' | 'accept-new' | 'off';

/** Host key verification. */
export interface HostKeyOptions {
  /**
   * `strict`: the key must be in known_hosts (or match `fingerprints`); unknown or changed keys
   * are refused. `accept-new`: an unknown host's key is appended to known_hosts, a changed key
   * is refused. `off`: any key is accepted — UNSAFE, anyone on the path can impersonate the
   * server and read what you send.
   * @default 'strict'
   */
  policy?: HostKeyPolicy;
  /** The OpenSSH known_hosts file. @default '~/.ssh/known_hosts' */
  knownHostsPath?: string;
  /**
   * Pinned key fingerprints, `SHA256:<base64>` as `ssh-keygen -lf` prints them. When given,
   * the key must match one of them and known_hosts is not consulted.
   * @default []
   */
  fingerprints?: string[];
}

/** Options of `new SSHClient()`. */
export interface SSHClientOptions {
  /** Server name or address. */
  host: string;
  /** @default 22 */
  port?: number;
  /** @default the current OS user */
  username?: string;
  /** Password authentication. */
  password?: string;
  /** A private key (OpenSSH or PEM text, or a Buffer of it). */
  privateKey?: string | Buffer;
  /** A file holding the private key; read at connect time. */
  privateKeyPath?: string;
  /** Decrypts an encrypted private key. */
  passphrase?: string;
  /** An ssh-agent socket path, or `true` for `$SSH_AUTH_SOCK`. */
  agent?: string | true;
  /** Host key verification. @default { policy: 'strict', knownHostsPath: '~/.ssh/known_hosts' } */
  hostKey?: HostKeyOptions;
  /** Budget for TCP connect + SSH handshake + authentication + SFTP start, ms. @default 20000 */
  readyTimeout?: number;
  /** Interval of SSH keepalive pings, ms; 0 turns them off. @default 15000 */
  keepaliveInterval?: number;
  /** Unanswered keepalives before the connection is declared dead. @default 3 */
  keepaliveCountMax?: number;
  /** Set TCP_NODELAY on the socket (stock ssh2 does not; transfers crawl without it). @default true */
  noDelay?: boolean;
  /**
   * Channels this client opens at once, the SFTP channel included; more concurrent operations
   * queue. Keep it below the server's `MaxSessions` (OpenSSH: 10). @default 8
   */
  maxChannels?: number;
  /** Connect to `host` through this SSH server (a jump host / bastion), like `ssh -J`. */
  jump?: SSHClientOptions;
}

/** Defaults of {@link SSHClientOptions}. */
export const defaults = {
  port: 22,
  hostKey: {
    policy: 'strict',
    knownHostsPath: join(homedir(), '.ssh', 'known_hosts'),
    fingerprints: [] as string[],
  },
  readyTimeout: 20_000,
  keepaliveInterval: 15_000,
  keepaliveCountMax: 3,
  noDelay: true,
  maxChannels: 8,
} satisfies Partial<SSHClientOptions>;

/** Options after validation, with defaults applied. Secrets live elsewhere (see ssh-client.ts). */
export interface ResolvedOptions {
  host: string;
  port: number;
  username: string;
  hostKey: Required<HostKeyOptions>;
  readyTimeout: number;
  keepaliveInterval: number;
  keepaliveCountMax: number;
  noDelay: boolean;
  maxChannels: number;
  agent: string | undefined;
  privateKeyPath: string | undefined;
  jump: SSHClientOptions | undefined;
}

const POLICIES: readonly HostKeyPolicy[] = ['strict', 'accept-new', 'off'];
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;

function checkInteger(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw argOutOfRange(name, `an integer >= ${min} and <= ${max}`, value);
  }
}

function checkString(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'string')
    throw invalidArgType(name, 'of type string', value);
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** Validates `options` (synchronously, no I/O) and applies the defaults. */
export function resolveOptions(options: SSHClientOptions, username: () => string): ResolvedOptions {
  if (options === null || typeof options !== 'object')
    throw invalidArgType('options', 'an object', options);
  if (typeof options.host !== 'string')
    throw invalidArgType('host', 'of type string', options.host);
  if (options.host.trim() === '') throw invalidArgValue('host', 'It must not be empty.');
  const port = options.port ?? defaults.port;
  checkInteger('port', port, 1, 65_535);
  for (const name of ['username', 'password', 'privateKeyPath', 'passphrase'] as const) {
    checkString(name, options[name]);
  }
  if (options.username === '') throw invalidArgValue('username', 'It must not be empty.');
  if (
    options.privateKey !== undefined &&
    typeof options.privateKey !== 'string' &&
    !Buffer.isBuffer(options.privateKey)
  ) {
    throw invalidArgType('privateKey', 'a string or a Buffer', options.privateKey);
  }
  if (options.privateKey !== undefined && options.privateKeyPath !== undefined) {
    throw invalidArgValue('privateKey', 'Pass either privateKey or privateKeyPath, not both.');
  }
  if (
    options.agent !== undefined &&
    options.agent !== true &&
    (typeof options.agent !== 'string' || options.agent === '')
  ) {
    throw invalidArgType('agent', 'a socket path or true', options.agent);
  }
  const agent = options.agent === true ? process.env.SSH_AUTH_SOCK : options.agent;
  if (options.agent === true && !agent) {
    throw invalidArgValue('agent', 'It is true but SSH_AUTH_SOCK is not set.');
  }
  const hasCredential =
    options.password !== undefined ||
    options.privateKey !== undefined ||
    options.privateKeyPath !== undefined ||
    agent !== undefined;
  if (!hasCredential) {
    throw invalidArgValue(
      'options',
      'No credentials: pass password, privateKey, privateKeyPath or agent.',
    );
  }
  // A key given inline is parsed now, so a wrong passphrase or a mangled key is a clear
  // TypeError here rather than a failure in the middle of the handshake.
  if (options.privateKey !== undefined)
    parseKey(options.privateKey, options.passphrase, 'privateKey');

  const hostKey = options.hostKey ?? {};
  if (hostKey === null || typeof hostKey !== 'object')
    throw invalidArgType('hostKey', 'an object', hostKey);
  const policy = hostKey.policy ?? defaults.hostKey.policy;
  if (!POLICIES.includes(policy)) {
    throw invalidArgValue(
      'hostKey.policy',
      `It must be one of ${POLICIES.join(', ')}. Received ${String(policy)}`,
    );
  }
  checkString('hostKey.knownHostsPath', hostKey.knownHostsPath);
  const fingerprints = hostKey.fingerprints ?? defaults.hostKey.fingerprints;
  if (!Array.isArray(fingerprints))
    throw invalidArgType('hostKey.fingerprints', 'an array', fingerprints);
  for (const fingerprint of fingerprints) {
    if (typeof fingerprint !== 'string' || !FINGERPRINT.test(fingerprint)) {
      throw invalidArgValue(
        'hostKey.fingerprints',
        `Each must look like SHA256:<43 base64 characters>. Received ${String(fingerprint)}`,
      );
    }
  }

  const readyTimeout = options.readyTimeout ?? defaults.readyTimeout;
  checkInteger('readyTimeout', readyTimeout, 1, 2 ** 31 - 1);
  const keepaliveInterval = options.keepaliveInterval ?? defaults.keepaliveInterval;
  checkInteger('keepaliveInterval', keepaliveInterval, 0, 2 ** 31 - 1);
  const keepaliveCountMax = options.keepaliveCountMax ?? defaults.keepaliveCountMax;
  checkInteger('keepaliveCountMax', keepaliveCountMax, 1, 1000);
  const maxChannels = options.maxChannels ?? defaults.maxChannels;
  // One channel is the SFTP session; at least one more is needed for exec.
  checkInteger('maxChannels', maxChannels, 2, 1000);
  const noDelay = options.noDelay ?? defaults.noDelay;
  if (typeof noDelay !== 'boolean') throw invalidArgType('noDelay', 'of type boolean', noDelay);
  if (options.jump !== undefined) {
    if (options.jump === null || typeof options.jump !== 'object')
      throw invalidArgType('jump', 'an options object', options.jump);
    // The jump host's options are checked now too, not when the first connection is attempted.
    resolveOptions(options.jump, username);
  }

  return {
    host: options.host,
    port,
    username: options.username ?? username(),
    hostKey: {
      policy,
      knownHostsPath: expandHome(hostKey.knownHostsPath ?? defaults.hostKey.knownHostsPath),
      fingerprints: [...fingerprints],
    },
    readyTimeout,
    keepaliveInterval,
    keepaliveCountMax,
    noDelay,
    maxChannels,
    agent,
    privateKeyPath:
      options.privateKeyPath === undefined ? undefined : expandHome(options.privateKeyPath),
    jump: options.jump,
  };
}
