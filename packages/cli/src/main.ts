import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { formatError } from './report-error.js';
import { registerDemo } from './commands/demo.js';
import { registerHttp } from './commands/http.js';
import { registerScan } from './commands/scan.js';
import { registerSftp } from './commands/sftp.js';
import { registerSsh } from './commands/ssh.js';
import { registerTcp, registerUdp } from './commands/socket-cat.js';
import { registerWs } from './commands/ws.js';

/** Where a command writes; injectable so tests and the demo can capture output. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

/** What every command receives besides its own arguments. */
export interface CommandContext {
  io: Io;
  /** Aborted on SIGINT, so every command stops cleanly and exits 130. */
  signal: AbortSignal;
  /** Set by a command that wants a specific exit code (e.g. `net ssh` → remote exit code). */
  setExitCode(code: number): void;
}

// The same relative path from src/ and dist/.
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

export function buildProgram(context: CommandContext): Command {
  const program = new Command('net')
    .description('HTTP, WebSocket, SSH, SFTP, port scans and raw sockets from the shell')
    .version(version, '-V, --version', 'print the version')
    .option('--verbose', 'show the cause chain of errors')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => context.io.stdout.write(s),
      writeErr: (s) => context.io.stderr.write(s),
    });
  registerHttp(program, context);
  registerWs(program, context);
  registerSsh(program, context);
  registerSftp(program, context);
  registerScan(program, context);
  registerTcp(program, context);
  registerUdp(program, context);
  registerDemo(program, context);
  return program;
}

/** Runs the `net` command with `argv` (as process.argv) and returns the exit code. */
export async function main(argv: string[], io: Io = process): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let exitCode: number = ExitCode.OK;
  const context: CommandContext = {
    io,
    signal: controller.signal,
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  const program = buildProgram(context);
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    const verbose = program.opts<{ verbose?: boolean }>().verbose === true;
    io.stderr.write(`${formatError(err, verbose)}\n`);
    return exitCodeFor(err);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
