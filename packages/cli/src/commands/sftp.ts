import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { addSshOptions, type SshFlags } from './ssh-options.js';

/** `put` and `get`: one atomic, sha256-verified transfer with a progress bar. */
function registerTransfer(sftp: Command, context: CommandContext, direction: 'put' | 'get'): void {
  const [from, to] = direction === 'put' ? ['local', 'remote'] : ['remote', 'local'];
  addSshOptions(
    sftp
      .command(direction)
      .description(
        `${direction === 'put' ? 'upload' : 'download'} a file atomically, verified by sha256, with a progress bar`,
      )
      .argument('<target>', 'user@host[:port]')
      .argument(`<${from}>`)
      .argument(`[${to}]`, `${to} path (default: the ${from} file name)`),
  ).action(
    async (target: string, source: string, destination: string | undefined, flags: SshFlags) => {
      const { runTransfer } = await import('../run/sftp.js');
      await runTransfer(direction, target, source, destination, flags, context);
    },
  );
}

export function registerSftp(program: Command, context: CommandContext): void {
  const sftp = program
    .command('sftp')
    .description('transfer and manage files over SFTP (atomic, verified)');

  registerTransfer(sftp, context, 'put');
  registerTransfer(sftp, context, 'get');

  addSshOptions(
    sftp
      .command('ls')
      .description('list a remote directory')
      .argument('<target>', 'user@host[:port]')
      .argument('[path]', 'remote directory', '.')
      .option('--json', 'print the entries as JSON (names exactly as the server sent them)'),
  ).action(async (target: string, path: string, flags: SshFlags & { json?: boolean }) => {
    const { runList } = await import('../run/sftp.js');
    await runList(target, path, flags, context);
  });

  addSshOptions(
    sftp
      .command('mkdir')
      .description('create a remote directory')
      .argument('<target>', 'user@host[:port]')
      .argument('<path>')
      .option('--parents', 'create parents as needed'),
  ).action(async (target: string, path: string, flags: SshFlags & { parents?: boolean }) => {
    const { withClient } = await import('../run/sftp.js');
    await withClient(target, flags, context, (client) =>
      client.mkdir(path, { recursive: flags.parents === true }),
    );
  });

  addSshOptions(
    sftp
      .command('rm')
      .description('remove a remote file, or a directory with --recursive')
      .argument('<target>', 'user@host[:port]')
      .argument('<path>')
      .option('--recursive', 'remove a directory and its contents'),
  ).action(async (target: string, path: string, flags: SshFlags & { recursive?: boolean }) => {
    const { withClient } = await import('../run/sftp.js');
    await withClient(target, flags, context, (client) =>
      flags.recursive ? client.rmdir(path, { recursive: true }) : client.remove(path),
    );
  });
}
