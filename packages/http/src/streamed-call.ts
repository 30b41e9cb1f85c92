/** `stream()`: resolves at the response head, with the body as a stream. */
import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { limitBody } from './attempt.js';
import { makeResponse, type AttemptEngine } from './attempt-engine.js';
import { attemptHead } from './head-attempt.js';
import type { Call } from './request-options.js';
import type { Response, Timings } from './response.js';
import type { AttemptBudget, AttemptOutcome } from './retry-loop.js';

/** A response whose body has not been read: `body` is a stream of it. */
export interface StreamResponse {
  readonly statusCode: number;
  readonly statusMessage: string;
  /** Lower-case names. */
  readonly headers: IncomingHttpHeaders;
  /** The final URL, after redirects. */
  readonly url: string;
  readonly redirectUrls: string[];
  readonly retryCount: number;
  readonly timings: Timings | undefined;
  readonly method: string;
  /** True for 2xx. */
  readonly ok: boolean;
  /** The body; errors on it are `@net/errors` classes. */
  readonly body: Readable;
}

const EMPTY_BODY = Buffer.alloc(0);

function toStreamMeta(response: Response): Omit<StreamResponse, 'body'> {
  return {
    statusCode: response.statusCode,
    statusMessage: response.statusMessage,
    headers: response.headers,
    url: response.url,
    redirectUrls: response.redirectUrls,
    retryCount: response.retryCount,
    timings: response.timings,
    method: response.method,
    ok: response.ok,
  };
}

async function streamAttempt(
  engine: AttemptEngine,
  call: Call,
  budget: AttemptBudget,
): Promise<AttemptOutcome<StreamResponse>> {
  const outcome = await attemptHead(engine, call, budget);
  if ('status' in outcome) return outcome;
  const { head, attempt } = outcome;
  const { stream } = attempt;
  // afterResponse hooks see whole bodies only, so a streamed success skips them.
  const meta = makeResponse(call, head, EMPTY_BODY, budget.retryCount);
  const body = new PassThrough();
  // The body may fail before the caller starts reading it (a limit hit by the first chunks):
  // that must not be an uncaught 'error' event. The error stays on the stream, so iterating,
  // piping or `finished()` still report it.
  body.on('error', () => undefined);
  stream.once('error', (err) => body.destroy(engine.fail(attempt, err)));
  // Read to the end or destroyed by the consumer: either way the attempt is over.
  body.once('close', () => engine.settle(attempt));
  limitBody(stream, call.maxResponseSize);
  stream.pipe(body);
  return { value: { ...toStreamMeta(meta), body } };
}

function bodyStream(body: Buffer): Readable {
  const stream = new PassThrough();
  stream.end(body);
  return stream;
}

/** @internal Runs `call` until a response head is accepted; its body is handed out as a stream. */
export function streamedCall(engine: AttemptEngine, call: Call): Promise<StreamResponse> {
  return engine.run(
    call,
    (budget) => streamAttempt(engine, call, budget),
    (response) => ({ ...toStreamMeta(response), body: bodyStream(response.body) }),
  );
}
