import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  checkBoolean,
  checkHost,
  checkInteger,
  checkNoNul,
  checkOptionKeys,
  checkPort,
  checkString,
  checkTimeout,
  invalidArgType,
  invalidArgValue,
} from '@net/errors/internal';
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
  /** Password authentication. @default none */
  password?: string;
  /** A private key (OpenSSH or PEM text, or a Buffer of it). @default none */
  privateKey?: string | Buffer;
  /**
   * A file holding the private key; read at connect time. Like OpenSSH, a key file that its
   * group or others can read is refused (see `checkKeyPermissions`). @default none
   */
  privateKeyPath?: string;
  /** Decrypts an encrypted private key. @default none */
  passphrase?: string;
  /** An ssh-agent socket path, or `true` for `$SSH_AUTH_SOCK`. @default none */
  agent?: string | true;
  /**
   * Refuse a `privateKeyPath` file whose mode lets group or others read it, as OpenSSH does
   * ("UNPROTECTED PRIVATE KEY FILE"). `false` turns the check off. @default true
   */
  checkKeyPermissions?: boolean;
  /** Host key verification. @default { policy: 'strict', knownHostsPath: '~/.ssh/known_hosts', fingerprints: [] } */
  hostKey?: HostKeyOptions;
  /**
   * Budget in ms for TCP connect + SSH handshake + authentication (and, separately, for
   * starting the SFTP session on first use). `0` or `Infinity`: no limit. @default 20000
   */
  readyTimeout?: number;
  /** Interval of SSH keepalive pings, ms; `0` or `Infinity` turns them off. @default 15000 */
  keepaliveInterval?: number;
  /** Unanswered keepalives before the connection is declared dead. @default 3 */
  keepaliveCountMax?: number;
  /** Set TCP_NODELAY on the socket (stock ssh2 does not; transfers crawl without it). @default true */
  noDelay?: boolean;
  /**
   * The most session channels (exec calls plus the SFTP session) open at once; more
   * concurrent operations queue. When the server refuses a channel (OpenSSH `MaxSessions`,
   * Dropbear's limit), the client lowers its limit to what the server allowed and queues;
   * it raises it again slowly. @default 8
   */
  maxChannels?: number;
  /** Connect to `host` through this SSH server (a jump host / bastion), like `ssh -J`. @default none */
  jump?: SSHClientOptions;
}

const OPTION_KEYS = [
  'host',
  'port',
  'username',
  'password',
  'privateKey',
  'privateKeyPath',
  'passphrase',
  'agent',
  'checkKeyPermissions',
  'hostKey',
  'readyTimeout',
  'keepaliveInterval',
  'keepaliveCountMax',
  'noDelay',
  'maxChannels',
  'jump',
] as const satisfies ReadonlyArray<keyof SSHClientOptions>;
const HOST_KEY_KEYS = ['policy', 'knownHostsPath', 'fingerprints'] as const;

const DEFAULT_POLICY: HostKeyPolicy = 'strict';

/** Defaults of {@link SSHClientOptions}, exported as `SSHClient.defaults`. @internal */
export const clientDefaults = deepFreeze({
  port: 22,
  hostKey: {
    policy: DEFAULT_POLICY,
    knownHostsPath: '~/.ssh/known_hosts',
    fingerprints: [] as readonly string[],
  },
  checkKeyPermissions: true,
  readyTimeout: 20_000,
  keepaliveInterval: 15_000,
  keepaliveCountMax: 3,
  noDelay: true,
  maxChannels: 8,
});

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value))
    if (child !== null && typeof child === 'object') deepFreeze(child as object);
  return Object.freeze(value);
}

/** Options after validation, with defaults applied. Secrets live elsewhere (see ssh-client.ts). @internal */
export interface ResolvedOptions {
  host: string;
  port: number;
  username: string;
  hostKey: { policy: HostKeyPolicy; knownHostsPath: string; fingerprints: string[] };
  /** ms; Infinity for none. */
  readyTimeout: number;
  /** ms; 0 for off (ssh2's meaning). */
  keepaliveInterval: number;
  keepaliveCountMax: number;
  noDelay: boolean;
  maxChannels: number;
  checkKeyPermissions: boolean;
  agent: string | undefined;
  privateKeyPath: string | undefined;
  jump: SSHClientOptions | undefined;
}

const POLICIES: readonly HostKeyPolicy[] = ['strict', 'accept-new', 'off'];
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;

function optionalString(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return checkNoNul(name, checkString(name, value));
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** Validates `options` (synchronously, no I/O) and applies the defaults. @internal */
export function resolveOptions(
  input: SSHClientOptions,
  username: () => string,
  name = 'options',
): ResolvedOptions {
  if (input === undefined) throw invalidArgType(name, 'of type object', input);
  const options = checkOptionKeys<SSHClientOptions>(name, input, OPTION_KEYS) as SSHClientOptions;
  const prefix = name === 'options' ? '' : `${name}.`;
  const host = checkHost(`${prefix}host`, options.host);
  const port = checkPort(`${prefix}port`, options.port ?? clientDefaults.port);
  for (const key of ['username', 'password', 'privateKeyPath', 'passphrase'] as const) {
    optionalString(`${prefix}${key}`, options[key]);
  }
  if (options.username === '') throw invalidArgValue(`${prefix}username`, 'It must not be empty.');
  if (
    options.privateKey !== undefined &&
    typeof options.privateKey !== 'string' &&
    !Buffer.isBuffer(options.privateKey)
  ) {
    throw invalidArgType(`${prefix}privateKey`, 'a string or a Buffer', options.privateKey);
  }
  if (options.privateKey !== undefined && options.privateKeyPath !== undefined) {
    throw invalidArgValue(
      `${prefix}privateKey`,
      'Pass either privateKey or privateKeyPath, not both.',
    );
  }
  if (
    options.agent !== undefined &&
    options.agent !== true &&
    (typeof options.agent !== 'string' || options.agent === '')
  ) {
    throw invalidArgType(`${prefix}agent`, 'a socket path or true', options.agent);
  }
  const agent = options.agent === true ? process.env.SSH_AUTH_SOCK : options.agent;
  if (options.agent === true && !agent) {
    throw invalidArgValue(`${prefix}agent`, 'It is true but SSH_AUTH_SOCK is not set.');
  }
  const hasCredential =
    options.password !== undefined ||
    options.privateKey !== undefined ||
    options.privateKeyPath !== undefined ||
    agent !== undefined;
  if (!hasCredential) {
    throw invalidArgValue(
      name,
      'No credentials: pass password, privateKey, privateKeyPath or agent.',
    );
  }
  // A key given inline is parsed now, so a wrong passphrase or a mangled key is a clear
  // TypeError here rather than a failure in the middle of the handshake.
  if (options.privateKey !== undefined)
    parseKey(options.privateKey, options.passphrase, `${prefix}privateKey`);

  const hostKey = checkOptionKeys<HostKeyOptions>(
    `${prefix}hostKey`,
    options.hostKey,
    HOST_KEY_KEYS,
  );
  const policy = hostKey.policy ?? clientDefaults.hostKey.policy;
  if (!POLICIES.includes(policy)) {
    throw invalidArgValue(
      `${prefix}hostKey.policy`,
      `It must be one of ${POLICIES.join(', ')}. Received ${String(policy)}`,
    );
  }
  const knownHostsPath = optionalString(`${prefix}hostKey.knownHostsPath`, hostKey.knownHostsPath);
  const fingerprints = hostKey.fingerprints ?? clientDefaults.hostKey.fingerprints;
  if (!Array.isArray(fingerprints))
    throw invalidArgType(`${prefix}hostKey.fingerprints`, 'an array', fingerprints);
  for (const fingerprint of fingerprints) {
    if (typeof fingerprint !== 'string' || !FINGERPRINT.test(fingerprint)) {
      throw invalidArgValue(
        `${prefix}hostKey.fingerprints`,
        `Each must look like SHA256:<43 base64 characters>. Received ${String(fingerprint)}`,
      );
    }
  }

  const readyTimeout = checkTimeout(
    `${prefix}readyTimeout`,
    options.readyTimeout,
    clientDefaults.readyTimeout,
  );
  const keepalive = checkTimeout(
    `${prefix}keepaliveInterval`,
    options.keepaliveInterval,
    clientDefaults.keepaliveInterval,
  );
  const keepaliveCountMax = checkInteger(
    `${prefix}keepaliveCountMax`,
    options.keepaliveCountMax ?? clientDefaults.keepaliveCountMax,
    { min: 1, max: 1000 },
  );
  // At least one channel: exec alone, or the SFTP session alone, still work.
  const maxChannels = checkInteger(
    `${prefix}maxChannels`,
    options.maxChannels ?? clientDefaults.maxChannels,
    { min: 1, max: 1000 },
  );
  const noDelay = checkBoolean(`${prefix}noDelay`, options.noDelay ?? clientDefaults.noDelay);
  const checkKeyPermissions = checkBoolean(
    `${prefix}checkKeyPermissions`,
    options.checkKeyPermissions ?? clientDefaults.checkKeyPermissions,
  );
  if (options.jump !== undefined) {
    // The jump host's options are checked now too, not when the first connection is attempted.
    resolveOptions(options.jump, username, `${prefix}jump`);
  }

  return {
    host,
    port,
    username: options.username ?? username(),
    hostKey: {
      policy,
      knownHostsPath: expandHome(knownHostsPath ?? clientDefaults.hostKey.knownHostsPath),
      fingerprints: [...fingerprints],
    },
    readyTimeout,
    keepaliveInterval: Number.isFinite(keepalive) ? keepalive : 0,
    keepaliveCountMax,
    noDelay,
    maxChannels,
    checkKeyPermissions,
    agent,
    privateKeyPath:
      options.privateKeyPath === undefined ? undefined : expandHome(options.privateKeyPath),
    jump: options.jump,
  };
}
