import { sleep } from '@net/errors/internal';
import type { Connection } from './connection.js';
import type { ExecChannel } from './ssh2-adapter.js';
import { sshError } from './ssh-errors.js';

/** An exec channel and its exit status, which may arrive before any promise continuation runs. @internal */
export interface OpenedChannel {
  channel: ExecChannel;
  exit: { seen: boolean; code: number | null; signal: string | null };
  /** Gives the channel's slot back to the limiter (idempotent); call on 'close'. */
  release: () => void;
}

/** Refusals of a channel open (MaxSessions reached, or a close not yet processed by sshd). */
function isOpenRefusal(err: unknown): boolean {
  const message = err instanceof Error ? err.message : '';
  return /Channel open failure|open failed|administratively prohibited|Unable to exec/i.test(
    message,
  );
}

/** Backing off when the server refuses with nothing else of ours open: about 10 s in all. */
const MAX_LONELY_RETRIES = 10;
/** Refusals tolerated for one operation before it fails, however many others were open. */
const MAX_REFUSALS = 200;

function execOnce(
  connection: Connection,
  line: string,
  pty: boolean,
): Promise<Omit<OpenedChannel, 'release'>> {
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
      resolve({ channel: channel as unknown as ExecChannel, exit });
    });
  });
}

/**
 * Opens an exec channel under the connection's channel limiter. When the server refuses, the
 * limiter learns the limit it really has and the operation queues again (first in line) until
 * another channel closes; with nothing else open it backs off briefly, since OpenSSH counts a
 * channel until its close is fully processed. `bypassLimiter` is for the kill helper, which
 * must run even while every slot is taken by the command it ends.
 * @internal
 */
export async function openExecChannel(
  connection: Connection,
  line: string,
  pty: boolean,
  signal: AbortSignal | undefined,
  bypassLimiter = false,
): Promise<OpenedChannel> {
  let lonely = 0;
  let refusals = 0;
  for (;;) {
    const release = bypassLimiter
      ? () => undefined
      : await connection.limiter.acquire(signal, refusals > 0);
    connection.assertAlive();
    try {
      const opened = await execOnce(connection, line, pty);
      if (!bypassLimiter) connection.limiter.opened();
      return { ...opened, release };
    } catch (err) {
      const othersOpen = bypassLimiter ? false : connection.limiter.refused();
      release();
      if (connection.lostError) throw connection.lostError;
      refusals++;
      const fail = () =>
        sshError(connection.target, 'ERR_NET_SSH_CHANNEL', 'opening an SSH channel failed', {
          cause: err,
          retryable: true,
        });
      if (!isOpenRefusal(err) || refusals > MAX_REFUSALS || signal?.aborted) throw fail();
      if (!othersOpen) {
        if (lonely >= MAX_LONELY_RETRIES) throw fail();
        await sleep(Math.min(1_000, 10 * 2 ** lonely++), signal);
      }
    }
  }
}
