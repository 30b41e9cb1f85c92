import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWrites } from '../src/write-coalescing.js';

describe('coalesceWrites', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const fn of cleanup.splice(0)) fn();
  });

  it('holds the writes of one turn and sends them together, in order, on a real socket', async () => {
    const received: Buffer[] = [];
    const server = createServer((socket) => socket.on('data', (chunk) => received.push(chunk)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const client: Socket = connect(port, '127.0.0.1');
    cleanup.push(() => {
      client.destroy();
      server.close();
    });
    await once(client, 'connect');
    coalesceWrites(client);

    const callbacks: number[] = [];
    for (let i = 0; i < 100; i++)
      client.write(`${String(i).padStart(3, '0')},`, () => callbacks.push(i));
    // Still corked within this turn: all 400 bytes wait in the stream, none written yet.
    expect(client.writableLength).toBe(400);
    expect(client.writableCorked).toBe(1);

    await new Promise((resolve) => setImmediate(resolve));
    expect(client.writableCorked).toBe(0);
    const deadline = Date.now() + 5_000;
    while (Buffer.concat(received).length < 400 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const text = Buffer.concat(received).toString();
    expect(text).toBe(
      Array.from({ length: 100 }, (_, i) => `${String(i).padStart(3, '0')},`).join(''),
    );
    expect(callbacks).toEqual(Array.from({ length: 100 }, (_, i) => i));

    // A later turn corks again; a write after destroy neither throws nor corks.
    client.write('x');
    expect(client.writableCorked).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(client.writableCorked).toBe(0);
  });
});
