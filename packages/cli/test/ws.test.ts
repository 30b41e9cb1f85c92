import { startWsServer } from '@net/test-utils/ws';
import { closedPort } from '@net/test-utils';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe.concurrent('net ws', () => {
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
