/**
 * The start of an attempt that hands its body on rather than buffering it — what `stream()` and
 * `download()` share: run the hooks, send, wait for the head, and judge it. An error status is
 * read (its first KiB) and returned for the retry loop to judge; a proxy's refusal, a body
 * announced past the limit, or a failure before the head end the attempt with a mapped error.
 */
import type { PlainResponse } from 'got';
import { BODY_SNIPPET_BYTES } from '@net/errors/internal';
import { announcedTooLarge, drain, readHead } from './attempt.js';
import type { Attempt, AttemptEngine } from './attempt-engine.js';
import type { Call } from './request-options.js';
import type { Response } from './response.js';
import type { AttemptBudget } from './retry-loop.js';
import { ResponseTooLarge } from './size-limit.js';

/** @internal An error status to judge, or an accepted head whose body is still in `attempt`. */
export type HeadOutcome = { status: Response } | { head: PlainResponse; attempt: Attempt };

/** @internal The caller owns `attempt` when a head is returned, and must `settle` it. */
export async function attemptHead(
  engine: AttemptEngine,
  call: Call,
  budget: AttemptBudget,
): Promise<HeadOutcome> {
  const headers = await engine.beforeAttempt(call, budget);
  const attempt = engine.start(call, budget, headers);
  const { stream } = attempt;
  try {
    const head = await readHead(stream);
    const refusal = engine.proxyRefusal(head);
    if (refusal) throw refusal;
    const judged =
      head.statusCode >= 400 &&
      (call.throwHttpErrors || (budget.mayRetry && call.policy.statusCodes.has(head.statusCode)));
    if (judged) {
      const snippet = await drain(stream, BODY_SNIPPET_BYTES);
      engine.settle(attempt);
      return { status: await engine.toResponse(call, head, snippet, budget.retryCount) };
    }
    if (announcedTooLarge(head, call.maxResponseSize)) {
      throw new ResponseTooLarge(call.maxResponseSize);
    }
    return { head, attempt };
  } catch (err) {
    engine.settle(attempt);
    throw engine.fail(attempt, err);
  }
}
