import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Debian's interpreter, which has `python3-websockets` (10.4 on Debian 12). */
export const PYTHON3_PATH = '/usr/bin/python3';

/**
 * A small server on the `websockets` library (not written by us): it echoes text as text and
 * binary as binary; a text message `close:CODE:REASON` makes it close with that code and
 * reason; `stall` makes it stop reading (so it answers no ping); `ping` makes it send a
 * protocol ping. Every connection's end is printed as `closed CODE REASON`.
 */
const SCRIPT = String.raw`
import asyncio, sys, websockets

PING_INTERVAL = float(sys.argv[1]) if sys.argv[1] != 'none' else None

async def handler(ws, path=None):
    try:
        async for message in ws:
            if isinstance(message, str) and message.startswith('close:'):
                _, code, reason = message.split(':', 2)
                await ws.close(int(code), reason)
                break
            if message == 'stall':
                ws.transport.pause_reading()
                continue
            if message == 'ping':
                pong = await ws.ping()
                await pong
                await ws.send('pong received')
                continue
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass
    finally:
        print('closed', ws.close_code, ws.close_reason or '', flush=True)

async def main():
    async with websockets.serve(handler, '127.0.0.1', 0, ping_interval=PING_INTERVAL,
                                ping_timeout=5, compression=None, max_size=2**24) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()

asyncio.run(main())
`;

export interface PythonWebSocketsOptions {
  /** Seconds between the server's own pings; undefined: it sends none. @default undefined */
  pingInterval?: number;
}

export interface PythonWebSocketsServer extends AsyncDisposable {
  /** `ws://127.0.0.1:PORT`. */
  readonly url: string;
  readonly pid: number;
  /** Lines the server printed after its port (`closed CODE REASON` per connection). */
  readonly lines: readonly string[];
  stop(): Promise<void>;
}

/** Whether the interpreter and its `websockets` module are installed (scripts/setup.sh installs them). */
export function hasPythonWebSockets(): boolean {
  return existsSync(PYTHON3_PATH) && existsSync('/usr/lib/python3/dist-packages/websockets');
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts the python3-websockets echo server from a temp dir on loopback port 0 and waits for
 * it to print its port; `stop()` kills it by PID and removes the dir.
 */
export async function startPythonWebSockets(
  options: PythonWebSocketsOptions = {},
): Promise<PythonWebSocketsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'net-pyws-'));
  const script = join(dir, 'echo_server.py');
  await writeFile(script, SCRIPT);
  const child = spawn(PYTHON3_PATH, [script, String(options.pingInterval ?? 'none')], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited(child);
    reader.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('python3-websockets did not start in 10 s')),
        10_000,
      );
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`python3-websockets exited with ${code}: ${stderr}`));
      });
      reader.on('line', (line) => {
        if (lines.length === 0 && /^\d+$/.test(line)) {
          clearTimeout(timer);
          resolve(Number(line));
        }
        lines.push(line);
      });
    });
    lines.shift();
    return {
      url: `ws://127.0.0.1:${port}`,
      pid: child.pid!,
      lines,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
