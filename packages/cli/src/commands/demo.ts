import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../main.js';

export function registerDemo(program: Command, context: CommandContext): void {
  program
    .command('demo')
    .description('start loopback servers and drive every client against them')
    .action(async () => {
      // Loaded on demand: the servers come from @net/test-utils, the clients from every package.
      const { runDemo } = await import('../demo/run-demo.js');
      const failed = await runDemo((line) => context.io.stdout.write(`${line}\n`));
      context.setExitCode(failed === 0 ? ExitCode.OK : ExitCode.FAILURE);
    });
}
