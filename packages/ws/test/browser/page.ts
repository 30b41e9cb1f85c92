// Runs in Chromium: bundled by test/browser.test.ts with esbuild from src (the `@net/source`
// condition) and isomorphic-ws's "browser" entry, i.e. the browser's own WebSocket.
import { WebSocketClient, type Message } from '@net/ws';

declare global {
  interface Window {
    __result?: Record<string, unknown>;
  }
}

const params = new URLSearchParams(location.search);

async function next(iterator: AsyncIterator<Message>): Promise<Message> {
  const { value, done } = await iterator.next();
  if (done) throw new Error('iterator ended early');
  return value;
}

async function main(): Promise<Record<string, unknown>> {
  const events: string[] = [];
  const refused = await new WebSocketClient({ url: `ws://127.0.0.1:${params.get('closed')}/` })
    .connect()
    .then(
      () => 'connected?!',
      (err: { name: string; code: string }) => `${err.name} ${err.code}`,
    );

  const client = new WebSocketClient({
    url: params.get('ws')!,
    reconnect: { initialDelay: 50, maxDelay: 200 },
  });
  client.on('open', (e) => events.push(e.reconnected ? 'open (reconnected)' : 'open'));
  client.on('close', (e) => events.push(`close ${e.code} willReconnect=${e.willReconnect}`));
  client.on('reconnecting', (e) => {
    events.push(`reconnecting attempt=${e.attempt}`);
    // Sent while disconnected: must be queued and delivered after the reconnect.
    if (e.attempt === 1) client.send({ queued: 'during downtime' });
  });
  const messages = client.messages();
  await client.connect();
  client.send({ hello: 'browser', n: 1 });
  const first = (await next(messages)).json();
  client.send(new Uint8Array([1, 2, 3]));
  const binary = await next(messages);
  const reconnected = new Promise<void>((resolve) =>
    client.on('open', (e) => e.reconnected && resolve()),
  );
  client.send({ cmd: 'restart' });
  await reconnected;
  const queued = (await next(messages)).json();
  client.send({ after: 'restart' });
  const second = (await next(messages)).json();
  await client.close(1000, 'done');

  // Browsers cannot send protocol pings: the heartbeat sends the application-level message.
  const pinger = new WebSocketClient({
    url: params.get('ws')!,
    heartbeat: { message: 'ping', interval: 40, timeout: 5_000 },
  });
  const echoes = pinger.messages();
  await pinger.connect();
  const pingEchoes = [(await next(echoes)).text(), (await next(echoes)).text()];
  await pinger.close();

  // A browser cannot pause its socket: an unread iterator at its bound fails loudly.
  const flooded = new WebSocketClient({ url: params.get('ws')!, heartbeat: false });
  const unread = flooded.messages({ highWaterMark: 3 });
  let arrived = 0;
  const allArrived = new Promise<void>((resolve) =>
    flooded.on('message', () => ++arrived === 10 && resolve()),
  );
  await flooded.connect();
  for (let i = 0; i < 10; i++) flooded.send(`m${i}`);
  await allArrived;
  const overflow: string[] = [];
  for (;;) {
    try {
      const { value, done } = await unread.next();
      if (done) break;
      overflow.push(value.text());
    } catch (err) {
      overflow.push(`${(err as Error).name} ${(err as { code: string }).code}`);
    }
  }
  await flooded.close();
  return {
    overflow,
    pingEchoes,
    ok: true,
    refused,
    first,
    binary: { isBinary: binary.isBinary, bytes: [...(binary.data as Uint8Array)] },
    queued,
    second,
    events,
    state: client.state,
  };
}

main().then(
  (result) => (window.__result = result),
  (err: Error) => (window.__result = { ok: false, error: `${err.name}: ${err.message}` }),
);
