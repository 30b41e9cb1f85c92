import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HTTPClient } from '@net/http';
import { PortScanner, TCPClient, UDPClient } from '@net/sockets';
import { SSHClient } from '@net/ssh';
import { WebSocketClient } from '@net/ws';
import { formatScanTable } from '../run/scan-table.js';
import { startProgress } from '../progress.js';
import { startDemoServers, type DemoServers } from './demo-servers.js';

interface Step {
  area: string;
  what: string;
  result: string;
  ms: number;
  ok: boolean;
}

type Out = (line: string) => void;

/** No demo step may hang: each is cut off after this long. */
const STEP_TIMEOUT_MS = 20_000;

async function step(
  steps: Step[],
  out: Out,
  area: string,
  what: string,
  run: () => Promise<string>,
): Promise<void> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`step took longer than ${STEP_TIMEOUT_MS} ms`)),
          STEP_TIMEOUT_MS,
        );
      }),
    ]);
    steps.push({ area, what, result, ms: performance.now() - start, ok: true });
    out(`  ✔ ${area.padEnd(7)} ${what}: ${result}`);
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    steps.push({ area, what, result: message, ms: performance.now() - start, ok: false });
    out(`  ✘ ${area.padEnd(7)} ${what}: ${message}`);
  } finally {
    clearTimeout(timer);
  }
}

async function httpSteps(s: DemoServers, steps: Step[], out: Out): Promise<void> {
  const client = new HTTPClient({ timeout: 5_000, maxRetries: 2, retry: { baseDelay: 50 } });
  try {
    await step(steps, out, 'http', `GET ${s.http.url}/users/1`, async () => {
      const r = await client.get(`${s.http.url}/users/1`);
      return `${r.statusCode} ${JSON.stringify(r.json())}`;
    });
    await step(steps, out, 'http', 'GET /flaky (503, then retried)', async () => {
      const r = await client.get(`${s.http.url}/flaky`);
      return `${r.statusCode} after ${r.retryCount} retry`;
    });
    await step(
      steps,
      out,
      'http',
      'POST /orders with an Idempotency-Key (503, then retried)',
      async () => {
        const r = await client.post(`${s.http.url}/orders`, {
          json: { item: 'book' },
          idempotencyKey: 'order-7',
        });
        return `${r.statusCode} ${JSON.stringify(r.json())} after ${r.retryCount} retry`;
      },
    );
    await step(steps, out, 'http', 'POST /orders without a key is not retried', async () => {
      const r = await client.post(`${s.http.url}/orders`, {
        json: { item: 'pen' },
        throwHttpErrors: false,
      });
      return `${r.statusCode}, retries: ${r.retryCount}`;
    });
  } finally {
    await client.close();
  }
  const tls = new HTTPClient({ tls: { ca: s.ca } });
  try {
    await step(
      steps,
      out,
      'https',
      `GET ${s.https.url}/users/1 (verified against the test CA)`,
      async () => {
        const r = await tls.get(`${s.https.url}/users/1`);
        return `${r.statusCode} ${r.json<{ name: string }>().name}`;
      },
    );
  } finally {
    await tls.close();
  }
}

async function wsSteps(s: DemoServers, steps: Step[], out: Out): Promise<void> {
  const client = new WebSocketClient({
    url: s.ws.url,
    reconnect: { initialDelay: 50, maxDelay: 500 },
  });
  let reconnects = 0;
  const off = client.on('reconnecting', () => reconnects++);
  const messages = client.messages();
  const next = async () => {
    const { value, done } = await messages.next();
    if (done) throw new Error('stream ended');
    return value.json<{ n: number }>();
  };
  try {
    await step(steps, out, 'ws', `connect ${s.ws.url}, send JSON, read the echo`, async () => {
      await client.connect();
      client.send({ n: 1 });
      return `echo ${JSON.stringify(await next())}`;
    });
    await step(
      steps,
      out,
      'ws',
      'server restarts; the client reconnects and the queued message arrives',
      async () => {
        const noticed = new Promise<void>((resolve) => {
          const offOnce = client.on('reconnecting', () => {
            offOnce();
            resolve();
          });
        });
        await s.ws.stop();
        await noticed;
        // Sent while disconnected: kept in the bounded queue and flushed after the reconnect.
        client.send({ n: 2 });
        await s.ws.start();
        return `echo ${JSON.stringify(await next())} after ${reconnects} reconnect attempt(s)`;
      },
    );
  } finally {
    off();
    await client.close();
  }
}

async function sshSteps(s: DemoServers, steps: Step[], out: Out): Promise<void> {
  const sshd = s.ssh;
  if (!sshd) {
    await step(steps, out, 'ssh', 'start an SSH server', () =>
      Promise.reject(new Error(`no SSH server: ${s.sshNote}`)),
    );
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'net-demo-'));
  const knownHosts = join(dir, 'known_hosts');
  await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
  const client = new SSHClient({
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKey: sshd.clientKey.privateKey,
    hostKey: { policy: 'strict', knownHostsPath: knownHosts },
  });
  try {
    await step(
      steps,
      out,
      'ssh',
      `connect to ${sshd.host}:${sshd.port} (host key checked against known_hosts)`,
      async () => {
        await client.connect();
        return 'host key verified';
      },
    );
    await step(steps, out, 'ssh', "exec ['printf', '%s|', 'a b', '$(id)']", async () => {
      const r = await client.exec(['printf', '%s|', 'a b', '$(id)']);
      return `stdout ${JSON.stringify(r.stdout)}, exit ${r.exitCode}`;
    });
    const local = join(dir, 'payload.bin');
    const data = randomBytes(8 * 1024 * 1024);
    await writeFile(local, data);
    const remote = join(sshd.dir, 'upload.bin');
    await step(steps, out, 'sftp', 'upload 8 MiB, atomic, verified by sha256', async () => {
      const progress = startProgress('  upload', 'bytes', true);
      try {
        await client.upload(local, remote, {
          verify: 'sha256',
          onProgress: (p) => progress.update(p.transferred, p.total),
        });
      } finally {
        progress.stop();
      }
      const remoteHash = (await client.exec(['sha256sum', remote])).stdout.split(' ')[0];
      const localHash = createHash('sha256').update(data).digest('hex');
      return remoteHash === localHash
        ? `sha256 ${localHash.slice(0, 16)}… matches`
        : 'HASH MISMATCH';
    });
  } finally {
    await client.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function socketSteps(s: DemoServers, steps: Step[], out: Out): Promise<void> {
  await step(steps, out, 'tcp', `echo a line through 127.0.0.1:${s.tcp.port}`, async () => {
    const client = new TCPClient({ host: s.tcp.host, port: s.tcp.port, timeout: 2_000 });
    try {
      await client.connect();
      await client.send('hello over tcp\n');
      return JSON.stringify(await client.readLine());
    } finally {
      await client.close();
    }
  });
  await step(steps, out, 'udp', `request/response with 127.0.0.1:${s.udp.port}`, async () => {
    const client = new UDPClient({ host: s.udp.host, port: s.udp.port, timeout: 1_000 });
    try {
      const reply = await client.request('ping over udp', { retries: 2 });
      return JSON.stringify(reply.data.toString());
    } finally {
      await client.close();
    }
  });
}

async function scanStep(s: DemoServers, steps: Step[], out: Out): Promise<void> {
  const ports = [s.http.port, s.https.port, s.ws.port, s.tcp.port];
  if (s.ssh) ports.push(s.ssh.port);
  await step(steps, out, 'scan', `TCP scan of the demo's own ports on 127.0.0.1`, async () => {
    const report = await new PortScanner({ timeout: 500 }).scan('127.0.0.1', {
      ports,
      banner: true,
    });
    const open = report.hosts[0]?.ports.filter((p) => p.state === 'open').length ?? 0;
    out(formatScanTable(report).replace(/^/gm, '      ').trimEnd());
    return `${open} of ${ports.length} open`;
  });
}

/** Starts the loopback servers, drives every client, prints a summary; returns failures. */
export async function runDemo(out: Out): Promise<number> {
  out('@net demo: every server below runs on loopback and is stopped at the end.\n');
  const steps: Step[] = [];
  const started = performance.now();
  await using servers = await startDemoServers();
  out(`servers: http ${servers.http.url}, https ${servers.https.url}, ws ${servers.ws.url},`);
  out(
    `         tcp echo :${servers.tcp.port}, udp echo :${servers.udp.port}, ssh: ${servers.sshNote}\n`,
  );
  await httpSteps(servers, steps, out);
  await wsSteps(servers, steps, out);
  await sshSteps(servers, steps, out);
  await socketSteps(servers, steps, out);
  await scanStep(servers, steps, out);
  const failed = steps.filter((st) => !st.ok).length;
  out('\nsummary');
  out('| area | step | ms | result |');
  out('|---|---|---:|---|');
  for (const st of steps)
    out(`| ${st.area} | ${st.what} | ${st.ms.toFixed(0)} | ${st.ok ? 'ok' : 'FAILED'} |`);
  out(
    `\n${steps.length - failed} of ${steps.length} steps ok in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return failed;
}
