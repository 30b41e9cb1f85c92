import { testCertificates } from '@net/test-utils';
import { startHttp2Server } from '@net/test-utils/http';
import http2wrapper from 'http2-wrapper';
import { describe, expect, it } from 'vitest';
import { closingMark } from '../src/http2-sessions.js';

// Contract test for the one place this package reaches into http2-wrapper's internals: if an
// upgrade renames or drops the agent's "gracefully closing" mark, this fails loudly (the client
// would still work, replaying refused streams, only less efficiently under GOAWAY).
describe('http2-wrapper contract', () => {
  it('gives each session a "gracefullyClosing" mark that the agent reads', async () => {
    await using server = await startHttp2Server();
    const agent = new http2wrapper.Agent();
    try {
      const session = await agent.getSession(server.url, { ca: testCertificates().ca });
      const mark = closingMark(session);
      expect(mark).toBeDefined();
      expect((session as unknown as Record<symbol, unknown>)[mark!]).toBe(false);
    } finally {
      agent.destroy();
    }
  });
});
