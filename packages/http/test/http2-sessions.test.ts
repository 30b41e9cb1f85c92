import { testCertificates } from '@net/test-utils';
import { startHttp2Server } from '@net/test-utils/http';
import http2wrapper from 'http2-wrapper';
import { describe, expect, it } from 'vitest';
import { got } from 'got';
import { closingMark, streamOf, streamRefused } from '../src/http2-sessions.js';

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

  it("reaches a got request's Http2Stream and its rstCode (how REFUSED_STREAM is recognised)", async () => {
    await using server = await startHttp2Server();
    const agent = new http2wrapper.Agent();
    try {
      const request = got.stream(server.url, {
        http2: true,
        agent: { http2: agent },
        https: { certificateAuthority: testCertificates().ca },
      });
      request.resume();
      await new Promise((resolve, reject) => {
        request.once('end', resolve);
        request.once('error', reject);
      });
      const stream = streamOf(request);
      expect(typeof stream?.id).toBe('number');
      expect(stream?.rstCode).toBe(0);
      // A finished stream is not refused; one closed with REFUSED_STREAM (7) is.
      expect(streamRefused({ request })).toBe(false);
      expect(streamRefused({ request: { _request: { _request: { rstCode: 7 } } } })).toBe(true);
      expect(streamRefused(new Error('no request'))).toBe(false);
    } finally {
      agent.destroy();
    }
  });
});
