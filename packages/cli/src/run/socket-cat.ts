import { NetworkTimeoutError } from '@net/errors';
import { TCPClient, UDPClient } from '@net/sockets';
import type { CatFlags } from '../commands/socket-cat.js';
import type { CommandContext } from '../main.js';

/**
 * TCP: stdin is sent as it arrives, received bytes go to stdout. After stdin ends the client
 * keeps reading until the peer closes or stays quiet for `--wait` ms (as `nc -q`). The reader's
 * failure is kept and rethrown once stdin is done, never left as an unhandled rejection.
 */
export async function runTcp(
  host: string,
  port: number,
  flags: CatFlags,
  context: CommandContext,
): Promise<void> {
  const { io, signal } = context;
  const client = new TCPClient({
    host,
    port,
    ...(flags.timeout === undefined ? {} : { timeout: flags.timeout }),
  });
  await client.connect({ signal });
  let stdinDone = false;
  let lastData = Date.now();
  const reading = (async () => {
    for (;;) {
      if (signal.aborted) return;
      try {
        const chunk = await client.receive({ timeout: 100 });
        if (chunk === null) return;
        lastData = Date.now();
        io.stdout.write(chunk);
      } catch (err) {
        if (!(err instanceof NetworkTimeoutError)) throw err;
        if (stdinDone && Date.now() - lastData >= flags.wait) return;
      }
    }
  })();
  // Handled here at once; awaited below so its error still ends the command.
  reading.catch(() => undefined);
  try {
    for await (const chunk of io.stdin) {
      await client.send(chunk);
      lastData = Date.now();
    }
    stdinDone = true;
    // End of stdin is a FIN, as `nc -N` sends it: the peer sees the request is complete and
    // its reply still reaches us over the half-open connection.
    await client.shutdownWrite();
    await reading;
  } finally {
    stdinDone = true;
    await client.close();
  }
}

/** UDP: each stdin line is one datagram; replies are printed until none came for `--wait` ms. */
export async function runUdp(
  host: string,
  port: number,
  flags: CatFlags,
  context: CommandContext,
): Promise<void> {
  const { io } = context;
  const client = new UDPClient({ host, port });
  try {
    await client.connect();
    let text = '';
    for await (const chunk of io.stdin) text += String(chunk);
    const lines = text.split('\n').filter((l) => l !== '');
    for (const line of lines) await client.send(line);
    for (;;) {
      try {
        const reply = await client.receive({ timeout: flags.wait });
        // Byte-exact: a datagram need not be text.
        io.stdout.write(Buffer.concat([reply.data, Buffer.from('\n')]));
      } catch (err) {
        if (err instanceof NetworkTimeoutError) break;
        throw err;
      }
    }
  } finally {
    await client.close();
  }
}
