/** `request()` and its shorthands: one call whose whole response is read into memory. */
import { readAll } from './attempt.js';
import { makeResponse, type AttemptEngine } from './attempt-engine.js';
import type { Call } from './request-options.js';
import type { Response } from './response.js';
import type { AttemptBudget, AttemptOutcome } from './retry-loop.js';

function plainAttempt(
  engine: AttemptEngine,
  call: Call,
  budget: AttemptBudget,
): Promise<AttemptOutcome<Response>> {
  // The hot path: no async function frames, one promise from got's stream to the outcome.
  const attempt = engine.start(call, budget);
  return readAll(attempt.stream, call.maxResponseSize, engine.verifyLength).then(
    ({ response: raw, body }) => {
      engine.settle(attempt, true);
      const refusal = raw.statusCode >= 401 ? engine.proxyRefusal(raw) : undefined;
      if (refusal) throw refusal;
      const response = makeResponse(call, raw, body, budget.retryCount);
      return response.statusCode >= 400 ? { status: response } : { value: response };
    },
    (err: unknown) => {
      engine.settle(attempt);
      throw engine.fail(attempt, err);
    },
  );
}

async function hookedAttempt(
  engine: AttemptEngine,
  call: Call,
  budget: AttemptBudget,
): Promise<AttemptOutcome<Response>> {
  const headers = await engine.beforeAttempt(call, budget);
  const attempt = engine.start(call, budget, headers);
  let buffered;
  try {
    buffered = await readAll(attempt.stream, call.maxResponseSize, engine.verifyLength);
  } catch (err) {
    throw engine.fail(attempt, err);
  } finally {
    engine.settle(attempt);
  }
  const refusal = engine.proxyRefusal(buffered.response);
  if (refusal) throw refusal;
  const response = await engine.toResponse(
    call,
    buffered.response,
    buffered.body,
    budget.retryCount,
  );
  return response.statusCode >= 400 ? { status: response } : { value: response };
}

const asIs = (response: Response): Response => response;

/** @internal Runs `call` to completion with retries. */
export function bufferedCall(engine: AttemptEngine, call: Call): Promise<Response> {
  if (engine.hasRequestHooks || engine.hasResponseHooks)
    return engine.run(call, (budget) => hookedAttempt(engine, call, budget), asIs);
  const budget = engine.firstBudget(call);
  const attempt = (next: AttemptBudget) => plainAttempt(engine, call, next);
  if (budget === undefined) return engine.run(call, attempt, asIs);
  // The hot path in one promise step from got's stream to the caller: the first attempt's
  // outcome is judged right here, and only a failure or a 4xx/5xx goes to the retry loop.
  const started = engine.start(call, budget);
  return readAll(started.stream, call.maxResponseSize, engine.verifyLength).then(
    ({ response: raw, body }) => {
      engine.settle(started, true);
      const refusal = raw.statusCode >= 401 ? engine.proxyRefusal(raw) : undefined;
      if (refusal) return engine.continueAfter(call, attempt, asIs, { error: refusal });
      const response = makeResponse(call, raw, body, 0);
      return response.statusCode >= 400
        ? engine.continueAfter(call, attempt, asIs, { outcome: { status: response } })
        : response;
    },
    (err: unknown) => {
      engine.settle(started);
      return engine.continueAfter(call, attempt, asIs, { error: engine.fail(started, err) });
    },
  );
}
