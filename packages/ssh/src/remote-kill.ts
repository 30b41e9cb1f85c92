import type { Connection } from './connection.js';
import { openExecChannel } from './exec-channel.js';

/** Record separator: brackets the shell's pid at the start of stdout (see withPidMarker). @internal */
export const PID_MARK = 0x1e;

/**
 * Makes the remote shell print its pid first, bracketed by \x1e, so a timed-out or aborted
 * command can be ended through a second exec. Only used when the command can be ended
 * (timeout or signal given); the marker is stripped before output is delivered.
 * @internal
 */
export function withPidMarker(line: string): string {
  return `printf '\\036%s\\036' "$$"; ${line}`;
}

/**
 * A POSIX sh script that kills `pid` and every process below it. OpenSSH starts each session
 * under setsid(), so `kill -- -pid` reaches the whole process group; Dropbear does not, so the
 * tree is also walked from `ps` (frozen with SIGSTOP first, twice, so nothing forks away while
 * it is collected) and killed. Exits 0 whatever was left to kill.
 */
function killScript(pid: number): string {
  const tree =
    `{ ps -e -o pid= -o ppid= 2>/dev/null || ps -o pid= -o ppid= 2>/dev/null; } | ` +
    `awk -v r=${pid} '{ p[NR]=$1; pp[NR]=$2 } END { k[r]=1; c=1; while (c) { c=0; ` +
    `for (i=1;i<=NR;i++) if ((pp[i] in k) && !(p[i] in k)) { k[p[i]]=1; c=1 } } ` +
    `for (x in k) printf "%s ", x }'`;
  return [
    `kill -KILL -- -${pid} 2>/dev/null`,
    `t=$(${tree}); [ -n "$t" ] && kill -STOP $t 2>/dev/null`,
    `t=$(${tree}); [ -n "$t" ] && kill -STOP $t 2>/dev/null`,
    `kill -KILL $t ${pid} 2>/dev/null`,
    'exit 0',
  ].join('; ');
}

/**
 * Ends a remote process tree with a second exec. Needed because OpenSSH ignores SSH signal
 * requests for root logins ("session signalling requires privilege separation") and Dropbear
 * signals only the shell, not what it started. It bypasses the channel limiter (the channels
 * it would wait for are the ones being ended). Bounded to 5 s; returns whether it ran.
 * @internal
 */
export async function killRemoteTree(connection: Connection, pid: number): Promise<boolean> {
  if (connection.lostError) return false;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 5_000);
  try {
    const { channel, release } = await openExecChannel(
      connection,
      killScript(pid),
      false,
      controller.signal,
      true,
    );
    await new Promise<void>((resolve) => {
      const done = () => {
        release();
        resolve();
      };
      channel.on('close', done);
      channel.on('error', done);
      controller.signal.addEventListener('abort', () => {
        channel.close();
        done();
      });
      channel.resume();
      channel.stderr.resume();
      channel.end();
    });
    return !controller.signal.aborted;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
