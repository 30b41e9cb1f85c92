import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { closedPort } from '@net/test-utils';
import { startWsServer } from '@net/test-utils/ws';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.log(
    `Skipping the browser test: ${CHROMIUM} is missing (apt-get install -y chromium; CI installs it).`,
  );
}

async function bundlePage() {
  return build({
    entryPoints: [join(here, 'browser', 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    conditions: ['@net/source', 'browser'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
}

async function serve(files: Record<string, { type: string; body: string }>): Promise<Server> {
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    res.writeHead(file ? 200 : 404, { 'content-type': file?.type ?? 'text/plain' });
    res.end(file?.body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('in a browser', () => {
  it('bundles for the browser without ws or any node: module', async () => {
    const result = await bundlePage();
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.includes('isomorphic-ws/browser.js'))).toBe(true);
    expect(inputs.filter((i) => /node_modules\/(\.pnpm\/)?ws[@/]/.test(i))).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/["']node:/);
  });

  it.skipIf(!hasChromium)(
    'connects, exchanges JSON and binary, survives a server restart and reports back from headless Chromium',
    async () => {
      const bundle = await bundlePage();
      await using wsServer = await startWsServer();
      wsServer.handle((socket) =>
        socket.on('message', (data, isBinary) => {
          if (!isBinary && data.toString() === '{"cmd":"restart"}') {
            void (async () => {
              await wsServer.stop();
              await new Promise((r) => setTimeout(r, 150));
              await wsServer.start();
            })();
            return;
          }
          socket.send(data, { binary: isBinary });
        }),
      );
      const http = await serve({
        '/': {
          type: 'text/html',
          body: '<!doctype html><script type="module" src="/page.js"></script>',
        },
        '/page.js': { type: 'text/javascript', body: bundle.outputFiles[0]!.text },
      });
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      try {
        const page = await browser.newPage();
        const pageErrors: string[] = [];
        page.on('pageerror', (err) => pageErrors.push(err.message));
        const { port } = http.address() as AddressInfo;
        const query = new URLSearchParams({ ws: wsServer.url, closed: String(await closedPort()) });
        await page.goto(`http://127.0.0.1:${port}/?${query.toString()}`);
        await page.waitForFunction(() => window.__result !== undefined, undefined, {
          timeout: 20_000,
        });
        const result = await page.evaluate(() => window.__result);
        expect(pageErrors).toEqual([]);
        expect(result).toEqual({
          ok: true,
          refused: 'WebSocketError ERR_NET_WS',
          first: { hello: 'browser', n: 1 },
          binary: { isBinary: true, bytes: [1, 2, 3] },
          queued: { queued: 'during downtime' },
          pingEchoes: ['ping', 'ping'],
          overflow: ['m0', 'm1', 'm2', 'WebSocketError ERR_NET_WS_QUEUE_FULL'],
          second: { after: 'restart' },
          events: expect.arrayContaining([
            'open',
            'close 1006 willReconnect=true',
            'reconnecting attempt=1',
            'open (reconnected)',
          ]),
          state: 'closed',
        });
        expect((result!.events as string[]).at(-1)).toBe('close 1000 willReconnect=false');
      } finally {
        await browser.close();
        await new Promise((resolve) => http.close(resolve));
      }
    },
    60_000,
  );
});
