import { basename } from 'node:path';
import type { Command } from 'commander';
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

export function registerSftp(program: Command, context: CommandContext): void {
  const sftp = program
    .command('sftp')
    .description('transfer and manage files over SFTP (atomic, verified)');

  addSshOptions(
    sftp
      .command('put')
      .description('upload a file atomically, verified by sha256, with a progress bar')
      .argument('<target>', 'user@host[:port]')
      .argument('<local>')
      .argument('[remote]', 'remote path (default: the local file name)'),
  ).action(async (target: string, local: string, remote: string | undefined, flags: SshFlags) => {
    await using client = sshClientFor(target, flags);
    await client.connect({ signal: context.signal });
    const progress = startProgress(`put ${basename(local)}`, 'bytes');
    try {
      await client.upload(local, remote ?? basename(local), {
        verify: 'sha256',
        signal: context.signal,
        onProgress: (p) => progress.update(p.transferred, p.total),
      });
    } finally {
      progress.stop();
    }
  });

  addSshOptions(
    sftp
      .command('get')
      .description('download a file atomically, verified by sha256, with a progress bar')
      .argument('<target>', 'user@host[:port]')
      .argument('<remote>')
      .argument('[local]', 'local path (default: the remote file name)'),
  ).action(async (target: string, remote: string, local: string | undefined, flags: SshFlags) => {
    await using client = sshClientFor(target, flags);
    await client.connect({ signal: context.signal });
    const progress = startProgress(`get ${basename(remote)}`, 'bytes');
    try {
      await client.download(remote, local ?? basename(remote), {
        verify: 'sha256',
        signal: context.signal,
        onProgress: (p) => progress.update(p.transferred, p.total),
      });
    } finally {
      progress.stop();
    }
  });

  addSshOptions(
    sftp
      .command('ls')
      .description('list a remote directory')
      .argument('<target>', 'user@host[:port]')
      .argument('[path]', 'remote directory', '.')
      .option('--json', 'print JSON'),
  ).action(async (target: string, path: string, flags: SshFlags & { json?: boolean }) => {
    await using client = sshClientFor(target, flags);
    await client.connect({ signal: context.signal });
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

  addSshOptions(
    sftp
      .command('mkdir')
      .description('create a remote directory')
      .argument('<target>', 'user@host[:port]')
      .argument('<path>')
      .option('--parents', 'create parents as needed'),
  ).action(async (target: string, path: string, flags: SshFlags & { parents?: boolean }) => {
    await using client = sshClientFor(target, flags);
    await client.connect({ signal: context.signal });
    await client.mkdir(path, { recursive: flags.parents === true });
  });

  addSshOptions(
    sftp
      .command('rm')
      .description('remove a remote file, or a directory with --recursive')
      .argument('<target>', 'user@host[:port]')
      .argument('<path>')
      .option('--recursive', 'remove a directory and its contents'),
  ).action(async (target: string, path: string, flags: SshFlags & { recursive?: boolean }) => {
    await using client = sshClientFor(target, flags);
    await client.connect({ signal: context.signal });
    if (flags.recursive) await client.rmdir(path, { recursive: true });
    else await client.remove(path);
  });
}
