import { startHttpServer } from '@net/test-utils';
import { describe, expect, it } from 'vitest';
import { engineOf } from '../src/http-client.js';
import { HTTPClient, Response, type RetryInfo } from '../src/index.js';

describe('hooks', () => {
  it('beforeRequest sees each attempt and may change its headers', async () => {
    let n = 0;
    await using server = await startHttpServer(
      (_req, res) => void res.writeHead(++n < 2 ? 503 : 200).end('ok'),
    );
    const seen: Array<{
      method: string;
      retryCount: number;
      url: string;
      client: string | undefined;
    }> = [];
    await using client = new HTTPClient({
      headers: { 'x-client': 'yes' },
      retry: { baseDelay: 1 },
      hooks: {
        beforeRequest: [
          (request) => {
            seen.push({
              method: request.method,
              retryCount: request.retryCount,
              url: request.url.href,
              client: request.headers['x-client'],
            });
            request.headers['x-signature'] = `sig-${request.retryCount}`;
          },
        ],
      },
    });
    await client.get(`${server.url}/p`);
    expect(seen).toEqual([
      { method: 'GET', retryCount: 0, url: `${server.url}/p`, client: 'yes' },
      { method: 'GET', retryCount: 1, url: `${server.url}/p`, client: 'yes' },
    ]);
    expect(server.requests.map((r) => r.headers['x-signature'])).toEqual(['sig-0', 'sig-1']);
  });

  it('afterResponse may replace the response', async () => {
    await using server = await startHttpServer();
    await using client = new HTTPClient({
      hooks: {
        afterResponse: [
          (response) =>
            new Response({
              ...response,
              body: Buffer.from('{"replaced":true}'),
              timings: response.timings,
              redirectUrls: [],
            }),
        ],
      },
    });
    expect((await client.get(server.url)).json()).toEqual({ replaced: true });
  });

  it('beforeRetry is told the error, the retry number and the wait', async () => {
    await using server = await startHttpServer((_req, res) => void res.writeHead(502).end());
    const infos: RetryInfo[] = [];
    await using client = new HTTPClient({
      maxRetries: 2,
      retry: { baseDelay: 4 },
      hooks: { beforeRetry: [(info) => void infos.push(info)] },
    });
    engineOf(client).random = () => 0.5;
    await client.get(server.url).catch(() => undefined);
    expect(
      infos.map((i) => [i.retryCount, i.delayMs, (i.error as { statusCode?: number }).statusCode]),
    ).toEqual([
      [1, 2, 502],
      [2, 4, 502],
    ]);
  });

  it('a hook that throws fails the call with its error', async () => {
    await using server = await startHttpServer();
    const boom = new Error('hook failed');
    await using client = new HTTPClient({
      hooks: {
        beforeRequest: [
          () => {
            throw boom;
          },
        ],
      },
    });
    await expect(client.get(server.url)).rejects.toBe(boom);
    expect(server.requests).toHaveLength(0);
  });
});
