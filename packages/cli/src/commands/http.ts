import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { HTTPClient, invalidArgValue } from '@net/all';
import type { CommandContext } from '../main.js';
import { startProgress } from '../progress.js';
import { collect, integerIn } from './parse-number.js';

interface HttpFlags {
  header: string[];
  json?: string;
  data?: string;
  output?: string;
  timeout?: number;
  retries?: number;
  include?: boolean;
  cacert?: string;
  insecure?: boolean;
}

/** `-H 'Name: value'` into an object; a value with CR/LF is refused by the client itself. */
function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw invalidArgValue('--header', `Expected 'Name: value', got '${line}'.`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function parseJsonFlag(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw Object.assign(invalidArgValue('--json', `Not valid JSON: ${(err as Error).message}`), {
      cause: err,
    });
  }
}

export function registerHttp(program: Command, context: CommandContext): void {
  program
    .command('http')
    .description(
      'send an HTTP request (curl-like); exit 0 for 2xx, 4 for 4xx, 5 for 5xx, 6 for network errors',
    )
    .argument('<method>', 'GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS')
    .argument('<url>', 'http:// or https:// URL')
    .option('-H, --header <header>', "request header 'Name: value' (repeatable)", collect, [])
    .option('--json <json>', 'send this JSON body (sets Content-Type)')
    .option('--data <data>', 'send this body; @file reads it from a file')
    .option('-o, --output <file>', 'download the body to a file, atomically, with a progress bar')
    .option('--timeout <ms>', 'per-attempt timeout in ms', integerIn(1, 86_400_000))
    .option('--retries <n>', 'retries for idempotent requests', integerIn(0, 100))
    .option('-i, --include', 'print the status line and response headers')
    .option('--cacert <file>', 'trust this CA certificate (PEM)')
    .action(async (method: string, url: string, flags: HttpFlags) => {
      const { io, signal } = context;
      const client = new HTTPClient({
        ...(flags.timeout === undefined ? {} : { timeout: flags.timeout }),
        ...(flags.retries === undefined ? {} : { maxRetries: flags.retries }),
        ...(flags.cacert ? { tls: { ca: await readFile(flags.cacert) } } : {}),
      });
      try {
        const headers = parseHeaders(flags.header);
        if (flags.output) {
          const progress = startProgress('download', 'bytes');
          try {
            await client.download(url, flags.output, {
              headers,
              signal,
              onProgress: (p: { transferred: number; total?: number }) =>
                progress.update(p.transferred, p.total ?? 0),
            });
          } finally {
            progress.stop();
          }
          io.stderr.write(`saved ${flags.output}\n`);
          return;
        }
        let body: string | Buffer | undefined;
        if (flags.data !== undefined) {
          body = flags.data.startsWith('@') ? await readFile(flags.data.slice(1)) : flags.data;
        }
        const response = await client.request(method.toUpperCase(), url, {
          headers,
          signal,
          ...(flags.json === undefined ? {} : { json: parseJsonFlag(flags.json) }),
          ...(body === undefined ? {} : { body }),
        });
        if (flags.include) {
          io.stdout.write(`HTTP ${response.statusCode} ${response.statusMessage ?? ''}\n`);
          for (const [name, value] of Object.entries(response.headers)) {
            for (const v of Array.isArray(value) ? value : [value])
              io.stdout.write(`${name}: ${String(v)}\n`);
          }
          io.stdout.write('\n');
        }
        const type = String(response.headers['content-type'] ?? '');
        const isTerminal = (io.stdout as { isTTY?: boolean }).isTTY === true;
        if (isTerminal && type.includes('json') && response.body.length > 0) {
          io.stdout.write(`${JSON.stringify(response.json(), null, 2)}\n`);
        } else {
          io.stdout.write(response.body);
        }
      } finally {
        await client.close();
      }
    });
}
