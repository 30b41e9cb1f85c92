import type { Command } from 'commander';

const SHELLS = ['bash', 'zsh', 'fish', 'powershell'];

/** The first word that is not a flag: the subcommand being run. */
function subcommandOf(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((arg) => !arg.startsWith('-'));
}

/**
 * Whether this run generates a completion script (`net completion bash`) or answers the shell's
 * completion request (`net complete -- …`, the call the generated script makes).
 */
export function wantsCompletion(argv: readonly string[]): boolean {
  const sub = subcommandOf(argv);
  return sub === 'completion' || sub === 'complete';
}

/**
 * Only for `net --help`: the real `completion` command comes from @bomb.sh/tab and is attached
 * by {@link registerCompletion} when completion is asked for, so other runs never load it.
 */
export function registerCompletionHelp(program: Command): void {
  program
    .command('completion')
    .description(`print a shell completion script (${SHELLS.join(', ')})`)
    .argument('<shell>', SHELLS.join(' | '));
}

/**
 * Attaches @bomb.sh/tab to the command tree: `completion <shell>` prints a script that calls
 * back `net complete -- <words>`, which lists subcommands, flags and choices from the same
 * commander definitions `--help` shows, so completion never drifts from the real flags.
 */
export async function registerCompletion(program: Command): Promise<void> {
  const { default: tab } = await import('@bomb.sh/tab/commander');
  tab(program, { completionCommandName: 'completion' });
}
