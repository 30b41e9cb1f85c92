import type { Readable } from 'node:stream';
import { AbortError, NetworkTimeoutError, invalidArgType, invalidArgValue } from '@net/errors';
import type { ClientChannel } from 'ssh2';
import type { Connection } from './connection.js';
import { quoteArg, quoteArgv } from './shell-quote.js';
import { describeTarget, sshError } from './ssh-errors.js';

/** Options of `SSHClient.exec()`. */
export interface ExecOptions {
  /** Remote working directory (the command runs after `cd -- <cwd>`). */
  cwd?: string;
  /**
   * Environment variables, exported by the remote shell before the command. (SSH `env`
   * requests are dropped by sshd unless its `AcceptEnv` lists them, so they are not used.)
   */
  env?: Record<string, string>;
  /** Sent to the command's standard input, which is then closed. */
  stdin?: string | Buffer | Readable;
  /** Ends the remote command (SIGKILL, then channel close) after this many ms. @default none */
  timeout?: number;
  /** Ends the remote command when aborted. */
  signal?: AbortSignal;
  /** Allocate a pseudo-terminal (stdout and stderr are then merged by the terminal). @default false */
  pty?: boolean;
  /** `'utf8'` gives strings, `'buffer'` gives Buffers (for binary or non-UTF-8 output). @default 'utf8' */
  encoding?: 'utf8' | 'buffer';
  /** Reject with SSHError ERR_NET_SSH_EXEC when the command exits non-zero or by a signal. @default false */
  check?: boolean;
  /** Receives stdout as it arrives; stdout is then NOT collected (the result's stdout is empty). */
  onStdout?: (chunk: Buffer) => void;
  /** Receives stderr as it arrives; stderr is then NOT collected. */
  onStderr?: (chunk: Buffer) => void;
}

/** What a remote command produced. */
export interface ExecResult<T extends string | Buffer = string> {
  stdout: T;
  stderr: T;
  /** The exit status, or null when the command was ended by a signal. */
  exitCode: number | null;
  /** The signal that ended the command, Node-style (`'SIGKILL'`, `'SIGTERM'` …), or null. */
  signal: string | null;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Validates exec input synchronously and builds the command line. */
export function buildCommand(command: string | readonly string[], options: ExecOptions): string {
  let line: string;
  if (typeof command === 'string') {
    if (command === '') throw invalidArgValue('command', 'It must not be empty.');
    line = command;
  } else if (Array.isArray(command)) {
    if (command.length === 0) throw invalidArgValue('command', 'The argv array must not be empty.');
    for (const arg of command)
      if (typeof arg !== 'string') throw invalidArgType('command[]', 'of type string', arg);
    line = quoteArgv(command);
  } else {
    throw invalidArgType('command', 'a string or an array of strings', command);
  }
  if (
    options.timeout !== undefined &&
    (typeof options.timeout !== 'number' || !(options.timeout > 0))
  ) {
    throw invalidArgValue('timeout', 'It must be a positive number of milliseconds.');
  }
  if (
    options.encoding !== undefined &&
    options.encoding !== 'utf8' &&
    options.encoding !== 'buffer'
  ) {
    throw invalidArgValue(
      'encoding',
      `It must be 'utf8' or 'buffer'. Received ${String(options.encoding)}`,
    );
  }
  let prefix = '';
  if (options.env !== undefined) {
    if (options.env === null || typeof options.env !== 'object')
      throw invalidArgType('env', 'an object', options.env);
    const pairs = Object.entries(options.env).map(([name, value]) => {
      if (!ENV_NAME.test(name))
        throw invalidArgValue('env', `${JSON.stringify(name)} is not a valid variable name.`);
      if (typeof value !== 'string') throw invalidArgType(`env.${name}`, 'of type string', value);
      return `${name}=${quoteArg(value)}`;
    });
    if (pairs.length > 0) prefix += `export ${pairs.join(' ')}; `;
  }
  if (options.cwd !== undefined) {
    if (typeof options.cwd !== 'string' || options.cwd === '')
      throw invalidArgValue('cwd', 'It must be a non-empty string.');
    prefix += `cd -- ${quoteArg(options.cwd)} && `;
  }
  return prefix + line;
}

/** Channel-open refusals that a moment later may succeed (sshd closes channels lazily). */
function isTransientOpenFailure(err: unknown): boolean {
  const message = err instanceof Error ? err.message : '';
  return /Channel open failure|open failed/i.test(message);
}

/** A channel and its exit status, which may arrive before any promise continuation runs. */
interface OpenedChannel {
  channel: ClientChannel;
  exit: { seen: boolean; code: number | null; signal: string | null };
}

function openExecChannel(
  connection: Connection,
  line: string,
  pty: boolean,
): Promise<OpenedChannel> {
  return new Promise((resolve, reject) => {
    connection.client.exec(line, { pty: pty || undefined }, (err, channel) => {
      if (err) return reject(err);
      // ssh2 parses a whole TCP read at once: for a quick command, exit-status and close can
      // be emitted in the same tick as this callback, before a promise continuation could
      // listen. 'exit' is a plain event (not buffered like data), so it is caught here.
      const exit: OpenedChannel['exit'] = { seen: false, code: null, signal: null };
      channel.on('exit', (code: number | null, signal?: string) => {
        exit.seen = true;
        exit.code = typeof code === 'number' ? code : null;
        exit.signal = signal ?? null;
      });
      resolve({ channel, exit });
    });
  });
}

/**
 * Opens a session channel, retrying briefly when the server refuses it: OpenSSH counts a
 * channel against MaxSessions until its close is fully processed, so an open sent right
 * behind a close can be refused although our own count is below the limit.
 */
async function openWithRetry(
  connection: Connection,
  line: string,
  pty: boolean,
  signal: AbortSignal | undefined,
): Promise<OpenedChannel> {
  for (let attempt = 0; ; attempt++) {
    connection.assertAlive();
    try {
      return await openExecChannel(connection, line, pty);
    } catch (err) {
      if (connection.lostError) throw connection.lostError;
      if (!isTransientOpenFailure(err) || attempt >= 8 || signal?.aborted) {
        throw sshError(connection.target, 'ERR_NET_SSH_CHANNEL', 'opening an SSH channel failed', {
          cause: err,
          retryable: true,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt));
    }
  }
}

/**
 * Sends an SSH `signal` request. ssh2's `channel.signal()` only does so while our side of the
 * channel is writable, but stdin has usually been closed (EOF sent) by then, which is exactly
 * when a command runs unattended; the request is valid until the channel closes (RFC 4254
 * 6.9), so it goes through the protocol directly. OpenSSH delivers it with killpg() to the
 * session's process group, which ends pipelines and children too.
 */
function sendSignal(channel: ClientChannel, name: string): void {
  const internal = channel as unknown as {
    outgoing?: { id?: number; state?: string };
    _client?: { _protocol?: { signal(id: number, name: string): void } };
  };
  const state = internal.outgoing?.state;
  if ((state !== 'open' && state !== 'eof') || internal.outgoing?.id === undefined) return;
  try {
    internal._client?._protocol?.signal(internal.outgoing.id, name);
  } catch {
    // The connection may be going away; closing the channel below still ends our side.
  }
}

/** Record separator: brackets the shell's pid at the start of stdout (see withPidMarker). */
const MARK = 0x1e;

/**
 * Makes the remote shell print its pid first, bracketed by \x1e, so a timed-out or aborted
 * command can be ended with `kill -- -pid`: sshd starts each session under setsid(), so that
 * pid is also the process group of everything the command starts. Only used when the command
 * can be ended (timeout or signal given); the marker is stripped before output is delivered.
 */
function withPidMarker(line: string): string {
  return `printf '\\036%s\\036' "$$"; ${line}`;
}

/**
 * Ends a remote process group with a second exec. Needed because OpenSSH ignores SSH signal
 * requests for root logins ("session signalling requires privilege separation"). It bypasses
 * the limiter: the channels it would wait for are the ones being ended (maxChannels stays
 * below MaxSessions to leave this headroom). Bounded to 5 s, errors ignored.
 */
async function killGroup(connection: Connection, pid: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    runExec(
      connection,
      `kill -KILL -- -${pid} 2>/dev/null || kill -KILL ${pid} 2>/dev/null`,
      {},
      true,
    ).catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, 5_000))),
  ]);
  clearTimeout(timer);
}

/** Runs one command on `connection` (which must be open) under the channel limiter. */
export async function runExec(
  connection: Connection,
  line: string,
  options: ExecOptions,
  bypassLimiter = false,
): Promise<ExecResult<string | Buffer>> {
  const { signal } = options;
  const target = describeTarget(connection.target);
  if (signal?.aborted) throw new AbortError(`exec aborted: ${target}`, { cause: signal.reason });
  const release = bypassLimiter ? () => undefined : await connection.limiter.acquire(signal);
  const killable = options.timeout !== undefined || signal !== undefined;
  let opened: OpenedChannel;
  try {
    opened = await openWithRetry(
      connection,
      killable ? withPidMarker(line) : line,
      options.pty ?? false,
      signal,
    );
  } catch (err) {
    release();
    throw err;
  }
  const { channel, exit } = opened;
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let pid: number | undefined;
    let head: Buffer | undefined = killable ? Buffer.alloc(0) : undefined;

    const cleanup = () => {
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      unsubscribe();
    };
    // Ending a command: an SSH signal request (honoured by OpenSSH for non-root users), a
    // process-group kill through a second channel, then closing the channel. The promise
    // settles without waiting for the server to confirm the close.
    const end = (err: Error) => {
      if (settled) return;
      cleanup();
      sendSignal(channel, 'KILL');
      const killed =
        pid !== undefined && !connection.lostError ? killGroup(connection, pid) : Promise.resolve();
      void killed.then(() => {
        channel.close();
        reject(err);
      });
    };
    const onAbort = () => end(new AbortError(`exec aborted: ${target}`, { cause: signal?.reason }));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeout !== undefined) {
      timer = setTimeout(
        () =>
          end(
            new NetworkTimeoutError(`exec timed out after ${options.timeout} ms: ${target}`, {
              timeoutMs: options.timeout,
              phase: 'total',
            }),
          ),
        options.timeout,
      );
    }
    const unsubscribe = connection.onLost((err) => end(err));

    const deliver = (chunk: Buffer) => {
      if (chunk.length === 0) return;
      if (options.onStdout) options.onStdout(chunk);
      else stdout.push(chunk);
    };
    channel.on('data', (chunk: Buffer) => {
      if (head === undefined) return deliver(chunk);
      head = Buffer.concat([head, chunk]);
      const close = head.indexOf(MARK, 1);
      if (head[0] === MARK && close !== -1) {
        pid = Number(head.subarray(1, close).toString('latin1'));
        if (!Number.isSafeInteger(pid) || pid <= 1) pid = undefined;
        chunk = head.subarray(close + 1);
      } else if (head[0] === MARK && head.length < 32) {
        return; // the marker is still arriving
      } else {
        chunk = head; // a shell that did not print it: deliver everything unchanged
      }
      head = undefined;
      deliver(chunk);
    });
    channel.stderr.on('data', (chunk: Buffer) =>
      options.onStderr ? options.onStderr(chunk) : stderr.push(chunk),
    );
    channel.on('error', (err: Error) =>
      end(sshError(connection.target, 'ERR_NET_SSH_CHANNEL', 'SSH channel failed', { cause: err })),
    );
    channel.on('close', () => {
      // The server counts the channel against MaxSessions until now.
      release();
      if (settled) return;
      cleanup();
      if (!exit.seen && connection.lostError) return reject(connection.lostError);
      const { code: exitCode, signal: exitSignal } = exit;
      const decode = (parts: Buffer[]) =>
        options.encoding === 'buffer'
          ? Buffer.concat(parts)
          : Buffer.concat(parts).toString('utf8');
      const result = {
        stdout: decode(stdout),
        stderr: decode(stderr),
        exitCode,
        signal: exitSignal,
      };
      if (options.check && (exitCode !== 0 || exitSignal !== null)) {
        const how = exitSignal ? `signal ${exitSignal}` : `exit code ${String(exitCode)}`;
        return reject(
          sshError(connection.target, 'ERR_NET_SSH_EXEC', `remote command failed with ${how}`, {
            exitCode,
            signal: exitSignal,
          }),
        );
      }
      resolve(result);
    });

    const input = options.stdin;
    if (input === undefined) channel.end();
    else if (typeof input === 'string' || Buffer.isBuffer(input)) channel.end(input);
    else {
      input.on('error', (err) =>
        end(
          sshError(connection.target, 'ERR_NET_SSH_EXEC', 'reading stdin failed', { cause: err }),
        ),
      );
      input.pipe(channel);
    }
  });
}
