import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { addSshOptions, type SshFlags } from './ssh-options.js';

export function registerSsh(program: Command, context: CommandContext): void {
  addSshOptions(
    program
      .command('ssh')
      .description('run a command over SSH; exits with the remote exit code')
      .argument('<target>', 'user@host[:port]')
      .argument('<command...>', 'the command (after --), joined with spaces as ssh does'),
  ).action(async (target: string, command: string[], flags: SshFlags) => {
    const { runSsh } = await import('../run/ssh.js');
    await runSsh(target, command, flags, context);
  });
}
