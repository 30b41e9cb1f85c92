import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort, startHttpServer } from '@net/test-utils';
import { startMisbehavingServer } from '@net/test-utils/http';
import { startTcpPeer } from '@net/test-utils/sockets';
import { startWsServer } from '@net/test-utils/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, runCli } from './run-cli.js';

/**
 * Every failure path of the CLI ends in one `net:` line and a documented exit code. Node runs
 * with `--unhandled-rejections=strict`, so a promise nobody awaits would crash the process with
 * a stack trace instead, which these assertions catch.
 */
describe.concurrent(
  'no CLI path leaves an unhandled rejection or prints a stack',
  { timeout: CLI_TEST_TIMEOUT },
  () => {
    let dir: string;
    let port: number;
    const stopAll: Array<() => Promise<void>> = [];
    const urls: Record<string, string> = {};

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'net-cli-strict-'));
      port = await closedPort();
      const reset = await startMisbehavingServer('reset-mid-body');
      const short = await startMisbehavingServer('short-body');
      const reply = await startHttpServer((_req, res) => {
        res.statusCode = 502;
        res.end('bad gateway');
      });
      // A WebSocket peer that answers with text that is not JSON, then drops the connection.
      const ws = await startWsServer({
        onConnection: (socket) =>
          socket.on('message', () => {
            socket.send('not json');
            setTimeout(() => socket.terminate(), 50);
          }),
      });
      const tcpReset = await startTcpPeer('reset');
      stopAll.push(
        () => reset.close(),
        () => short.close(),
        () => reply.close(),
        () => ws.close(),
        async () => tcpReset[Symbol.asyncDispose](),
      );
      Object.assign(urls, {
        reset: reset.url,
        short: short.url,
        reply: reply.url,
        ws: ws.url,
        tcpReset: String(tcpReset.port),
      });
    });
    afterAll(async () => {
      for (const stop of stopAll) await stop();
      rmSync(dir, { recursive: true, force: true });
    });

    const trustNew = () => ['--host-key-policy', 'accept-new', '--known-hosts', join(dir, 'kh')];
    const cases: Array<[string, () => string[], number[], string?]> = [
      ['http refused', () => ['http', 'GET', `127.0.0.1:${port}`, '--retries', '0'], [6]],
      ['http reset mid-body', () => ['http', 'GET', urls['reset']!, '--retries', '0'], [6, 10]],
      ['http short body', () => ['http', 'GET', urls['short']!, '--retries', '0'], [6, 10]],
      [
        'http -o reset mid-body',
        () => ['http', 'GET', urls['reset']!, '--retries', '0', '-o', join(dir, 'a')],
        [6, 10],
      ],
      [
        'http 502 with --json',
        () => ['http', 'GET', urls['reply']!, '--retries', '0', '--json'],
        [5],
      ],
      ['http bad --json-body', () => ['http', 'POST', `127.0.0.1:${port}`, '-j', '{'], [2]],
      ['ws refused', () => ['ws', `127.0.0.1:${port}`], [6]],
      [
        'ws non-JSON reply, then dropped',
        () => ['ws', urls['ws']!, '--json'],
        [0, 6, 10],
        '1\n2\n3\n',
      ],
      ['tcp refused', () => ['tcp', '127.0.0.1', String(port)], [6]],
      ['tcp reset by peer', () => ['tcp', '127.0.0.1', urls['tcpReset']!], [0, 6]],
      ['ssh refused', () => ['ssh', `me@127.0.0.1:${port}`, ...trustNew(), '--', 'true'], [6]],
      ['sftp ls refused', () => ['sftp', 'ls', `me@127.0.0.1:${port}`, ...trustNew()], [6]],
      ['scan with a bad spec', () => ['scan', '127.0.0.1', '-p', '9-1'], [2]],
      ['scan with a bad shard', () => ['scan', '127.0.0.1', '--shard', '3/2'], [2]],
      ['unknown option', () => ['http', 'GET', 'x', '--nope'], [2]],
    ];

    it.each(cases)('%s', async (_name, args, codes, stdin) => {
      const r = await runCli(args(), {
        nodeArgs: ['--unhandled-rejections=strict'],
        timeoutMs: 60_000,
        // Credentials for ssh/sftp, so they get as far as connecting.
        env: { NET_SSH_PASSWORD: 'unused-password' },
        ...(stdin === undefined ? {} : { stdin }),
      });
      expect(codes).toContain(r.code);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stderr).not.toMatch(/Unhandled|uncaught/i);
      for (const line of r.stderr.split('\n').filter(Boolean)) expect(line).toMatch(/^net: /);
    });
  },
);
