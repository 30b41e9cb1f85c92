import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { listenOnLoopback } from '../loopback-listener.js';

/**
 * How a raw peer misbehaves:
 * - 'no-answer': accepts TCP, reads the upgrade request, never answers it;
 * - 'silent': completes the upgrade, then never sends anything (no pongs, no close);
 * - 'malformed-frame': completes the upgrade, then sends a frame with a reserved opcode;
 * - 'drop': completes the upgrade, then destroys the TCP connection without a close frame;
 * - 'drop-on-data': completes the upgrade and destroys the connection when the first frame arrives;
 * - 'bad-accept': answers 101 with a wrong Sec-WebSocket-Accept;
 * - 'garbage': answers the upgrade request with bytes that are not HTTP.
 */
export type RawPeerBehavior =
  'no-answer' | 'silent' | 'malformed-frame' | 'drop' | 'drop-on-data' | 'bad-accept' | 'garbage';

export interface RawWsPeer extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Bytes received after each upgrade, per connection (masked frames, as sent). */
  readonly received: Buffer[];
  close(): Promise<void>;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

/** A hand-written WebSocket peer on a raw socket, for failures a real server never produces. */
export async function startRawWsPeer(
  behavior: RawPeerBehavior,
  host = '127.0.0.1',
): Promise<RawWsPeer> {
  const received: Buffer[] = [];
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    socket.on('error', () => {});
    let head = Buffer.alloc(0);
    let upgraded = false;
    const index = received.push(Buffer.alloc(0)) - 1;
    socket.on('data', (chunk: Buffer) => {
      if (upgraded) {
        received[index] = Buffer.concat([received[index]!, chunk]);
        if (behavior === 'drop-on-data') socket.destroy();
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0 || behavior === 'no-answer') return;
      const key =
        /sec-websocket-key:\s*(\S+)/i.exec(head.subarray(0, end).toString('latin1'))?.[1] ?? '';
      upgraded = true;
      if (behavior === 'garbage') {
        socket.end('SSH-2.0-not-http\r\n\r\n');
        return;
      }
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Accept: ${acceptKey(behavior === 'bad-accept' ? `${key}x` : key)}\r\n\r\n`,
      );
      if (behavior === 'malformed-frame') socket.write(Buffer.from([0x83, 0x00])); // FIN + reserved opcode 3
      if (behavior === 'drop') setTimeout(() => socket.destroy(), 20);
    });
  });
  const { port, close } = await listenOnLoopback(server, host);
  return {
    url: `ws://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    get connections() {
      return connections;
    },
    received,
    close,
    [Symbol.asyncDispose]: close,
  };
}
