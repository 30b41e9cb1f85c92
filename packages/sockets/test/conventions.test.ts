import { AbortError } from '@net/errors';
import { startTcpPeer, startUdpEcho } from '@net/test-utils/sockets';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import { PortScanner } from '../src/port-scanner.js';
import { TCPClient } from '../src/tcp-client.js';
import { TCPConnection } from '../src/tcp-connection.js';
import { TCPServer } from '../src/tcp-server.js';
import { UDPClient } from '../src/udp-client.js';

// The conventions every @net package follows (the root README's table), checked for this one.

describe('@net/sockets conventions', () => {
  it('exports static, frozen defaults on each class and no other defaults objects', () => {
    for (const cls of [TCPClient, TCPServer, UDPClient, PortScanner]) {
      expect(Object.isFrozen(cls.defaults)).toBe(true);
      expect(() => {
        (cls.defaults as Record<string, unknown>).timeout = 1;
      }).toThrow(TypeError);
    }
    expect(TCPClient.defaults.timeout).toBe(10_000);
    expect(TCPServer.defaults).toMatchObject({ idleTimeout: 60_000, highWaterMark: 65_536 });
    expect(Object.keys(api).filter((name) => /defaults$/i.test(name))).toEqual([]);
  });

  it('keeps helpers off the public surface', () => {
    for (const name of [
      'FrameDecoder',
      'ByteQueue',
      'encodeFrame',
      'parsePorts',
      'expandTargets',
      'parseTargets',
      'resolveFrameOptions',
    ]) {
      expect(api).not.toHaveProperty(name);
    }
    // TCPConnection is exported for instanceof; it is built by TCPClient and TCPServer only.
    expect(new TCPClient({ host: '127.0.0.1', port: 1 })).toBeInstanceOf(api.TCPConnection);
  });

  it.each([
    [
      'TCPClient',
      () => new TCPClient({ host: '127.0.0.1', port: 1, timout: 5 } as never),
      'timeout',
    ],
    [
      'TCPClient tls',
      () => new TCPClient({ host: 'h', port: 1, tls: { rejectUnauthorised: false } } as never),
      'rejectUnauthorized',
    ],
    [
      'TCPServer',
      () => new TCPServer({ onConnection: () => {}, idletimeout: 5 } as never),
      'idleTimeout',
    ],
    [
      'UDPClient',
      () => new UDPClient({ host: '127.0.0.1', port: 1, maxQueuedDatagram: 1 } as never),
      'maxQueuedDatagrams',
    ],
    ['PortScanner', () => new PortScanner({ concurency: 1 } as never), 'concurrency'],
  ])('names the closest key for an unknown option of %s', (_name, make, suggestion) => {
    expect(make).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_VALUE',
        message: expect.stringContaining(`Did you mean '${suggestion}'?`),
      }),
    );
  });

  it('checks the keys of per-call options and rejects (never throws) from async methods', async () => {
    await using peer = await startTcpPeer('echo');
    await using client = new TCPClient({ host: '127.0.0.1', port: peer.port });
    await client.connect();
    const calls: Array<[string, () => Promise<unknown>, string]> = [
      ['receive', () => client.receive({ maxbytes: 1 } as never), 'maxBytes'],
      ['readLine', () => client.readLine({ maxLenght: 1 } as never), 'maxLength'],
      ['readExactly', () => client.readExactly(1, { timout: 1 } as never), 'timeout'],
      ['send', () => client.send('x', { signl: undefined } as never), 'signal'],
      ['writeFrame', () => client.writeFrame('x', { framng: 'line' } as never), 'framing'],
      ['frames', () => client.frames({ lengthByte: 2 } as never).next(), 'lengthBytes'],
      ['close', () => client.close({ timeot: 1 } as never), 'timeout'],
      ['connect', () => client.connect({ signa: undefined } as never), 'signal'],
      ['scan', () => new PortScanner().scan('127.0.0.1', { port: [1] } as never), 'ports'],
      [
        'scan shard',
        () => new PortScanner().scan('127.0.0.1', { shard: { index: 1, cout: 2 } } as never),
        'count',
      ],
      [
        'scan banner',
        () => new PortScanner().scan('127.0.0.1', { banner: { timout: 1 } } as never),
        'timeout',
      ],
    ];
    for (const [name, call, suggestion] of calls) {
      let pending: Promise<unknown> | undefined;
      expect(() => (pending = call()), name).not.toThrow();
      await expect(pending, name).rejects.toMatchObject({
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
        message: expect.stringContaining(`Did you mean '${suggestion}'?`),
      });
    }
  });

  it('rejects a bad readLine encoding with a code', async () => {
    await using peer = await startTcpPeer('echo');
    await using client = new TCPClient({ host: '127.0.0.1', port: peer.port });
    await client.connect();
    await expect(client.readLine({ encoding: 'klingon' as BufferEncoding })).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
    });
    await expect(client.readLine({ maxLength: 0 })).rejects.toMatchObject({
      name: 'RangeError',
      code: 'ERR_INVALID_ARG_VALUE',
    });
  });

  it('treats a timeout of 0 or Infinity as no limit and rejects negative ones', async () => {
    await using peer = await startTcpPeer('echo');
    for (const timeout of [0, Infinity]) {
      await using client = new TCPClient({ host: '127.0.0.1', port: peer.port, timeout });
      await client.connect();
      const read = client.receive({ timeout });
      // With no limit the read still waits after a while, until data comes.
      const early = await Promise.race([
        read,
        new Promise((r) => setTimeout(() => r('waiting'), 100)),
      ]);
      expect(early).toBe('waiting');
      await client.send('x');
      expect((await read)?.toString()).toBe('x');
    }
    expect(() => new TCPClient({ host: '127.0.0.1', port: 1, timeout: -1 })).toThrow(RangeError);
    expect(() => new UDPClient({ host: '127.0.0.1', port: 1, timeout: Number.NaN })).toThrow(
      RangeError,
    );
    expect(() => new PortScanner({ timeout: 0 })).not.toThrow();
  });

  it('takes a signal on UDPClient.connect() and TCPConnection.close()', async () => {
    await using echo = await startUdpEcho();
    await using udp = new UDPClient({ host: '127.0.0.1', port: echo.port });
    await expect(udp.connect({ signal: AbortSignal.abort('stop') })).rejects.toBeInstanceOf(
      AbortError,
    );
    await udp.connect({ signal: new AbortController().signal });

    // A peer that never closes its side: close() would wait its whole timeout; the signal ends it.
    await using peer = await startTcpPeer('stall');
    const client = new TCPClient({ host: '127.0.0.1', port: peer.port });
    await client.connect();
    const controller = new AbortController();
    const closing = client.close({ timeout: 60_000, signal: controller.signal });
    controller.abort(new Error('enough'));
    await expect(closing).rejects.toMatchObject({
      name: 'AbortError',
      cause: { message: 'enough' },
    });
    expect(client.closed).toBe(true);
    expect(typeof client[Symbol.asyncDispose]).toBe('function');
    expect(TCPConnection.prototype).toHaveProperty('shutdownWrite');
  });
});
