import { readFileSync, readdirSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { closedPort, listenOnLoopback, readBody, startHttpServer } from '@net/test-utils';
import { describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, runCli } from './run-cli.js';

describe.concurrent('net http', { timeout: CLI_TEST_TIMEOUT }, () => {
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
      '--json-body',
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
      // As curl and httpie: the body is shown for an error status too.
      expect(r.stdout).toBe('nope');
      const withHeaders = await runCli(['http', 'GET', server.url, '--retries', '0', '-i']);
      expect(withHeaders.code).toBe(exitCode);
      expect(withHeaders.stdout).toMatch(new RegExp(`^HTTP ${status} .*\\n[^]*\\n\\nnope$`));
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
    expect((await runCli(['http', 'POST', 'http://127.0.0.1:1/', '-j', '{oops'])).code).toBe(2);
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

describe.concurrent(
  'net http, as a curl or httpie user expects',
  { timeout: CLI_TEST_TIMEOUT },
  () => {
    it('-o keeps the method, headers and body and only moves the body into the file', async () => {
      await using server = await startHttpServer(async (req, res) => {
        res.end(
          JSON.stringify({
            method: req.method,
            h: req.headers['x-one'],
            body: (await readBody(req)).toString(),
          }),
        );
      });
      const dir = mkdtempSync(join(tmpdir(), 'net-cli-'));
      try {
        for (const [method, bodyFlags, sent] of [
          ['POST', ['--json-body', '{"x":1}'], '{"x":1}'],
          ['DELETE', ['--data', 'bye'], 'bye'],
          ['PUT', ['-d', 'put-body'], 'put-body'],
        ] as const) {
          const target = join(dir, `${method}.json`);
          const r = await runCli([
            'http',
            method,
            server.url,
            '-H',
            'X-One: 1',
            ...bodyFlags,
            '-o',
            target,
          ]);
          expect(r.code).toBe(0);
          expect(r.stdout).toBe('');
          expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual({ method, h: '1', body: sent });
        }
        expect(readdirSync(dir).sort()).toEqual(['DELETE.json', 'POST.json', 'PUT.json']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('-o leaves no file when the status is an error, and exits 4', async () => {
      await using server = await startHttpServer((_req, res) => {
        res.statusCode = 404;
        res.end('missing');
      });
      const dir = mkdtempSync(join(tmpdir(), 'net-cli-'));
      try {
        const r = await runCli(['http', 'GET', server.url, '--retries', '0', '-o', join(dir, 'x')]);
        expect(r.code).toBe(4);
        expect(readdirSync(dir)).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('assumes http:// for a URL without a scheme', async () => {
      await using server = await startHttpServer((req, res) => {
        res.end(`path ${req.url}`);
      });
      const r = await runCli(['http', 'GET', `127.0.0.1:${server.port}/x?y=1`]);
      expect(r).toMatchObject({ code: 0, stdout: 'path /x?y=1' });
    });

    it('--json prints status, headers, timings and the body as one JSON object, for errors too', async () => {
      await using server = await startHttpServer((req, res) => {
        res.statusCode = req.url === '/bad' ? 503 : 200;
        res.setHeader(
          'content-type',
          req.url === '/bin' ? 'application/octet-stream' : 'application/json',
        );
        res.end(req.url === '/bin' ? Buffer.from([0xff, 0x00, 0xfe]) : '{"a":[1,2]}');
      });
      const ok = await runCli(['http', 'GET', `${server.url}/x`, '--json']);
      expect(ok.code).toBe(0);
      const out = JSON.parse(ok.stdout) as Record<string, unknown>;
      expect(out).toMatchObject({
        status: 200,
        method: 'GET',
        url: `${server.url}/x`,
        bodyEncoding: 'json',
        body: { a: [1, 2] },
        headers: { 'content-type': 'application/json' },
      });
      expect(typeof (out['timings'] as Record<string, unknown>)['total']).toBe('number');
      const bin = JSON.parse(
        (await runCli(['http', 'GET', `${server.url}/bin`, '--json'])).stdout,
      ) as Record<string, unknown>;
      expect(bin).toMatchObject({
        bodyEncoding: 'base64',
        body: Buffer.from([0xff, 0, 0xfe]).toString('base64'),
      });
      const bad = await runCli(['http', 'GET', `${server.url}/bad`, '--json', '--retries', '0']);
      expect(bad.code).toBe(5);
      expect(JSON.parse(bad.stdout)).toMatchObject({ status: 503, body: { a: [1, 2] } });
      expect(bad.stderr).toMatch(/^net: HTTPError/);
    });

    it('escapes control characters of the reason phrase and headers, keeps the body byte-exact', async () => {
      const body = Buffer.from('raw \x1b[2J body\x00\xff', 'latin1');
      // node:http refuses to send such a reason phrase: a raw socket plays the hostile server.
      const server = createServer((socket) => {
        socket.once('data', () => {
          socket.end(
            Buffer.concat([
              Buffer.from(
                `HTTP/1.1 500 Oops\x1b]0;pwned\x07\r\nx-evil: a\x9b31mred\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`,
                'latin1',
              ),
              body,
            ]),
          );
        });
      });
      const listener = await listenOnLoopback(server);
      try {
        const r = await runCli([
          'http',
          'GET',
          `127.0.0.1:${listener.port}`,
          '--retries',
          '0',
          '-i',
        ]);
        expect(r.code).toBe(5);
        expect(r.stderr).not.toContain('\x1b');
        expect(r.stderr).toContain('Oops\\e]0;pwned\\x07');
        expect(r.stdout.split('\n')[0]).toBe('HTTP 500 Oops\\e]0;pwned\\x07');
        // An 8-bit CSI (obs-text that llhttp lets through; it decodes as U+009B).
        expect(r.stdout).toContain('x-evil: a\\x9b31mred\n');
        expect(r.stdoutBytes.subarray(-body.length).equals(body)).toBe(true);
      } finally {
        await listener.close();
      }
    });

    it('never prints a header value or URL password in a diagnostic', async () => {
      const port = await closedPort();
      const malformed = await runCli([
        'http',
        'GET',
        `127.0.0.1:${port}`,
        '-H',
        'X-Api-Key SECRET-abc123',
      ]);
      expect(malformed.code).toBe(2);
      expect(malformed.stderr).not.toContain('SECRET-abc123');
      expect(malformed.stderr.trim().split('\n')).toHaveLength(1);
      const refused = await runCli([
        '--verbose',
        'http',
        'GET',
        `http://bob:PASSWORD-x9@127.0.0.1:${port}/`,
        '-H',
        'Authorization: Bearer tok-SECRET-77',
        '--retries',
        '0',
      ]);
      expect(refused.code).toBe(6);
      expect(refused.stderr).not.toMatch(/PASSWORD-x9|tok-SECRET-77/);
    });
  },
);
