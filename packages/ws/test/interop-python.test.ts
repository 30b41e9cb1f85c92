import { hasPythonWebSockets, startPythonWebSockets } from '@net/test-utils/ws';
import { describe, expect, it } from 'vitest';
import { NetworkTimeoutError, WebSocketClient, type WebSocketCloseEvent } from '../src/index.js';

const available = hasPythonWebSockets();
if (!available) {
  console.log(
    'Skipping the python3-websockets interop tests: /usr/bin/python3 with websockets is missing (apt-get install -y python3-websockets; CI installs it).',
  );
}

describe.skipIf(!available)('against python3-websockets (a server we did not write)', () => {
  it('echoes text, binary and JSON, and the server sees our close code and reason', async () => {
    await using server = await startPythonWebSockets();
    const client = new WebSocketClient({ url: server.url, heartbeat: false });
    const messages = client.messages();
    await client.connect();
    client.send('héllo ✓');
    client.send(new Uint8Array([0, 1, 2, 255]));
    client.send({ n: [1, 2, 3] });
    const next = async () => (await messages.next()).value!;
    const text = await next();
    expect([text.isBinary, text.data]).toEqual([false, 'héllo ✓']);
    const binary = await next();
    expect(binary.isBinary).toBe(true);
    expect([...(binary.data as Uint8Array)]).toEqual([0, 1, 2, 255]);
    expect((await next()).json()).toEqual({ n: [1, 2, 3] });
    await client.close(4321, 'done here');
    await expect.poll(() => server.lines).toContain('closed 4321 done here');
  });

  it('reports the close code and reason the server sends, and follows shouldReconnect', async () => {
    await using server = await startPythonWebSockets();
    const client = new WebSocketClient({ url: server.url, heartbeat: false });
    const closes: WebSocketCloseEvent[] = [];
    client.on('close', (e) => closes.push(e));
    await client.connect();
    client.send('close:1008:policy says no');
    await expect.poll(() => client.state).toBe('closed');
    // 1008 is a policy violation: by default the client does not come back unchanged.
    expect(closes).toEqual([
      expect.objectContaining({
        code: 1008,
        reason: 'policy says no',
        wasClean: true,
        willReconnect: false,
      }),
    ]);
  });

  it('reconnects after a server close with 1011 and goes on echoing', async () => {
    await using server = await startPythonWebSockets();
    await using client = new WebSocketClient({
      url: server.url,
      heartbeat: false,
      reconnect: { initialDelay: 20, maxDelay: 50 },
    });
    const messages = client.messages();
    const reopened = new Promise<boolean>((resolve) =>
      client.on('open', (e) => e.reconnected && resolve(true)),
    );
    await client.connect();
    client.send('close:1011:try again');
    expect(await reopened).toBe(true);
    client.send('after');
    expect((await messages.next()).value?.text()).toBe('after');
  });

  it('answers the server pings and gets pongs for its own heartbeat pings', async () => {
    // The server pings every 100 ms and drops us if a pong is missing for 5 s; our heartbeat
    // pings every 50 ms and would fail on a missing pong within 2 s.
    await using server = await startPythonWebSockets({ pingInterval: 0.1 });
    await using client = new WebSocketClient({
      url: server.url,
      heartbeat: { interval: 50, timeout: 2_000 },
      reconnect: false,
    });
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    const messages = client.messages();
    await client.connect();
    client.send('ping'); // the server sends a protocol ping and tells us when our pong arrived
    expect((await messages.next()).value?.text()).toBe('pong received');
    await new Promise((r) => setTimeout(r, 600));
    expect(errors).toEqual([]);
    expect(client.state).toBe('open');
  });

  it('detects a server that stops reading with the heartbeat', async () => {
    await using server = await startPythonWebSockets();
    await using client = new WebSocketClient({
      url: server.url,
      heartbeat: { interval: 50, timeout: 300 },
      reconnect: false,
    });
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    await client.connect();
    client.send('stall');
    await expect.poll(() => client.state, { timeout: 5_000 }).toBe('closed');
    expect(errors[0]).toBeInstanceOf(NetworkTimeoutError);
    expect(errors[0]).toMatchObject({ phase: 'idle', timeoutMs: 300 });
  });
});
