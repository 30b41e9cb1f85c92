import { readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort, readBody, startHttpServer } from '@net/test-utils';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe.concurrent('net http', () => {
  it('prints the body and exits 0 for 2xx; -i adds the status line and headers', async () => {
    await using server = await startHttpServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-demo', 'yes');
      res.end('{"hello":"world"}');
    });
    const plain = await runCli(['http', 'GET', `${server.url}/x`]);
    expect(plain).toMatchObject({ code: 0, stdout: '{"hello":"world"}' });
    const withHeaders = await runCli(['http', 'get', `${server.url}/x`, '-i']);
    expect(withHeaders.code).toBe(0);
    expect(withHeaders.stdout).toMatch(/^HTTP 200 OK\n/);
    expect(withHeaders.stdout).toContain('x-demo: yes\n');
  });

  it('sends headers and a JSON body', async () => {
    await using server = await startHttpServer(async (req, res) => {
      res.end(
        JSON.stringify({
          got: JSON.parse((await readBody(req)).toString()),
          h: req.headers['x-token-name'],
          type: req.headers['content-type'],
        }),
      );
    });
    const r = await runCli([
      'http',
      'POST',
      server.url,
      '-H',
      'X-Token-Name: abc',
      '--json',
      '{"name":"Alice"}',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      got: { name: 'Alice' },
      h: 'abc',
      type: 'application/json',
    });
  });

  it.each([
    [404, 4],
    [500, 5],
  ])(
    'exits with a distinct code for HTTP %i and prints one line without a stack',
    async (status, exitCode) => {
      await using server = await startHttpServer((_req, res) => {
        res.statusCode = status;
        res.end('nope');
      });
      const r = await runCli(['http', 'GET', server.url, '--retries', '0']);
      expect(r.code).toBe(exitCode);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^net: HTTPError ERR_NET_HTTP_STATUS: /);
    },
  );

  it('exits 6 on a refused connection, redacts the URL, and --verbose shows the cause chain', async () => {
    const port = await closedPort();
    const url = `http://user:hunter2pw@127.0.0.1:${port}/x?token=s3cr3tvalue`;
    const r = await runCli(['http', 'GET', url, '--retries', '0']);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^net: ConnectionError ERR_NET_CONNECTION_REFUSED/);
    expect(r.stderr).not.toMatch(/hunter2pw|s3cr3tvalue/);
    expect(r.stderr).not.toContain('    at ');
    const verbose = await runCli(['--verbose', 'http', 'GET', url, '--retries', '0']);
    expect(verbose.stderr).toContain('caused by');
    expect(verbose.stderr).not.toMatch(/hunter2pw|s3cr3tvalue/);
  });

  it('exits 7 on a timeout', async () => {
    await using server = await startHttpServer(() => {
      /* never answers */
    });
    const r = await runCli(['http', 'GET', server.url, '--timeout', '200', '--retries', '0']);
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/NetworkTimeoutError ERR_NET_TIMEOUT/);
  });

  it('exits 2 on bad usage before any I/O', async () => {
    expect((await runCli(['http', 'GET', 'not a url'])).code).toBe(2);
    expect((await runCli(['http', 'GET', 'http://127.0.0.1:1/', '--timeout', 'soon'])).code).toBe(
      2,
    );
    expect((await runCli(['http', 'GET', 'http://127.0.0.1:1/', '-H', 'no-colon'])).code).toBe(2);
    expect((await runCli(['http', 'POST', 'http://127.0.0.1:1/', '--json', '{oops'])).code).toBe(2);
    expect((await runCli(['nonsense'])).code).toBe(2);
  });

  it('prints its version and help with exit 0', async () => {
    const version = await runCli(['--version']);
    expect(version).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) as unknown,
    });
    const help = await runCli(['http', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: net http');
  });

  it('downloads to a file with -o', async () => {
    const body = Buffer.alloc(300_000, 7);
    await using server = await startHttpServer((_req, res) => {
      res.end(body);
    });
    const dir = mkdtempSync(join(tmpdir(), 'net-cli-'));
    try {
      const target = join(dir, 'out.bin');
      const r = await runCli(['http', 'GET', server.url, '-o', target]);
      expect(r.code).toBe(0);
      expect(existsSync(target)).toBe(true);
      expect(readFileSync(target).equals(body)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
