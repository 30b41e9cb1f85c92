import { Command, CommanderError } from 'commander';
import { ExitCode } from './exit-codes.js';
import { secretsInArgv } from './known-secrets.js';
import { version } from './version.js';
import type * as ReportError from './report-error.js';
import {
  registerCompletion,
  registerCompletionHelp,
  wantsCompletion,
} from './commands/completion.js';
import { registerDemo } from './commands/demo.js';
import { registerHttp } from './commands/http.js';
import { registerScan } from './commands/scan.js';
import { registerSftp } from './commands/sftp.js';
import { registerSsh } from './commands/ssh.js';
import { registerTcp, registerUdp } from './commands/socket-cat.js';
import { registerWs } from './commands/ws.js';

/** Where a command writes; injectable so tests and the demo can capture output. */
export interface Io {
  /** Where data goes (bodies, messages, reports), byte-exact. */
  stdout: NodeJS.WritableStream;
  /** Where diagnostics go: one `net:` line each, redacted and escaped. */
  stderr: NodeJS.WritableStream;
  /** What `net ws`, `net tcp` and `net udp` send. */
  stdin: NodeJS.ReadableStream;
}

/** What every command receives besides its own arguments. */
export interface CommandContext {
  /** The streams of this run. */
  io: Io;
  /** Aborted on SIGINT, so every command stops cleanly and exits 130. */
  signal: AbortSignal;
  /** Set by a command that wants a specific exit code (e.g. `net ssh` → remote exit code). */
  setExitCode(code: number): void;
  /** Writes one diagnostic line to stderr, redacted and with control characters escaped. */
  note(text: string): void;
}

/** Redaction and escaping (they load @net/errors): loaded before an action runs or on an error. */
type Diagnostics = typeof ReportError;
let diagnostics: Diagnostics | undefined;
const loadDiagnostics = async (): Promise<Diagnostics> =>
  (diagnostics ??= await import('./report-error.js'));

/**
 * The command tree. Only flag definitions live here: every protocol package is imported by the
 * action that uses it, so `net --version` and `net --help` load none of them. A usage error is
 * handed to `onUsageError` instead of being printed with commander's usage dump.
 * @internal
 */
export function buildProgram(
  context: CommandContext,
  options: { completionPlaceholder?: boolean; onUsageError?: (message: string) => void } = {},
): Command {
  const program = new Command('net')
    .description('HTTP, WebSocket, SSH, SFTP, port scans and raw sockets from the shell')
    .version(version, '-V, --version', 'print the version')
    .option('--verbose', 'show the cause chain of errors')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => context.io.stdout.write(s),
      writeErr: (s) => context.io.stderr.write(s),
      outputError: (s) => {
        const message = s
          .replace(/^error: /, '')
          .replace(/\s*\n\s*/g, ' ')
          .trim();
        if (options.onUsageError) options.onUsageError(message);
        else context.io.stderr.write(`net: ${message}\n`);
      },
    })
    .hook('preAction', async () => {
      await loadDiagnostics();
    });
  registerHttp(program, context);
  registerWs(program, context);
  registerSsh(program, context);
  registerSftp(program, context);
  registerScan(program, context);
  registerTcp(program, context);
  registerUdp(program, context);
  registerDemo(program, context);
  if (options.completionPlaceholder !== false) registerCompletionHelp(program);
  return program;
}

/** Runs the `net` command with `argv` (as process.argv) and returns the exit code. */
export async function main(argv: string[], io: Io = process): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const secrets = secretsInArgv(argv.slice(2));
  let exitCode: number = ExitCode.OK;
  let usageError: string | undefined;
  const context: CommandContext = {
    io,
    signal: controller.signal,
    setExitCode: (code) => {
      exitCode = code;
    },
    note: (text) => {
      // Actions run after the preAction hook has loaded the module.
      const line = diagnostics?.sanitizeLine(`net: ${text}`, secrets) ?? `net: ${text}`;
      io.stderr.write(`${line}\n`);
    },
  };
  const completing = wantsCompletion(argv);
  const program = buildProgram(context, {
    completionPlaceholder: !completing,
    onUsageError: (message) => {
      usageError = message;
    },
  });
  try {
    if (completing) await registerCompletion(program);
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      if (err.exitCode === 0) return ExitCode.OK;
      // `net` or `net sftp` alone: the help was the answer (on stderr); nothing more to say.
      if (err.code === 'commander.help') return ExitCode.USAGE;
      // A usage error is one `net:` line (exit 2), never commander's message plus a usage dump.
      const { sanitizeLine } = await loadDiagnostics();
      io.stderr.write(`${sanitizeLine(`net: ${usageError ?? err.message}`, secrets)}\n`);
      return ExitCode.USAGE;
    }
    const verbose = program.opts<{ verbose?: boolean }>().verbose === true;
    const { formatError } = await loadDiagnostics();
    const { exitCodeFor } = await import('./exit-code-for.js');
    io.stderr.write(`${formatError(err, verbose, secrets)}\n`);
    return exitCodeFor(err);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
