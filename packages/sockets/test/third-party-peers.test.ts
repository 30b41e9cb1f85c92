import { ConnectionError } from '@net/errors';
import { testCertificates } from '@net/test-utils';
import {
  hasCommand,
  runPeerClient,
  startListeningPeer,
  startTcpPeer,
} from '@net/test-utils/sockets';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TCPClient } from '../src/tcp-client.js';
import { TCPServer } from '../src/tcp-server.js';
import { UDPClient } from '../src/udp-client.js';

// Real peers on loopback: socat, ncat, nc.openbsd and openssl, as users meet them. Each is
// skipped, with the reason printed, when its binary is missing (scripts/setup.sh installs them).

const have = {
  socat: hasCommand('socat'),
  ncat: hasCommand('ncat'),
  nc: hasCommand('nc.openbsd'),
  openssl: hasCommand('openssl'),
};
for (const [name, present] of Object.entries(have)) {
  if (!present) console.warn(`${name} is not installed: its peer tests are skipped`);
}

const dir = mkdtempSync(join(tmpdir(), 'net-sockets-peers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TCPClient against real peers', () => {
  it('reads the bytes a peer sent before it reset the connection, then the reset', async () => {
    // "REPLY 1\nREPLY 2\n" and then an RST (SO_LINGER 0), as the peer did.
    await using peer = await startTcpPeer('echo', {
      onSocket: (socket) =>
        socket.write('REPLY 1\nREPLY 2\n', () => setTimeout(() => socket.resetAndDestroy(), 50)),
    });
    await using client = new TCPClient({ host: '127.0.0.1', port: peer.port });
    await client.connect();
    // Let the reset arrive before the first read: the bytes must have survived it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await client.readLine()).toBe('REPLY 1');
    expect(await client.readLine()).toBe('REPLY 2');
    await expect(client.readLine()).rejects.toMatchObject({
      name: 'ConnectionError',
      code: 'ERR_NET_CONNECTION_RESET',
    });
    await expect(client.send('more')).rejects.toBeInstanceOf(ConnectionError);
  });

  it('settles every send after the peer closed cleanly, with no timeout set', async () => {
    // The peer answers and closes its socket entirely (FIN, then nothing reads what we send).
    await using peer = await startTcpPeer('echo', {
      onSocket: (socket) => socket.end('BYE\n', () => socket.destroy()),
    });
    await using client = new TCPClient({ host: '127.0.0.1', port: peer.port, timeout: 0 });
    await client.connect();
    expect(await client.readLine()).toBe('BYE');
    expect(await client.readLine()).toBeNull();
    // The peer is gone: sends succeed into the kernel until the reset comes back, then every
    // later one rejects at once — none stays pending.
    const chunk = Buffer.alloc(64 * 1024);
    let failure: unknown;
    for (let i = 0; i < 200 && failure === undefined; i++) {
      await client.send(chunk).catch((err: unknown) => (failure = err));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(failure).toBeInstanceOf(ConnectionError);
  });

  it.runIf(have.socat)(
    'half-closes: shutdownWrite() sends FIN and the reply still arrives (socat SYSTEM:wc -c)',
    async () => {
      await using peer = await startListeningPeer('socat', (port) => [
        `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr`,
        'SYSTEM:wc -c',
      ]);
      await using client = new TCPClient({ host: '127.0.0.1', port: peer.port });
      await client.connect();
      await client.send('hello, half-closed world');
      await client.shutdownWrite();
      expect(client.writeEnded).toBe(true);
      // wc answers only after it saw end of input: our FIN.
      expect((await client.readLine())?.trim()).toBe('24');
      expect(await client.readLine()).toBeNull();
      await expect(client.send('late')).rejects.toMatchObject({
        code: 'ERR_NET_CONNECTION_CLOSED',
      });
    },
  );

  it.runIf(have.ncat)('echoes through ncat --exec /bin/cat', async () => {
    await using peer = await startListeningPeer('ncat', (port) => [
      '-l',
      '127.0.0.1',
      String(port),
      '--exec',
      '/bin/cat',
    ]);
    await using client = new TCPClient({ host: '127.0.0.1', port: peer.port });
    await client.connect();
    // Below the pipe buffers: ncat --exec stalls by itself on large full-duplex transfers (a
    // plain net.Socket client sees the same), so the bulk test below uses socat.
    const payload = Buffer.alloc(16 * 1024, 0x62);
    await client.send(payload);
    expect((await client.readExactly(payload.length)).equals(payload)).toBe(true);
  });

  it.runIf(have.socat)('echoes 2 MiB through socat PIPE to a slow reader', async () => {
    await using peer = await startListeningPeer('socat', (port) => [
      `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr`,
      'PIPE',
    ]);
    await using client = new TCPClient({ host: '127.0.0.1', port: peer.port });
    await client.connect();
    const payload = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const sending = (async () => {
      for (let i = 0; i < payload.length; i += 65_536)
        await client.send(payload.subarray(i, i + 65_536));
    })();
    // A slow reader: small reads with pauses, while the writer is held back by backpressure.
    let received = 0;
    while (received < payload.length) {
      const chunk = await client.receive({ maxBytes: 256 * 1024 });
      if (!chunk) break;
      received += chunk.length;
      if (received < 256 * 1024) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await sending;
    expect(received).toBe(payload.length);
  });

  it.runIf(have.openssl)('speaks TLS to openssl s_server', async () => {
    const certs = testCertificates();
    writeFileSync(join(dir, 'cert.pem'), certs.cert);
    writeFileSync(join(dir, 'key.pem'), certs.key);
    await using peer = await startListeningPeer('openssl', (port) => [
      's_server',
      '-accept',
      `127.0.0.1:${port}`,
      '-cert',
      join(dir, 'cert.pem'),
      '-key',
      join(dir, 'key.pem'),
      '-rev',
      '-quiet',
    ]);
    await using client = new TCPClient({
      host: '127.0.0.1',
      port: peer.port,
      tls: { ca: certs.ca },
    });
    await client.connect();
    await client.send('hello tls\n');
    // -rev answers each line reversed.
    expect(await client.readLine({ timeout: 10_000 })).toBe('slt olleh');
  });
});

describe('TCPServer against real clients', () => {
  it.runIf(have.nc)(
    'answers `printf ping | nc -N` (a client that half-closes) and closes within its timeout',
    async () => {
      const server = new TCPServer({
        onConnection: async (conn) => {
          const chunks: Buffer[] = [];
          for (let c = await conn.receive(); c; c = await conn.receive()) chunks.push(c);
          // Reads ended with the client's FIN; writing still works.
          expect(conn.readEnded).toBe(true);
          await conn.send(`pong ${Buffer.concat(chunks).toString()}\n`);
        },
      });
      const { port } = await server.listen();
      const { stdout, code } = await runPeerClient(
        'nc.openbsd',
        ['-N', '127.0.0.1', String(port)],
        'ping',
      );
      expect(code).toBe(0);
      expect(stdout).toBe('pong ping\n');
      await server.close({ timeout: 500 });
    },
  );

  it('close({ timeout }) resolves by its timeout while a handler never returns and a send waits', async () => {
    let sendOutcome: unknown = 'pending';
    const server = new TCPServer({
      onConnection: async (conn) => {
        // The client never reads: this send waits for a drain that never comes…
        const big = Buffer.alloc(8 * 1024 * 1024);
        await conn.send(big).then(
          () => (sendOutcome = 'sent'),
          (err: unknown) => (sendOutcome = err),
        );
        // …and then the handler hangs forever.
        await new Promise(() => {});
      },
    });
    const { port } = await server.listen();
    await using stalled = await new Promise<TCPClient>((resolve, reject) => {
      const client = new TCPClient({ host: '127.0.0.1', port, highWaterMark: 1024 });
      client.connect().then(() => resolve(client), reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await server.close({ timeout: 300 });
    // Bounded by the timeout (plus scheduling slack on a busy machine), not by the handler.
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect.poll(() => sendOutcome).toBeInstanceOf(ConnectionError);
    expect(stalled.closed).toBe(false);
  });

  it.runIf(have.openssl)('serves TLS to openssl s_client', async () => {
    const certs = testCertificates();
    writeFileSync(join(dir, 'ca.pem'), certs.ca);
    await using server = new TCPServer({
      tls: { cert: certs.cert, key: certs.key },
      onConnection: async (conn) => {
        const line = await conn.readLine();
        await conn.send(`got ${line}\n`);
      },
    });
    const { port } = await server.listen();
    const { stdout } = await runPeerClient(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${port}`,
        '-CAfile',
        join(dir, 'ca.pem'),
        '-verify_return_error',
        '-quiet',
        '-ign_eof',
      ],
      'over openssl\n',
    );
    expect(stdout).toContain('got over openssl');
  });
});

describe('UDPClient against real peers', () => {
  it.runIf(have.socat)('gets replies from a socat UDP echo', async () => {
    await using peer = await startListeningPeer(
      'socat',
      (port) => [`UDP-RECVFROM:${port},bind=127.0.0.1,fork`, 'SYSTEM:cat'],
      { protocol: 'udp' },
    );
    await using udp = new UDPClient({ host: '127.0.0.1', port: peer.port });
    const reply = await udp.request('ping over udp', { timeout: 2_000, retries: 3 });
    expect(reply.data.toString()).toBe('ping over udp');
  });
});
