import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { collect, integerIn, milliseconds } from './parse-number.js';

/** The flags of `net http`; see the flag table in the README. */
export interface HttpFlags {
  header: string[];
  jsonBody?: string;
  data?: string;
  output?: string;
  timeout?: number;
  retries?: number;
  include?: boolean;
  json?: boolean;
  cacert?: string;
}

export function registerHttp(program: Command, context: CommandContext): void {
  program
    .command('http')
    .description(
      'send an HTTP request (curl-like); exit 0 for 2xx/3xx, 4 for 4xx, 5 for 5xx, 6 for network errors',
    )
    .argument('<method>', 'GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS')
    .argument('<url>', 'URL; http:// is assumed when no scheme is given')
    .option('-H, --header <header>', "request header 'Name: value' (repeatable)", collect, [])
    .option('-j, --json-body <json>', 'send this JSON body (sets Content-Type)')
    .option('-d, --data <data>', 'send this body; @file reads it from a file')
    .option('-o, --output <file>', 'write the body to a file (atomically), not stdout')
    .option('--timeout <ms>', 'per-attempt timeout in ms (0: no limit)', milliseconds)
    .option('--retries <n>', 'retries for idempotent requests', integerIn(0, 100))
    .option('-i, --include', 'print the status line and response headers before the body')
    .option('--json', 'print status, headers, timings and body as one JSON object')
    .option('--cacert <file>', 'trust this CA certificate (PEM)')
    .action(async (method: string, url: string, flags: HttpFlags) => {
      const { runHttp } = await import('../run/http.js');
      await runHttp(method, url, flags, context);
    });
}
