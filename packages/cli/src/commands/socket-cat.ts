import type { Command } from 'commander';
import { NetworkTimeoutError, TCPClient, UDPClient } from '@net/all';
import type { CommandContext } from '../main.js';
import { integerIn } from './parse-number.js';

interface CatFlags {
  timeout?: number;
  wait: number;
}

/**
 * netcat-like TCP: stdin is sent as it arrives, received bytes go to stdout. After stdin ends
 * the client keeps reading until the peer closes or stays quiet for `--wait` ms (as `nc -q`).
 */
export function registerTcp(program: Command, context: CommandContext): void {
  program
    .command('tcp')
    .description('connect to a TCP port: stdin → socket, socket → stdout')
    .argument('<host>')
    .argument('<port>', 'port', integerIn(1, 65_535))
    .option('--timeout <ms>', 'connect timeout in ms', integerIn(1, 600_000))
    .option(
      '--wait <ms>',
      'after stdin ends, read until the peer is quiet this long',
      integerIn(0, 600_000),
      1000,
    )
    .action(async (host: string, port: number, flags: CatFlags) => {
      const { io, signal } = context;
      const client = new TCPClient({
        host,
        port,
        ...(flags.timeout ? { timeout: flags.timeout } : {}),
      });
      await client.connect();
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
      try {
        for await (const chunk of io.stdin) {
          await client.send(chunk);
          lastData = Date.now();
        }
        stdinDone = true;
        await reading;
      } finally {
        stdinDone = true;
        await client.close();
        await reading.catch(() => {});
      }
    });
}

/** netcat-like UDP: each stdin line is one datagram; replies are printed as they come. */
export function registerUdp(program: Command, context: CommandContext): void {
  program
    .command('udp')
    .description('send each stdin line as a UDP datagram and print replies')
    .argument('<host>')
    .argument('<port>', 'port', integerIn(1, 65_535))
    .option(
      '--wait <ms>',
      'after stdin ends, wait this long for replies',
      integerIn(0, 600_000),
      1000,
    )
    .action(async (host: string, port: number, flags: CatFlags) => {
      const { io } = context;
      const client = new UDPClient({ host, port });
      try {
        await client.connect();
        let text = '';
        for await (const chunk of io.stdin) text += String(chunk);
        const lines = text.split('\n').filter((l) => l !== '');
        for (const line of lines) await client.send(line);
        // Print replies until none has arrived for --wait ms.
        for (;;) {
          try {
            const reply = await client.receive({ timeout: flags.wait });
            io.stdout.write(`${reply.data.toString()}\n`);
          } catch (err) {
            if (err instanceof NetworkTimeoutError) break;
            throw err;
          }
        }
      } finally {
        await client.close();
      }
    });
}
