import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { SSHClient, invalidArgValue, type HostKeyPolicy, type SSHClientOptions } from '@net/all';
import { integerIn } from './parse-number.js';

/** Flags shared by `net ssh` and `net sftp`. */
export interface SshFlags {
  identity?: string;
  knownHosts?: string;
  hostKeyPolicy?: HostKeyPolicy;
  port?: number;
  timeout?: number;
}

export function addSshOptions(command: Command): Command {
  return command
    .option(
      '-i, --identity <file>',
      'private key file (a passphrase is read from NET_SSH_PASSPHRASE)',
    )
    .option('--known-hosts <file>', 'known_hosts file (default ~/.ssh/known_hosts)')
    .option('--host-key-policy <policy>', 'strict | accept-new | off (off is unsafe)', 'strict')
    .option('-p, --port <port>', 'port, when not given as host:port', integerIn(1, 65_535))
    .option('--timeout <ms>', 'connect (handshake) timeout in ms', integerIn(1, 600_000));
}

/**
 * `user@host[:port]` (IPv6 as `user@[::1]:22`) into client options. Passwords never come from
 * the command line, where `ps` would show them: NET_SSH_PASSWORD, or an agent, or a key.
 */
export function sshClientFor(target: string, flags: SshFlags): SSHClient {
  const match = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(target);
  if (!match) throw invalidArgValue('target', `Expected user@host[:port], got '${target}'.`);
  const [, user, rawHost, rawPort] = match;
  const policy = flags.hostKeyPolicy ?? 'strict';
  if (!['strict', 'accept-new', 'off'].includes(policy)) {
    throw invalidArgValue(
      '--host-key-policy',
      `Expected strict, accept-new or off, got '${policy}'.`,
    );
  }
  const options: SSHClientOptions = {
    host: rawHost!.replace(/^\[|\]$/g, ''),
    port: rawPort === undefined ? (flags.port ?? 22) : Number(rawPort),
    username: user ?? userInfo().username,
    hostKey: { policy, ...(flags.knownHosts ? { knownHostsPath: flags.knownHosts } : {}) },
    ...(flags.timeout ? { readyTimeout: flags.timeout } : {}),
  };
  if (flags.identity) options.privateKeyPath = flags.identity;
  if (process.env.NET_SSH_PASSPHRASE) options.passphrase = process.env.NET_SSH_PASSPHRASE;
  if (process.env.NET_SSH_PASSWORD) options.password = process.env.NET_SSH_PASSWORD;
  if (!flags.identity && !options.password && process.env.SSH_AUTH_SOCK)
    options.agent = process.env.SSH_AUTH_SOCK;
  return new SSHClient(options);
}
