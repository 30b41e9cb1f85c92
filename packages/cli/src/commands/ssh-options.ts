import { Option, type Command } from 'commander';
import { integerIn, milliseconds } from './parse-number.js';

/** Flags shared by `net ssh` and `net sftp`. */
export interface SshFlags {
  identity?: string;
  knownHosts?: string;
  hostKeyPolicy?: string;
  port?: number;
  connectTimeout?: number;
}

export function addSshOptions(command: Command): Command {
  return command
    .option(
      '-i, --identity <file>',
      'private key file (a passphrase is read from NET_SSH_PASSPHRASE)',
    )
    .option('--known-hosts <file>', 'known_hosts file (default ~/.ssh/known_hosts)')
    .addOption(
      new Option('--host-key-policy <policy>', 'how host keys are checked (off is unsafe)')
        .choices(['strict', 'accept-new', 'off'])
        .default('strict'),
    )
    .option('-p, --port <port>', 'port, when not given as host:port', integerIn(1, 65_535))
    .option(
      '--connect-timeout <ms>',
      'connect (handshake) timeout in ms (0: no limit)',
      milliseconds,
    );
}
