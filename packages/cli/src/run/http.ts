import { readFile } from 'node:fs/promises';
import { HTTPClient, HTTPError, Response, type RequestOptions } from '@net/http';
import { invalidArgValue } from '@net/errors/internal';
import type { HttpFlags } from '../commands/http.js';
import { parseHeaderFlags } from '../commands/header-flags.js';
import { withDefaultScheme } from '../commands/url-scheme.js';
import type { CommandContext } from '../main.js';
import { startProgress } from '../progress.js';
import { bodyView, writeBody, writeHead, writeJson, type ResponseView } from './http-output.js';
import { saveStream } from './save-stream.js';

function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw Object.assign(
      invalidArgValue('--json-body', `Not valid JSON: ${(err as Error).message}`),
      { cause: err },
    );
  }
}

/** The request part of the flags: headers and at most one kind of body. */
async function requestOptions(flags: HttpFlags, signal: AbortSignal): Promise<RequestOptions> {
  if (flags.jsonBody !== undefined && flags.data !== undefined) {
    throw invalidArgValue('--json-body', 'Give either --json-body or --data, not both.');
  }
  const options: RequestOptions = { headers: parseHeaderFlags(flags.header), signal };
  if (flags.jsonBody !== undefined) options.json = parseJsonBody(flags.jsonBody);
  if (flags.data !== undefined) {
    options.body = flags.data.startsWith('@') ? await readFile(flags.data.slice(1)) : flags.data;
  }
  return options;
}

/**
 * `net http`. A 4xx/5xx response is shown exactly like a 2xx one (body, `-i` headers, `--json`
 * object) before its one-line error goes to stderr with exit 4 or 5, as curl and httpie do.
 */
export async function runHttp(
  rawMethod: string,
  rawUrl: string,
  flags: HttpFlags,
  context: CommandContext,
): Promise<void> {
  const { signal } = context;
  const method = rawMethod.toUpperCase();
  const url = withDefaultScheme(rawUrl, 'http');
  const options = await requestOptions(flags, signal);
  await using client = new HTTPClient({
    ...(flags.timeout === undefined ? {} : { timeout: flags.timeout }),
    ...(flags.retries === undefined ? {} : { maxRetries: flags.retries }),
    ...(flags.cacert ? { tls: { ca: await readFile(flags.cacert) } } : {}),
  });
  if (flags.output !== undefined) {
    await saveResponse(client, method, url, options, flags, context);
    return;
  }
  let response: Response;
  try {
    response = await client.request(method, url, options);
  } catch (err) {
    const failed = err instanceof HTTPError ? err.response : undefined;
    if (failed instanceof Response) show(failed, flags, context);
    throw err;
  }
  show(response, flags, context);
}

function show(response: Response, flags: HttpFlags, { io }: CommandContext): void {
  const type = String(response.headers['content-type'] ?? '');
  if (flags.json) {
    writeJson(io, response, bodyView(response.body, type));
    return;
  }
  if (flags.include) writeHead(io, response);
  writeBody(io, response.body, type);
}

/** `-o`: the same request (method, headers, body), with the body streamed into the file. */
async function saveResponse(
  client: HTTPClient,
  method: string,
  url: string,
  options: RequestOptions,
  flags: HttpFlags,
  context: CommandContext,
): Promise<void> {
  const response = await client.stream(url, { ...options, method });
  const view: ResponseView = response;
  const total = Number(response.headers['content-length'] ?? 0);
  const progress = startProgress('download', 'bytes');
  let size: number;
  try {
    size = await saveStream(response.body, flags.output!, {
      signal: context.signal,
      onBytes: (received) => progress.update(received, total),
    });
  } finally {
    progress.stop();
  }
  if (flags.json) writeJson(context.io, view, { bodyEncoding: 'file', body: flags.output! });
  else if (flags.include) writeHead(context.io, view);
  context.note(`saved ${size} bytes to ${flags.output!}`);
}
