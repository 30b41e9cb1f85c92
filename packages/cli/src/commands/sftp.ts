import { basename } from 'node:path';
import type { Command } from 'commander';
import type { SSHClient } from '@net/all';
import type { CommandContext } from '../main.js';
import { startProgress } from '../progress.js';
import { addSshOptions, sshClientFor, type SshFlags } from './ssh-target.js';

function modeString(mode: number, type: string): string {
  const kind = type === 'directory' ? 'd' : type === 'symlink' ? 'l' : '-';
  const bits = ['r', 'w', 'x'];
  let text = kind;
  for (let i = 8; i >= 0; i--) text += mode & (1 << i) ? bits[(8 - i) % 3] : '-';
  return text;
}

/** Connects, runs `use`, and always closes the connection. */
async function withClient(
  target: string,
  flags: SshFlags,
  context: CommandContext,
  use: (client: SSHClient) => Promise<void>,
): Promise<void> {
  await using client = sshClientFor(target, flags);
  await client.connect({ signal: context.signal });
  await use(client);
}

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
      await withClient(target, flags, context, async (client) => {
        const progress = startProgress(`${direction} ${basename(source)}`, 'bytes');
        const options = {
          verify: 'sha256' as const,
          signal: context.signal,
          onProgress: (p: { transferred: number; total: number }) =>
            progress.update(p.transferred, p.total),
        };
        try {
          const dest = destination ?? basename(source);
          if (direction === 'put') await client.upload(source, dest, options);
          else await client.download(source, dest, options);
        } finally {
          progress.stop();
        }
      });
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
      .option('--json', 'print JSON'),
  ).action(async (target: string, path: string, flags: SshFlags & { json?: boolean }) => {
    await withClient(target, flags, context, async (client) => {
      const entries = (await client.list(path)).sort((a, b) => a.name.localeCompare(b.name));
      if (flags.json) {
        context.io.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
        return;
      }
      for (const e of entries) {
        const when = new Date(e.mtimeMs).toISOString().slice(0, 16).replace('T', ' ');
        context.io.stdout.write(
          `${modeString(e.mode, e.type)} ${String(e.size).padStart(12)} ${when} ${e.name}\n`,
        );
      }
    });
  });

  addSshOptions(
    sftp
      .command('mkdir')
      .description('create a remote directory')
      .argument('<target>', 'user@host[:port]')
      .argument('<path>')
      .option('--parents', 'create parents as needed'),
  ).action(async (target: string, path: string, flags: SshFlags & { parents?: boolean }) => {
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
    await withClient(target, flags, context, (client) =>
      flags.recursive ? client.rmdir(path, { recursive: true }) : client.remove(path),
    );
  });
}
