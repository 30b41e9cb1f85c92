import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { redactUrl, WebSocketError } from '@net/errors';
import { sleep } from '@net/errors/internal';
import { WebSocketClient, type Message } from '@net/ws';
import { parseHeaderFlags } from '../commands/header-flags.js';
import { withDefaultScheme } from '../commands/url-scheme.js';
import type { WsFlags } from '../commands/ws.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../main.js';

/** One message as a stdout line; with `--json`, replies that are not JSON are noted, not fatal. */
function printMessage(message: Message, flags: WsFlags, context: CommandContext): void {
  const { io } = context;
  if (message.isBinary) {
    if (flags.json) context.note('binary message, printed as base64');
    io.stdout.write(`${Buffer.from(message.data as Uint8Array).toString('base64')}\n`);
    return;
  }
  const text = message.text();
  if (flags.json) {
    try {
      io.stdout.write(`${JSON.stringify(JSON.parse(text))}\n`);
      return;
    } catch {
      context.note('message is not JSON, printed as text');
    }
  }
  io.stdout.write(`${text}\n`);
}

/** Sends one message, waiting for the queue to drain when it is full instead of failing. */
async function sendWithBackpressure(
  client: WebSocketClient,
  text: string,
  signal: AbortSignal,
): Promise<void> {
  try {
    client.send(text);
  } catch (err) {
    if (!(err instanceof WebSocketError) || err.code !== 'ERR_NET_WS_QUEUE_FULL') throw err;
    await client.flush({ signal });
    client.send(text);
  }
}

/**
 * `net ws`, websocat-like: each stdin line is one text message, each message one stdout line.
 * With `--json` a stdin line is parsed first and sent as that JSON value; a line that does not
 * parse is reported on stderr and skipped, and the session goes on. Every promise is awaited
 * or handled: a failing reader ends the session with its error, never an unhandled rejection.
 */
export async function runWs(
  rawUrl: string,
  flags: WsFlags,
  context: CommandContext,
): Promise<void> {
  const { io, signal } = context;
  const url = withDefaultScheme(rawUrl, 'ws');
  const headers = parseHeaderFlags(flags.header);
  const client = new WebSocketClient({
    url,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(flags.connectTimeout === undefined ? {} : { connectTimeout: flags.connectTimeout }),
    ...(flags.cacert ? { tls: { ca: await readFile(flags.cacert) } } : {}),
  });
  const offReconnecting = client.on('reconnecting', (e) =>
    context.note(`reconnecting (attempt ${e.attempt}, in ${Math.round(e.delay)} ms)`),
  );
  const offOpen = client.on('open', () => context.note(`connected to ${redactUrl(url)}`));
  const stop = new AbortController();
  let readerError: unknown;
  try {
    await client.connect({ signal });
    const printing = (async () => {
      for await (const message of client) printMessage(message, flags, context);
    })().catch((err: unknown) => {
      readerError = err;
      stop.abort();
    });
    const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
    const ended = AbortSignal.any([signal, stop.signal]);
    ended.addEventListener('abort', () => lines.close(), { once: true });
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber++;
      if (ended.aborted) break;
      if (line === '') continue;
      let text = line;
      if (flags.json) {
        try {
          text = JSON.stringify(JSON.parse(line));
        } catch (err) {
          context.note(`stdin line ${lineNumber} is not JSON, not sent: ${(err as Error).message}`);
          continue;
        }
      }
      await sendWithBackpressure(client, text, signal);
    }
    if (readerError === undefined && !signal.aborted) {
      await client.flush({ signal });
      // Give the peer a moment to answer the last lines before closing, as websocat does.
      await sleep(200, signal).catch(() => undefined);
    }
    // Closing ends the message iterator, so the printer finishes.
    await client.close(1000, 'stdin closed');
    await printing;
    if (readerError !== undefined) throw readerError;
    if (signal.aborted) context.setExitCode(ExitCode.INTERRUPTED);
  } finally {
    offReconnecting();
    offOpen();
    if (client.state !== 'closed') await client.close().catch(() => undefined);
  }
}
