import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { WebSocketClient } from '@net/all';
import type { CommandContext } from '../main.js';
import { integerIn } from './parse-number.js';

interface WsFlags {
  json?: boolean;
  timeout?: number;
  cacert?: string;
  header: string[];
}

/**
 * websocat-like: each stdin line is sent as a text message, each message is printed as a line.
 * Reconnects are reported on stderr; at stdin EOF the queue is flushed and the socket closed.
 */
export function registerWs(program: Command, context: CommandContext): void {
  program
    .command('ws')
    .description('send stdin lines to a WebSocket and print its messages')
    .argument('<url>', 'ws:// or wss:// URL')
    .option('--json', 'parse each stdin line as JSON before sending, print messages as JSON lines')
    .option('--timeout <ms>', 'connect timeout in ms', integerIn(1, 600_000))
    .option('--cacert <file>', 'trust this CA certificate (PEM)')
    .action(async (url: string, flags: WsFlags) => {
      const { io, signal } = context;
      const client = new WebSocketClient({
        url,
        ...(flags.timeout ? { connectTimeout: flags.timeout } : {}),
        ...(flags.cacert ? { tls: { ca: await readFile(flags.cacert) } } : {}),
      });
      const offReconnecting = client.on('reconnecting', (e) =>
        io.stderr.write(`net: reconnecting (attempt ${e.attempt}, in ${Math.round(e.delay)} ms)\n`),
      );
      const offOpen = client.on('open', () => io.stderr.write(`net: connected to ${url}\n`));
      try {
        await client.connect({ signal });
        const printing = (async () => {
          for await (const message of client) {
            if (flags.json && !message.isBinary) {
              io.stdout.write(`${JSON.stringify(message.json())}\n`);
            } else {
              io.stdout.write(
                message.isBinary
                  ? `${Buffer.from(message.data as Uint8Array).toString('base64')}\n`
                  : `${message.text()}\n`,
              );
            }
          }
        })();
        const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
        for await (const line of lines) {
          if (signal.aborted) break;
          if (line === '') continue;
          client.send(
            flags.json ? (JSON.parse(line) as Parameters<WebSocketClient['send']>[0]) : line,
          );
        }
        await client.flush({ signal });
        // Give the peer a moment to answer the last lines before closing, as websocat does.
        await new Promise((resolve) => setTimeout(resolve, 200));
        await client.close(1000, 'stdin closed');
        await printing;
      } finally {
        offReconnecting();
        offOpen();
        if (client.state !== 'closed') await client.close().catch(() => {});
      }
    });
}
