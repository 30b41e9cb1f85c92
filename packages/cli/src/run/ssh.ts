import type { SshFlags } from '../commands/ssh-options.js';
import type { CommandContext } from '../main.js';
import { sshClientFor } from './ssh-client.js';

/** `net ssh`: streams the remote stdout/stderr byte-exact and exits with the remote code. */
export async function runSsh(
  target: string,
  command: string[],
  flags: SshFlags,
  context: CommandContext,
): Promise<void> {
  const { io, signal } = context;
  await using client = sshClientFor(target, flags);
  await client.connect({ signal });
  const result = await client.exec(command.join(' '), {
    signal,
    onStdout: (chunk: Buffer) => io.stdout.write(chunk),
    onStderr: (chunk: Buffer) => io.stderr.write(chunk),
  });
  // Like ssh: a command ended by a signal has no exit code of its own, so 255.
  context.setExitCode(result.exitCode ?? 255);
}
