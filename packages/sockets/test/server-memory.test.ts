import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TCPServer } from '../src/tcp-server.js';

// The README's worst case for TCPServer's defaults: per connection at most highWaterMark bytes
// queued (plus the chunk that crossed it) and 64 KiB in each of the socket stream's buffers —
// highWaterMark + 192 KiB, 256 KiB with the defaults. Measured in a child process, whose Buffer
// memory holds nothing else, against clients that each send 1 MiB to a handler that never reads.

const CLIENTS = 200;
const PER_CLIENT = 1024 * 1024;
const WORST_PER_CONNECTION = TCPServer.defaults.highWaterMark + 192 * 1024;

describe('TCPServer memory with its defaults', () => {
  it(`holds at most highWaterMark + 192 KiB per connection when ${CLIENTS} clients each send 1 MiB that nothing reads`, async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--conditions=@net/source',
        '--import',
        'tsx',
        join(here, 'fixtures', 'memory-server-child.ts'),
      ],
      { cwd: join(here, '..'), stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const sockets: Socket[] = [];
    try {
      const { port } = JSON.parse((await lines.next()).value as string) as { port: number };
      const payload = Buffer.alloc(PER_CLIENT, 0x78);
      for (let i = 0; i < CLIENTS; i++) {
        const socket = connect({ host: '127.0.0.1', port });
        socket.on('error', () => {});
        socket.write(payload);
        sockets.push(socket);
      }
      // Let the server take in all it will: its reads stop once every connection is paused.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      child.stdin.write('measure\n');
      const stats = JSON.parse((await lines.next()).value as string) as {
        connections: number;
        arrayBuffersGrowth: number;
        rssGrowth: number;
        maxQueued: number;
      };
      console.log(
        `TCPServer defaults, ${stats.connections} idle clients × 1 MiB: Buffer memory +${(stats.arrayBuffersGrowth / 2 ** 20).toFixed(1)} MiB, RSS +${(stats.rssGrowth / 2 ** 20).toFixed(1)} MiB, largest queue ${stats.maxQueued} bytes`,
      );
      // A scan in another test file may add a connection or two to the clients: bound by all.
      expect(stats.connections).toBeGreaterThanOrEqual(CLIENTS);
      expect(stats.maxQueued).toBeLessThanOrEqual(TCPServer.defaults.highWaterMark + 64 * 1024);
      expect(stats.arrayBuffersGrowth).toBeLessThan(stats.connections * WORST_PER_CONNECTION);
    } finally {
      for (const socket of sockets) socket.destroy();
      child.kill('SIGKILL');
      await exited;
    }
  }, 60_000);
});
