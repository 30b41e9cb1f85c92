import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { integerIn, milliseconds } from './parse-number.js';

/** The flags of `net tcp` and `net udp`. */
export interface CatFlags {
  timeout?: number;
  wait: number;
}

/** netcat-like TCP: stdin → socket, socket → stdout, byte-exact. */
export function registerTcp(program: Command, context: CommandContext): void {
  program
    .command('tcp')
    .description('connect to a TCP port: stdin → socket, socket → stdout')
    .argument('<host>')
    .argument('<port>', 'port', integerIn(1, 65_535))
    .option('--timeout <ms>', 'connect and per-send timeout in ms (0: no limit)', milliseconds)
    .option(
      '--wait <ms>',
      'after stdin ends, read until the peer is quiet this long',
      integerIn(0, 600_000),
      1000,
    )
    .action(async (host: string, port: number, flags: CatFlags) => {
      const { runTcp } = await import('../run/socket-cat.js');
      await runTcp(host, port, flags, context);
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
      const { runUdp } = await import('../run/socket-cat.js');
      await runUdp(host, port, flags, context);
    });
}
