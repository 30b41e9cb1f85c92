import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, startHttpServer, testCertificates, type TestHttpServer } from '@net/test-utils';
import { startTcpPeer, startUdpEcho, type TcpPeer, type UdpPeer } from '@net/test-utils/sockets';
import { hasSshd, startInProcessSshServer, startSshd, type TestKeyPair } from '@net/test-utils/ssh';
import { startWsServer, type TestWsServer } from '@net/test-utils/ws';

/** What the demo needs of an SSH server, real or in-process. */
export interface DemoSshServer {
  host: string;
  port: number;
  username: string;
  clientKey: TestKeyPair;
  knownHostsLine: string;
  /** A folder on the server the demo may write to. */
  dir: string;
}

/** Every loopback server the demo drives. */
export interface DemoServers extends AsyncDisposable {
  http: TestHttpServer;
  https: TestHttpServer;
  ca: string;
  ws: TestWsServer;
  tcp: TcpPeer;
  udp: UdpPeer;
  /** The real OpenSSH server, or the in-process ssh2 server where none is installed. */
  ssh: DemoSshServer | undefined;
  sshNote: string;
}

/**
 * A small API: `/users/1` answers JSON, `/flaky` fails with 503 on every other call (so one
 * retry succeeds), `POST /orders` fails once with 503 and then creates the order.
 */
function demoApi() {
  let flakyCalls = 0;
  const seenOrderKeys = new Set<string>();
  return async (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/users/1') {
      res.end(JSON.stringify({ id: 1, name: 'Alice' }));
    } else if (req.url === '/flaky') {
      flakyCalls++;
      res.statusCode = flakyCalls % 2 === 1 ? 503 : 200;
      res.end(
        JSON.stringify(
          res.statusCode === 200 ? { ok: true, calls: flakyCalls } : { error: 'busy' },
        ),
      );
    } else if (req.url === '/orders' && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)).toString() || '{}') as Record<string, unknown>;
      const key = String(req.headers['idempotency-key'] ?? '');
      if (!seenOrderKeys.has(key)) {
        seenOrderKeys.add(key);
        res.statusCode = 503;
        res.end(JSON.stringify({ error: 'try again' }));
        return;
      }
      res.statusCode = 201;
      res.end(JSON.stringify({ ...body, id: 42, idempotencyKey: key }));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: 'not found' }));
    }
  };
}

/**
 * OpenSSH's sshd when installed, ssh2's in-process server otherwise (its keys come from
 * ssh-keygen, or from ssh2's own generator where ssh-keygen is missing). Should neither start,
 * every other step of the demo still runs: the SSH steps then fail with the reason.
 */
async function startSshServer(
  started: AsyncDisposable[],
): Promise<{ ssh: DemoSshServer | undefined; sshNote: string }> {
  try {
    if (hasSshd()) {
      const sshd = await startSshd();
      started.push(sshd);
      return { ssh: sshd, sshNote: `OpenSSH sshd on 127.0.0.1:${sshd.port}` };
    }
    // No openssh-server here: ssh2's server inside this process stands in for it.
    const server = await startInProcessSshServer();
    started.push(server);
    return {
      ssh: { ...server, dir: server.root },
      sshNote: `in-process ssh2 server on 127.0.0.1:${server.port} (no OpenSSH sshd installed)`,
    };
  } catch (err) {
    return { ssh: undefined, sshNote: `none could start (${(err as Error).message})` };
  }
}

export async function startDemoServers(): Promise<DemoServers> {
  const started: AsyncDisposable[] = [];
  try {
    const http = await startHttpServer(demoApi());
    started.push(http);
    const https = await startHttpServer(demoApi(), { tls: true });
    started.push(https);
    const ws = await startWsServer();
    started.push(ws);
    const tcp = await startTcpPeer('echo');
    started.push(tcp);
    const udp = await startUdpEcho();
    started.push(udp);
    const { ssh, sshNote } = await startSshServer(started);
    return {
      http,
      https,
      ca: testCertificates().ca,
      ws,
      tcp,
      udp,
      ssh,
      sshNote,
      async [Symbol.asyncDispose]() {
        for (const server of started.reverse()) await server[Symbol.asyncDispose]();
      },
    };
  } catch (err) {
    for (const server of started.reverse())
      await Promise.resolve(server[Symbol.asyncDispose]()).catch(() => {});
    throw err;
  }
}
