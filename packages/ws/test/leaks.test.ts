import { expectNoLeakedHandles, snapshotHandles } from '@net/test-utils';
import { startRawWsPeer, startWsServer } from '@net/test-utils/ws';
import { describe, it } from 'vitest';
import { WebSocketClient } from '../src/index.js';

describe('leaks', () => {
  it('leaves no timer or socket behind after close() of an open client with heartbeat and pending flush', async () => {
    const before = snapshotHandles();
    const server = await startWsServer();
    const client = new WebSocketClient({
      url: server.url,
      heartbeat: { interval: 20, timeout: 20 },
    });
    await client.connect();
    client.send('x');
    for await (const _m of client) break;
    const flushing = client.flush().catch(() => undefined);
    await client.close();
    await flushing;
    await server.close();
    await expectNoLeakedHandles(before);
  });

  it('leaves nothing behind when closed mid-handshake', async () => {
    const before = snapshotHandles();
    const peer = await startRawWsPeer('no-answer');
    const client = new WebSocketClient({ url: peer.url });
    const connecting = client.connect().catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 30));
    await client.close();
    await connecting;
    await peer.close();
    await expectNoLeakedHandles(before);
  });

  it('leaves nothing behind after giving up on reconnecting', async () => {
    const before = snapshotHandles();
    const server = await startWsServer();
    const client = new WebSocketClient({
      url: server.url,
      reconnect: { initialDelay: 5, maxAttempts: 2 },
    });
    await client.connect();
    const closed = new Promise<void>((resolve) =>
      client.on('close', (e) => !e.willReconnect && resolve()),
    );
    await server.stop();
    await closed;
    await server.close();
    await expectNoLeakedHandles(before);
  });
});
