import { NetworkTimeoutError, type NetworkError } from '@net/errors';
import { abortErrorFor, formatHostPort, startDeadline } from '@net/errors/internal';
import type { Connection } from './connection.js';
import { openExecChannel } from './exec-channel.js';
import type { ResolvedExecOptions } from './exec-options.js';
import { killRemoteTree, PID_MARK, withPidMarker } from './remote-kill.js';
import { sendChannelSignal } from './ssh2-adapter.js';
import { sshError } from './ssh-errors.js';

/** What a remote command produced. */
export interface ExecResult<T extends string | Buffer = string> {
  stdout: T;
  stderr: T;
  /** The exit status, or null when the command was ended by a signal. */
  exitCode: number | null;
  /** The signal that ended the command, Node-style (`'SIGKILL'`, `'SIGTERM'` …), or null. */
  signal: string | null;
}

/** Collected output of one stream, bounded by maxBuffer. */
class Collector {
  readonly parts: Buffer[] = [];
  bytes = 0;
  constructor(readonly limit: number) {}
  /** False when the limit was passed (the chunk is then dropped). */
  push(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return false;
    this.parts.push(chunk);
    return true;
  }
}

/** Runs one command on `connection` (which must be open) under the channel limiter. @internal */
export async function runExec(
  connection: Connection,
  options: ResolvedExecOptions,
): Promise<ExecResult<string | Buffer>> {
  const target = formatHostPort(connection.target.host, connection.target.port);
  const { signal } = options;
  const deadline = startDeadline({
    timeout: options.timeout,
    signal,
    onTimeout: () =>
      new NetworkTimeoutError(`exec timed out after ${options.timeout} ms: ${target}`, {
        timeoutMs: options.timeout,
        phase: 'total',
      }),
    onAbort: (s) => abortErrorFor(s, `exec on ${target}`),
  });
  // The pid lets every abnormal end (timeout, abort, maxBuffer, a failed stdin) kill what the
  // command started; only a command that can end no other way than by itself goes without it.
  const killable =
    Number.isFinite(options.timeout) ||
    signal !== undefined ||
    (Number.isFinite(options.maxBuffer) && (!options.onStdout || !options.onStderr)) ||
    options.stdin !== undefined;
  let opened;
  try {
    opened = await openExecChannel(
      connection,
      killable ? withPidMarker(options.line) : options.line,
      options.pty,
      deadline.signal,
    );
  } catch (err) {
    deadline.clear();
    // The deadline's own error (timeout or the caller's abort) rather than the wait's AbortError.
    throw deadline.signal.aborted ? (deadline.signal.reason as Error) : err;
  }
  // Opened just as the deadline fired: the 'expired' handler below ends it at once.
  const { channel, exit, release } = opened;
  return new Promise((resolve, reject) => {
    const stdout = new Collector(options.maxBuffer);
    const stderr = new Collector(options.maxBuffer);
    let settled = false;
    let pid: number | undefined;
    let head: Buffer | undefined = killable ? Buffer.alloc(0) : undefined;
    // The marker may still be on its way when the end comes (the command started, its output
    // not yet here): the kill waits for it a little rather than leaving the command running.
    let pidSettled!: () => void;
    const pidKnown = new Promise<void>((resolve) => (pidSettled = resolve));
    if (!killable) pidSettled();

    const cleanup = () => {
      settled = true;
      deadline.clear();
      unsubscribe();
    };
    // Ending a command: a process-tree kill through a second channel, an SSH signal request
    // (honoured by OpenSSH for non-root users), then closing the channel; if the kill could
    // not get a channel while ours was open, once more after ours closed. The promise settles
    // without waiting for the server to confirm the close.
    const end = (err: NetworkError) => {
      if (settled) return;
      cleanup();
      void (async () => {
        if (killable && head !== undefined && !connection.lostError) {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            pidKnown,
            new Promise((resolve) => (timer = setTimeout(resolve, 3_000))),
          ]);
          clearTimeout(timer);
        }
        const killed = pid !== undefined && (await killRemoteTree(connection, pid));
        sendChannelSignal(channel, 'KILL');
        channel.close();
        if (!killed && pid !== undefined) await killRemoteTree(connection, pid);
        reject(err);
      })();
    };
    deadline.expired.catch((err: NetworkError) => end(err));
    const unsubscribe = connection.onLost((err) => end(err));
    const overflow = (stream: 'stdout' | 'stderr') =>
      end(
        sshError(
          connection.target,
          'ERR_NET_SSH_EXEC',
          `${stream} exceeded maxBuffer (${options.maxBuffer} bytes)`,
        ),
      );

    const deliver = (chunk: Buffer) => {
      if (chunk.length === 0 || settled) return;
      if (options.onStdout) options.onStdout(chunk);
      else if (!stdout.push(chunk)) overflow('stdout');
    };
    channel.on('data', (chunk: Buffer) => {
      if (head === undefined) return deliver(chunk);
      head = Buffer.concat([head, chunk]);
      const close = head.indexOf(PID_MARK, 1);
      if (head[0] === PID_MARK && close !== -1) {
        pid = Number(head.subarray(1, close).toString('latin1'));
        if (!Number.isSafeInteger(pid) || pid <= 1) pid = undefined;
        else connection.runningPids.add(pid);
        chunk = head.subarray(close + 1);
      } else if (head[0] === PID_MARK && head.length < 32) {
        return; // the marker is still arriving
      } else {
        chunk = head; // a shell that did not print it: deliver everything unchanged
      }
      head = undefined;
      pidSettled();
      deliver(chunk);
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      if (settled) return;
      if (options.onStderr) options.onStderr(chunk);
      else if (!stderr.push(chunk)) overflow('stderr');
    });
    channel.on('error', (err: Error) =>
      end(sshError(connection.target, 'ERR_NET_SSH_CHANNEL', 'SSH channel failed', { cause: err })),
    );
    channel.on('close', () => {
      pidSettled();
      if (pid !== undefined) connection.runningPids.delete(pid);
      // The server counts the channel against its session limit until now.
      release();
      if (settled) return;
      cleanup();
      if (!exit.seen && connection.lostError) return reject(connection.lostError);
      // Ended by the client's close() (which kills what still runs): not a result.
      if (connection.closing)
        return reject(
          connection.lostError ??
            sshError(connection.target, 'ERR_NET_SSH', 'SSH connection closed', {
              retryable: false,
            }),
        );
      const { code: exitCode, signal: exitSignal } = exit;
      const decode = (parts: Buffer[]) =>
        options.encoding === 'buffer'
          ? Buffer.concat(parts)
          : Buffer.concat(parts).toString('utf8');
      if (options.check && (exitCode !== 0 || exitSignal !== null)) {
        const how = exitSignal ? `signal ${exitSignal}` : `exit code ${String(exitCode)}`;
        return reject(
          sshError(connection.target, 'ERR_NET_SSH_EXEC', `remote command failed with ${how}`, {
            exitCode,
            signal: exitSignal,
          }),
        );
      }
      resolve({
        stdout: decode(stdout.parts),
        stderr: decode(stderr.parts),
        exitCode,
        signal: exitSignal,
      });
    });

    const input = options.stdin;
    if (input === undefined) channel.end();
    else if (Buffer.isBuffer(input)) channel.end(input);
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
