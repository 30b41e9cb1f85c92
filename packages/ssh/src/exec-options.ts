import { Readable } from 'node:stream';
import {
  checkBoolean,
  checkFunction,
  checkInteger,
  checkNoNul,
  checkOptionKeys,
  checkSignal,
  checkTimeout,
  invalidArgType,
  invalidArgValue,
} from '@net/errors/internal';
import { quoteArg, quoteArgv } from './shell-quote.js';

/** Options of `SSHClient.exec()`. */
export interface ExecOptions {
  /** Remote working directory (the command runs after `cd -- <cwd>`). @default the login directory */
  cwd?: string;
  /**
   * Environment variables, exported by the remote shell before the command. (SSH `env`
   * requests are dropped by sshd unless its `AcceptEnv` lists them, so they are not used.)
   * @default {}
   */
  env?: Record<string, string>;
  /** Sent to the command's standard input, which is then closed. @default nothing (stdin is closed at once) */
  stdin?: string | Buffer | Uint8Array | Readable;
  /**
   * Ends the remote command (all its processes, on OpenSSH and Dropbear) after this many ms
   * and rejects with NetworkTimeoutError. `0` or `Infinity`: no limit. @default 0 (no limit)
   */
  timeout?: number;
  /** Ends the remote command when aborted and rejects with AbortError. @default none */
  signal?: AbortSignal;
  /** Allocate a pseudo-terminal (stdout and stderr are then merged by the terminal). @default false */
  pty?: boolean;
  /** `'utf8'` gives strings, `'buffer'` gives Buffers (for binary or non-UTF-8 output). @default 'utf8' */
  encoding?: 'utf8' | 'buffer';
  /** Reject with SSHError ERR_NET_SSH_EXEC when the command exits non-zero or by a signal. @default false */
  check?: boolean;
  /**
   * The most bytes collected from stdout, and separately from stderr. Past it the command is
   * ended and the call rejects with SSHError ERR_NET_SSH_EXEC naming the stream. Output given to
   * `onStdout`/`onStderr` is not collected and not limited. `Infinity`: no limit.
   * @default 16777216 (16 MiB)
   */
  maxBuffer?: number;
  /** Receives stdout as it arrives; stdout is then NOT collected (the result's stdout is empty). @default none */
  onStdout?: (chunk: Buffer) => void;
  /** Receives stderr as it arrives; stderr is then NOT collected. @default none */
  onStderr?: (chunk: Buffer) => void;
}

/** Defaults of {@link ExecOptions}. @internal */
export const execDefaults = Object.freeze({
  timeout: 0,
  pty: false,
  encoding: 'utf8' as const,
  check: false,
  maxBuffer: 16 * 1024 * 1024,
});

const EXEC_KEYS = [
  'cwd',
  'env',
  'stdin',
  'timeout',
  'signal',
  'pty',
  'encoding',
  'check',
  'maxBuffer',
  'onStdout',
  'onStderr',
] as const satisfies ReadonlyArray<keyof ExecOptions>;

/** Exec options after validation. @internal */
export interface ResolvedExecOptions {
  line: string;
  stdin: Buffer | Readable | undefined;
  /** ms; Infinity for none. */
  timeout: number;
  signal: AbortSignal | undefined;
  pty: boolean;
  encoding: 'utf8' | 'buffer';
  check: boolean;
  maxBuffer: number;
  onStdout: ((chunk: Buffer) => void) | undefined;
  onStderr: ((chunk: Buffer) => void) | undefined;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Validates exec input synchronously (no I/O) and builds the command line. A NUL byte in the
 * command, an argument, an env value or cwd is refused here: sshd drops the connection when
 * one arrives in a command, which would fail every later call on the client.
 * @internal
 */
export function resolveExec(
  command: string | readonly string[],
  input: ExecOptions | undefined,
): ResolvedExecOptions {
  const options = checkOptionKeys<ExecOptions>('options', input, EXEC_KEYS);
  let line: string;
  if (typeof command === 'string') {
    if (command === '') throw invalidArgValue('command', 'It must not be empty.');
    line = checkNoNul('command', command);
  } else if (Array.isArray(command)) {
    if (command.length === 0) throw invalidArgValue('command', 'The argv array must not be empty.');
    command.forEach((arg: unknown, index) => {
      if (typeof arg !== 'string') throw invalidArgType(`command[${index}]`, 'of type string', arg);
      checkNoNul(`command[${index}]`, arg);
    });
    line = quoteArgv(command);
  } else {
    throw invalidArgType('command', 'a string or an array of strings', command);
  }
  const encoding = options.encoding ?? execDefaults.encoding;
  if (encoding !== 'utf8' && encoding !== 'buffer') {
    throw invalidArgValue(
      'encoding',
      `It must be 'utf8' or 'buffer'. Received ${String(encoding)}`,
    );
  }
  let prefix = '';
  if (options.env !== undefined) {
    if (options.env === null || typeof options.env !== 'object')
      throw invalidArgType('env', 'an object', options.env);
    const pairs = Object.entries(options.env).map(([name, value]: [string, unknown]) => {
      if (!ENV_NAME.test(name))
        throw invalidArgValue('env', `${JSON.stringify(name)} is not a valid variable name.`);
      if (typeof value !== 'string') throw invalidArgType(`env.${name}`, 'of type string', value);
      return `${name}=${quoteArg(checkNoNul(`env.${name}`, value))}`;
    });
    if (pairs.length > 0) prefix += `export ${pairs.join(' ')}; `;
  }
  if (options.cwd !== undefined) {
    if (typeof options.cwd !== 'string' || options.cwd === '')
      throw invalidArgValue('cwd', 'It must be a non-empty string.');
    prefix += `cd -- ${quoteArg(checkNoNul('cwd', options.cwd))} && `;
  }
  let stdin: Buffer | Readable | undefined;
  const raw: unknown = options.stdin;
  if (typeof raw === 'string') stdin = Buffer.from(raw);
  else if (raw instanceof Uint8Array)
    stdin = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  else if (raw instanceof Readable) stdin = raw;
  else if (raw !== undefined)
    throw invalidArgType('stdin', 'a string, Buffer, Uint8Array or Readable', raw);
  return {
    line: prefix + line,
    stdin,
    timeout: checkTimeout('timeout', options.timeout, execDefaults.timeout),
    signal: checkSignal('signal', options.signal),
    pty: checkBoolean('pty', options.pty ?? execDefaults.pty),
    encoding,
    check: checkBoolean('check', options.check ?? execDefaults.check),
    maxBuffer: checkInteger('maxBuffer', options.maxBuffer ?? execDefaults.maxBuffer, {
      min: 1,
      max: Infinity,
    }),
    onStdout:
      options.onStdout === undefined ? undefined : checkFunction('onStdout', options.onStdout),
    onStderr:
      options.onStderr === undefined ? undefined : checkFunction('onStderr', options.onStderr),
  };
}
