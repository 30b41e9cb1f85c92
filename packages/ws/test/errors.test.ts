import { ConnectionError, ProtocolError, SSLError, WebSocketError } from '@net/errors';
import { closedPort, testCertificates } from '@net/test-utils';
import { startRawWsPeer, startWsServer } from '@net/test-utils/ws';
import { describe, expect, it } from 'vitest';
import { WebSocketClient, type WebSocketCloseEvent } from '../src/index.js';

describe('WebSocketClient errors', () => {
  it('rejects connect() with ConnectionError when nothing listens', async () => {
    const port = await closedPort();
    await using client = new WebSocketClient({ url: `ws://127.0.0.1:${port}/feed` });
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'ERR_NET_CONNECTION_REFUSED', host: '127.0.0.1', port });
    expect((error as Error).message).toContain(`ws://127.0.0.1:${port}/feed`);
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('connects over IPv6 loopback and reports a refusal there with the bare address', async () => {
    await using server = await startWsServer({ host: '::1' });
    await using client = new WebSocketClient({ url: server.url });
    await client.connect();
    expect(server.url).toMatch(/^ws:\/\/\[::1\]:/);
    const port = await closedPort('::1');
    await using refused = new WebSocketClient({ url: `ws://[::1]:${port}/` });
    await expect(refused.connect()).rejects.toMatchObject({
      code: 'ERR_NET_CONNECTION_REFUSED',
      host: '::1',
      port,
    });
  });

  it.each([401, 403, 404, 500, 503])(
    'rejects connect() with WebSocketError ERR_NET_WS_HANDSHAKE when the upgrade is answered %i',
    async (status) => {
      await using server = await startWsServer();
      server.refuseHandshakes(status);
      await using client = new WebSocketClient({ url: server.url });
      const error = await client.connect().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebSocketError);
      expect(error).toMatchObject({
        code: 'ERR_NET_WS_HANDSHAKE',
        statusCode: status,
        retryable: status >= 500,
      });
    },
  );

  it('keeps URL credentials out of handshake errors', async () => {
    await using server = await startWsServer();
    server.refuseHandshakes(401);
    const url = server.url.replace('ws://', 'ws://user:hunter2@') + '/?token=hunter3';
    await using client = new WebSocketClient({ url });
    const error = (await client.connect().catch((e: unknown) => e)) as WebSocketError;
    const everything = `${error.message} ${JSON.stringify(error)} ${client.url}`;
    expect(everything).not.toContain('hunter2');
    expect(everything).not.toContain('hunter3');
  });

  it('rejects connect() to a self-signed wss server with SSLError', async () => {
    await using server = await startWsServer({ tls: 'self-signed' });
    await using client = new WebSocketClient({ url: server.url });
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SSLError);
    expect(error).toMatchObject({ code: 'ERR_NET_TLS', reason: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('connects to a wss server when given its CA', async () => {
    await using server = await startWsServer({ tls: true });
    await using client = new WebSocketClient({
      url: server.url,
      tls: { ca: testCertificates().ca },
    });
    await client.connect();
    client.send({ over: 'tls' });
    const { value } = await client.messages().next();
    expect(value?.json()).toEqual({ over: 'tls' });
  });

  it('rejects connect() with ERR_NET_WS_HANDSHAKE when the 101 answer carries a wrong accept key', async () => {
    await using peer = await startRawWsPeer('bad-accept');
    await using client = new WebSocketClient({ url: peer.url });
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebSocketError);
    expect(error).toMatchObject({ code: 'ERR_NET_WS_HANDSHAKE', statusCode: undefined });
    expect((error as Error).message).toContain('Sec-WebSocket-Accept');
  });

  it('rejects connect() with ProtocolError when the peer does not speak HTTP', async () => {
    await using peer = await startRawWsPeer('garbage');
    await using client = new WebSocketClient({ url: peer.url });
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(/HPE_/);
  });

  it('reports a malformed frame as ProtocolError and closes', async () => {
    await using peer = await startRawWsPeer('malformed-frame');
    const client = new WebSocketClient({ url: peer.url, reconnect: false });
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    const closed = new Promise<WebSocketCloseEvent>((resolve) => client.on('close', resolve));
    const iterator = client.messages();
    await client.connect().catch(() => undefined);
    const event = await closed;
    expect(event.willReconnect).toBe(false);
    expect(errors[0]).toBeInstanceOf(ProtocolError);
    expect((errors[0] as Error).message).toContain('WS_ERR_INVALID_OPCODE');
    // An iterator learns why the client closed.
    await expect(iterator.next()).rejects.toBeInstanceOf(ProtocolError);
    expect(client.state).toBe('closed');
  });

  it('reports a TCP drop without a close frame as ConnectionError ERR_NET_CONNECTION_CLOSED', async () => {
    await using peer = await startRawWsPeer('drop');
    const client = new WebSocketClient({ url: peer.url, reconnect: false });
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    const closed = new Promise<WebSocketCloseEvent>((resolve) => client.on('close', resolve));
    await client.connect();
    expect((await closed).code).toBe(1006);
    expect(errors).toEqual([expect.objectContaining({ code: 'ERR_NET_CONNECTION_CLOSED' })]);
  });
});
