/**
 * The one place this package reaches into http2-wrapper's internals (DESIGN §9: one adapter,
 * guarded, with a contract test in test/http2-sessions.test.ts).
 *
 * Why: http2-wrapper 2.2 keeps handing new streams to a session that has received GOAWAY until
 * that session is fully closed, and Node then throws "New streams cannot be created after
 * receiving a GOAWAY" for each. The agent already has a "gracefully closing" mark that makes
 * it pick (or open) another session; we set it when GOAWAY arrives. Should the mark ever be
 * missing, nothing breaks: such streams are still replayed on another session (see
 * refused-stream.ts), only less efficiently.
 */
import type { EventEmitter } from 'node:events';

const GRACEFULLY_CLOSING = 'gracefullyClosing';

/** @internal The agent's private "gracefully closing" symbol on `session`, if it has one. */
export function closingMark(session: object): symbol | undefined {
  return Object.getOwnPropertySymbols(session).find((s) => s.description === GRACEFULLY_CLOSING);
}

/** @internal Makes `agent` stop choosing a session as soon as the session receives GOAWAY. */
export function watchGoaway(agent: EventEmitter): void {
  agent.on('session', (session: EventEmitter) => {
    session.once('goaway', () => {
      const mark = closingMark(session);
      if (mark !== undefined) (session as unknown as Record<symbol, boolean>)[mark] = true;
    });
  });
}
