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

/** nghttp2's REFUSED_STREAM error code (RFC 9113 §7): the server did not process the stream. */
const REFUSED_STREAM = 7;

interface RequestChain {
  request?: { _request?: { _request?: { rstCode?: unknown } } };
}

/**
 * @internal
 * Whether the HTTP/2 stream behind a failed got request was closed as REFUSED_STREAM: a stream
 * above a GOAWAY's last-stream-id, which nghttp2 closes so. On some Node versions the stream
 * emits 'aborted' before its REFUSED_STREAM error, and http2-wrapper then fails the request
 * with a generic "The server aborted the HTTP/2 stream" that says nothing of it; the stream's
 * own `rstCode` still does. Reached through got's error (`request`, public), got's request
 * (`_request`: http2-wrapper's ClientRequest) and that request (`_request`: the Http2Stream).
 * False when any link is missing: the failure is then judged as before, never replayed.
 */
export function streamRefused(err: unknown): boolean {
  const stream = (err as RequestChain | null)?.request?._request?._request;
  return stream?.rstCode === REFUSED_STREAM;
}

/** @internal The Http2Stream behind a got request, for the contract test. */
export function streamOf(gotRequest: object): { rstCode?: unknown; id?: unknown } | undefined {
  return (gotRequest as RequestChain['request'])?._request?._request;
}
