import { basename } from 'node:path';
import { escapeControlChars } from '@net/errors/internal';
import type { SSHClient } from '@net/ssh';
import type { SshFlags } from '../commands/ssh-options.js';
import type { CommandContext } from '../main.js';
import { startProgress } from '../progress.js';
import { sshClientFor } from './ssh-client.js';

function modeString(mode: number, type: string): string {
  const kind = type === 'directory' ? 'd' : type === 'symlink' ? 'l' : '-';
  const bits = ['r', 'w', 'x'];
  let text = kind;
  for (let i = 8; i >= 0; i--) text += mode & (1 << i) ? bits[(8 - i) % 3] : '-';
  return text;
}

/** Connects, runs `use`, and always closes the connection. */
export async function withClient(
  target: string,
  flags: SshFlags,
  context: CommandContext,
  use: (client: SSHClient) => Promise<unknown>,
): Promise<void> {
  await using client = sshClientFor(target, flags);
  await client.connect({ signal: context.signal });
  await use(client);
}

/** `put` and `get`: one atomic, sha256-verified transfer with a progress bar. */
export async function runTransfer(
  direction: 'put' | 'get',
  target: string,
  source: string,
  destination: string | undefined,
  flags: SshFlags,
  context: CommandContext,
): Promise<void> {
  await withClient(target, flags, context, async (client) => {
    const progress = startProgress(`${direction} ${escapeControlChars(basename(source))}`, 'bytes');
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
}

/**
 * `ls`: one line per entry. Names come from the server, so control characters in them are
 * escaped: a name must not clear the screen, retitle the terminal or forge another line.
 * `--json` keeps the exact names (JSON escapes them itself).
 */
export async function runList(
  target: string,
  path: string,
  flags: SshFlags & { json?: boolean },
  context: CommandContext,
): Promise<void> {
  await withClient(target, flags, context, async (client) => {
    const entries = (await client.list(path)).sort((a, b) => a.name.localeCompare(b.name));
    if (flags.json) {
      context.io.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
      return;
    }
    for (const e of entries) {
      const when = new Date(e.mtimeMs).toISOString().slice(0, 16).replace('T', ' ');
      context.io.stdout.write(
        `${modeString(e.mode, e.type)} ${String(e.size).padStart(12)} ${when} ${escapeControlChars(e.name)}\n`,
      );
    }
  });
}
