import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { addSshOptions, sshClientFor, type SshFlags } from './ssh-target.js';

export function registerSsh(program: Command, context: CommandContext): void {
  addSshOptions(
    program
      .command('ssh')
      .description('run a command over SSH; exits with the remote exit code')
      .argument('<target>', 'user@host[:port]')
      .argument('<command...>', 'the command (after --), joined with spaces as ssh does'),
  ).action(async (target: string, command: string[], flags: SshFlags) => {
    const { io, signal } = context;
    await using client = sshClientFor(target, flags);
    await client.connect({ signal });
    const result = await client.exec(command.join(' '), {
      signal,
      onStdout: (chunk: Buffer) => io.stdout.write(chunk),
      onStderr: (chunk: Buffer) => io.stderr.write(chunk),
    });
    // Like ssh: a command ended by a signal exits 128 + its number is unknown here, so 255.
    context.setExitCode(result.exitCode ?? 255);
  });
}
