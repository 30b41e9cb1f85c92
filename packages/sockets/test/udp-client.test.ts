import { ConnectionError, DNSResolutionError, NetworkTimeoutError } from '@net/errors';
import { expectNoLeakedHandles, snapshotHandles, invalidLookup } from '@net/test-utils';
import { pickPorts, startUdpEcho } from '@net/test-utils/sockets';
import { describe, expect, it } from 'vitest';
import { UDPClient } from '../src/udp-client.js';

describe('UDPClient', () => {
  it.each(['127.0.0.1', '::1'])(
    'sends and receives datagrams over %s, and leaks nothing',
    async (host) => {
      const before = snapshotHandles();
      {
        await using echo = await startUdpEcho({ host });
        await using udp = new UDPClient({ host, port: echo.port, timeout: 2_000 });
        await udp.send('ping');
        const reply = await udp.receive();
        expect(reply.data.toString()).toBe('ping');
        expect(reply).toMatchObject({ address: host, port: echo.port });
      }
      await expectNoLeakedHandles(before);
    },
  );

  it('retries a request until a reply comes', async () => {
    await using echo = await startUdpEcho({ dropFirst: 2 });
    await using udp = new UDPClient({ host: '127.0.0.1', port: echo.port });
    const reply = await udp.request('hello', { timeout: 100, retries: 3 });
    expect(reply.data.toString()).toBe('hello');
    expect(echo.received).toHaveLength(3);
  });

  it('rejects a request with NetworkTimeoutError after its retries', async () => {
    await using echo = await startUdpEcho({ silent: true });
    await using udp = new UDPClient({ host: '127.0.0.1', port: echo.port });
    const err = await udp.request('anyone?', { timeout: 50, retries: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkTimeoutError);
    expect(err).toMatchObject({ phase: 'response', timeoutMs: 50 });
    expect(echo.received).toHaveLength(3);
  });

  it('reports an ICMP port-unreachable as ConnectionError (refused)', async () => {
    const [port] = await pickPorts(1);
    await using udp = new UDPClient({ host: '127.0.0.1', port: port! });
    await udp.send('knock');
    const err = await udp.receive({ timeout: 2_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ code: 'ERR_NET_CONNECTION_REFUSED', protocol: 'udp' });
  });

  it('rejects an oversized datagram with RangeError before sending', async () => {
    await using echo = await startUdpEcho();
    await using udp = new UDPClient({ host: '127.0.0.1', port: echo.port });
    await expect(udp.send(Buffer.alloc(65_508))).rejects.toBeInstanceOf(RangeError);
    await expect(udp.send(Buffer.alloc(70_000))).rejects.toBeInstanceOf(RangeError);
    await udp.send(Buffer.alloc(65_507));
    expect((await udp.receive()).data.length).toBe(65_507);
  });

  it('rejects with DNSResolutionError for an unknown name', async () => {
    await using udp = new UDPClient({ host: 'nowhere.invalid', port: 53, lookup: invalidLookup });
    await expect(udp.send('x')).rejects.toBeInstanceOf(DNSResolutionError);
  });

  it('aborts a send, a receive and a request through their signals', async () => {
    await using echo = await startUdpEcho({ silent: true });
    await using udp = new UDPClient({ host: '127.0.0.1', port: echo.port });
    await expect(udp.send('x', { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(echo.received).toHaveLength(0);
    const controller = new AbortController();
    const pending = udp.request('y', { timeout: 0, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects pending receives when closed', async () => {
    await using echo = await startUdpEcho({ silent: true });
    const udp = new UDPClient({ host: '127.0.0.1', port: echo.port });
    await udp.connect();
    const pending = udp.receive({ timeout: 0 });
    await udp.close();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_NET_CONNECTION_CLOSED' });
    await expect(udp.send('late')).rejects.toMatchObject({ code: 'ERR_NET_CONNECTION_CLOSED' });
  });

  it.each([
    [{ host: '127.0.0.1', port: 0 }, RangeError],
    [{ host: 42, port: 53 }, TypeError],
    [{ host: '127.0.0.1', port: 53, timeout: Number.NaN }, RangeError],
  ])('throws on bad options %j', (options, type) => {
    expect(() => new UDPClient(options as never)).toThrow(type);
  });
});
