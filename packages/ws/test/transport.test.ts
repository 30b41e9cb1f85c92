import { startWsServer } from '@net/test-utils/ws';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/options.js';
import { Transport, type TransportEvents } from '../src/transport.js';

/** Records what a Transport reports, in order. */
function recorder(): TransportEvents & { log: unknown[]; next(n: number): Promise<void> } {
  const log: unknown[] = [];
  let waiting: { n: number; resolve: () => void } | undefined;
  const push = (entry: unknown) => {
    log.push(entry);
    if (waiting && log.length >= waiting.n) waiting.resolve();
  };
  return {
    log,
    next: (n) =>
      log.length >= n ? Promise.resolve() : new Promise((resolve) => (waiting = { n, resolve })),
    onOpen: () => push('open'),
    onMessage: (data, isBinary) =>
      push(['message', typeof data === 'string' ? data : [...data], isBinary]),
    onPong: () => push('pong'),
    onError: (err, statusCode) => push(['error', (err as Error).message, statusCode]),
    onClose: (code, reason, wasClean) => push(['close', code, reason, wasClean]),
  };
}

// The contract with ws that transport.ts relies on: ws reports every event through
// `this.emit(name, …)`, which the transport's subclass answers. If a ws release stops doing
// that, these fail loudly instead of the client silently hearing nothing.
describe('Transport (ws adapter contract)', () => {
  it('hears open, text, binary, pong and close from ws through emit', async () => {
    await using server = await startWsServer();
    const events = recorder();
    const transport = new Transport(resolveOptions({ url: server.url }), events);
    await events.next(1);
    transport.send('text');
    transport.send(new Uint8Array([1, 2]));
    transport.ping();
    await events.next(4);
    transport.close(4000, 'bye');
    await events.next(5);
    expect(events.log).toEqual([
      'open',
      ['message', 'text', false],
      ['message', [1, 2], true],
      'pong',
      ['close', 4000, 'bye', true],
    ]);
  });

  it('reports a refused upgrade once, as an error with its HTTP status, then a close', async () => {
    await using server = await startWsServer();
    server.refuseHandshakes(403);
    const events = recorder();
    new Transport(resolveOptions({ url: server.url }), events);
    await events.next(2);
    expect(events.log).toEqual([
      ['error', expect.any(String), 403],
      ['close', 1006, '', false],
    ]);
  });
});
