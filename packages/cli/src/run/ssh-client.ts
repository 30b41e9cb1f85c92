import { userInfo } from 'node:os';
import { invalidArgValue } from '@net/errors/internal';
import { SSHClient, type HostKeyPolicy, type SSHClientOptions } from '@net/ssh';
import type { SshFlags } from '../commands/ssh-options.js';

const POLICIES: readonly string[] = ['strict', 'accept-new', 'off'];

/**
 * `user@host[:port]` (IPv6 as `user@[::1]:22`) into a client. Passwords never come from the
 * command line, where `ps` would show them: NET_SSH_PASSWORD, or an agent, or a key.
 */
export function sshClientFor(target: string, flags: SshFlags): SSHClient {
  const match = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:@]+)(?::(\d+))?$/.exec(target);
  if (!match) throw invalidArgValue('target', 'Expected user@host[:port].');
  const [, user, rawHost, rawPort] = match;
  const policy = flags.hostKeyPolicy ?? 'strict';
  if (!POLICIES.includes(policy)) {
    throw invalidArgValue('--host-key-policy', 'Expected strict, accept-new or off.');
  }
  const options: SSHClientOptions = {
    host: rawHost!.replace(/^\[|\]$/g, ''),
    port: rawPort === undefined ? (flags.port ?? 22) : Number(rawPort),
    username: user ?? userInfo().username,
    hostKey: {
      policy: policy as HostKeyPolicy,
      ...(flags.knownHosts ? { knownHostsPath: flags.knownHosts } : {}),
    },
    ...(flags.connectTimeout === undefined ? {} : { readyTimeout: flags.connectTimeout }),
  };
  if (flags.identity) options.privateKeyPath = flags.identity;
  if (process.env.NET_SSH_PASSPHRASE) options.passphrase = process.env.NET_SSH_PASSPHRASE;
  if (process.env.NET_SSH_PASSWORD) options.password = process.env.NET_SSH_PASSWORD;
  if (!flags.identity && !options.password && process.env.SSH_AUTH_SOCK)
    options.agent = process.env.SSH_AUTH_SOCK;
  return new SSHClient(options);
}
