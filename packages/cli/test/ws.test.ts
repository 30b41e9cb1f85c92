import { startWsServer } from '@net/test-utils/ws';
import { closedPort } from '@net/test-utils';
import { describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, runCli } from './run-cli.js';

describe.concurrent('net ws', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('sends stdin lines and prints the messages', async () => {
    await using server = await startWsServer();
    const r = await runCli(['ws', server.url], { stdin: 'first\nsecond\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('first\nsecond\n');
    expect(r.stderr).toContain('connected to');
  });

  it('--json sends JSON values and prints messages as JSON lines', async () => {
    await using server = await startWsServer();
    const r = await runCli(['ws', server.url, '--json'], { stdin: '{"a": 1}\n[1, 2]\n' });
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([{ a: 1 }, [1, 2]]);
  });

  it('exits 10 when the handshake is refused and 6 when nothing listens', async () => {
    await using server = await startWsServer();
    server.refuseHandshakes(403);
    const refused = await runCli(['ws', server.url]);
    expect(refused.code).toBe(10);
    expect(refused.stderr).toMatch(/WebSocketError ERR_NET_WS_HANDSHAKE/);
    const nobody = await runCli(['ws', `ws://127.0.0.1:${await closedPort()}`]);
    expect(nobody.code).toBe(6);
  });
});

describe.concurrent('net ws --json and diagnostics', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('sends each stdin line as its JSON value, skips a line that is not JSON with a note', async () => {
    const received: string[] = [];
    await using server = await startWsServer({
      onConnection: (socket) =>
        socket.on('message', (data) => {
          received.push(String(data));
          socket.send(String(data));
        }),
    });
    const r = await runCli(['ws', server.url, '--json'], {
      stdin: '"hi"\n{oops\n 42 \n{"a": [1, 2]}\n',
    });
    expect(r.code).toBe(0);
    expect(received).toEqual(['"hi"', '42', '{"a":[1,2]}']);
    expect(r.stdout).toBe('"hi"\n42\n{"a":[1,2]}\n');
    expect(r.stderr).toMatch(/^net: stdin line 2 is not JSON, not sent/m);
    expect(r.stderr).not.toContain('    at ');
  });

  it('prints a reply that is not JSON as text with a note, without crashing', async () => {
    await using server = await startWsServer({
      onConnection: (socket) => socket.on('message', () => socket.send('plain text, not JSON')),
    });
    const r = await runCli(['ws', server.url, '--json'], { stdin: '1\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('plain text, not JSON\n');
    expect(r.stderr).toContain('net: message is not JSON, printed as text');
    expect(r.stderr).not.toContain('    at ');
  });

  it('never prints the URL password, assumes ws:// and sends -H headers', async () => {
    await using server = await startWsServer();
    const r = await runCli(
      ['ws', `bob:PASS-w0rd@127.0.0.1:${server.port}/feed`, '-H', 'X-Trace: t-1'],
      { stdin: 'x\n' },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('connected to ws://');
    expect(r.stderr).not.toContain('PASS-w0rd');
    expect(server.upgrades[0]?.['x-trace']).toBe('t-1');
  });
});
