import { redactUrl } from '@net/errors';
import { escapeControlChars } from '@net/errors/internal';
import type { IncomingHttpHeaders } from 'node:http';
import type { Io } from '../main.js';

/** What `net http` prints about a response, whether it came buffered or streamed. */
export interface ResponseView {
  statusCode: number;
  statusMessage: string;
  method: string;
  url: string;
  redirectUrls: readonly string[];
  retryCount: number;
  headers: IncomingHttpHeaders;
  timings?: { phases?: Record<string, number | undefined> } | undefined;
}

/**
 * `-i`: the status line and headers, server-controlled text escaped (they are a human-readable
 * preamble; the body that follows stays byte-exact).
 */
export function writeHead(io: Io, response: ResponseView): void {
  const reason = escapeControlChars(response.statusMessage ?? '');
  io.stdout.write(`HTTP ${response.statusCode}${reason ? ` ${reason}` : ''}\n`);
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      io.stdout.write(`${escapeControlChars(name)}: ${escapeControlChars(String(v))}\n`);
    }
  }
  io.stdout.write('\n');
}

type BodyView =
  | { bodyEncoding: 'json'; body: unknown }
  | { bodyEncoding: 'utf8' | 'base64'; body: string }
  | { bodyEncoding: 'file'; body: string };

/** The body as JSON when it is JSON, text when it is UTF-8, base64 otherwise. */
export function bodyView(body: Buffer, contentType: string): BodyView {
  if (/\bjson\b/i.test(contentType) && body.length > 0) {
    try {
      return { bodyEncoding: 'json', body: JSON.parse(body.toString('utf8')) as unknown };
    } catch {
      // Not valid JSON despite the header: fall through to text.
    }
  }
  try {
    return { bodyEncoding: 'utf8', body: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    return { bodyEncoding: 'base64', body: body.toString('base64') };
  }
}

/** `--json`: one JSON object with everything a script needs. */
export function writeJson(io: Io, response: ResponseView, body: BodyView): void {
  const out = {
    status: response.statusCode,
    statusMessage: response.statusMessage,
    method: response.method,
    url: redactUrl(response.url),
    redirectUrls: response.redirectUrls.map((u) => redactUrl(u)),
    retryCount: response.retryCount,
    headers: response.headers,
    timings: response.timings?.phases ?? null,
    ...body,
  };
  io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

/** The body on stdout: byte-exact into a pipe or file, JSON pretty-printed on a terminal. */
export function writeBody(io: Io, body: Buffer, contentType: string): void {
  const isTerminal = (io.stdout as { isTTY?: boolean }).isTTY === true;
  if (isTerminal && /\bjson\b/i.test(contentType) && body.length > 0) {
    try {
      io.stdout.write(`${JSON.stringify(JSON.parse(body.toString('utf8')), null, 2)}\n`);
      return;
    } catch {
      // Not JSON after all: print it as it came.
    }
  }
  io.stdout.write(body);
}
