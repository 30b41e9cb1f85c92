import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { collect, milliseconds } from './parse-number.js';

/** The flags of `net ws`; see the flag table in the README. */
export interface WsFlags {
  json?: boolean;
  connectTimeout?: number;
  cacert?: string;
  header: string[];
}

export function registerWs(program: Command, context: CommandContext): void {
  program
    .command('ws')
    .description('send stdin lines to a WebSocket and print its messages (websocat-like)')
    .argument('<url>', 'URL; ws:// is assumed when no scheme is given')
    .option('-H, --header <header>', "handshake header 'Name: value' (repeatable)", collect, [])
    .option(
      '--json',
      'JSON lines: each stdin line is sent as that JSON value, each message printed as one JSON line',
    )
    .option(
      '--connect-timeout <ms>',
      'connect (handshake) timeout in ms (0: no limit)',
      milliseconds,
    )
    .option('--cacert <file>', 'trust this CA certificate (PEM)')
    .action(async (url: string, flags: WsFlags) => {
      const { runWs } = await import('../run/ws.js');
      await runWs(url, flags, context);
    });
}
