import { request } from 'node:https';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  closedPort,
  snapshotHandles,
  expectNoLeakedHandles,
  startHttpServer,
  testCertificates,
} from '../src/index.js';

describe('startHttpServer', () => {
  it('serves HTTP on loopback, records requests and leaves no handle after close', async () => {
    const before = snapshotHandles();
    {
      await using server = await startHttpServer((req, res) => res.end(`hi ${req.url}`));
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${server.url}/x`);
      expect(await res.text()).toBe('hi /x');
      expect(server.requests.map((r) => r.url)).toEqual(['/x']);
    }
    await expectNoLeakedHandles(before);
  });

  it('serves HTTPS with a certificate the test CA verifies', async () => {
    await using server = await startHttpServer(undefined, { tls: true });
    const body = await new Promise<string>((resolve, reject) => {
      request(server.url, { ca: testCertificates().ca, agent: false }, (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () => resolve(data));
      })
        .on('error', reject)
        .end();
    });
    expect(JSON.parse(body)).toEqual({ ok: true });
  });
});

describe('closedPort', () => {
  it('returns a port where a connection is refused', async () => {
    const port = await closedPort();
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({
      cause: { code: 'ECONNREFUSED' },
    });
  });
});

describe('expectNoLeakedHandles', () => {
  it('reports a timer that was left running', async () => {
    const before = snapshotHandles();
    const timer = setInterval(() => {}, 1000);
    try {
      await expect(expectNoLeakedHandles(before, 100)).rejects.toThrow(/Timeout \+1/);
    } finally {
      clearInterval(timer);
    }
  });

  it('reports a server that was left listening', async () => {
    const before = snapshotHandles();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await expect(expectNoLeakedHandles(before, 100)).rejects.toThrow(/TCPSERVERWRAP \+1/);
    } finally {
      server.close();
    }
  });
});
