import { startTcpPeer, startUdpEcho } from '@net/test-utils/sockets';
import { closedPort, startHttpServer } from '@net/test-utils';
import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, runCli } from './run-cli.js';

describe.concurrent('net tcp, net udp and net scan', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('net tcp sends stdin and prints what comes back', async () => {
    await using peer = await startTcpPeer('echo');
    const r = await runCli(['tcp', '127.0.0.1', String(peer.port), '--wait', '300'], {
      stdin: 'hello\nworld\n',
    });
    expect(r).toMatchObject({ code: 0, stdout: 'hello\nworld\n' });
  });

  it('net tcp half-closes at the end of stdin, so a server that answers after EOF is heard', async () => {
    // Like `nc -N`: the server reads the whole request (until our FIN), then replies.
    const sockets = new Set<Socket>();
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      sockets.add(socket);
      let request = '';
      socket.on('data', (chunk: Buffer) => (request += chunk.toString()));
      socket.on('end', () => socket.end(`got ${request.length} bytes\n`));
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const r = await runCli(['tcp', '127.0.0.1', String(port), '--wait', '5000'], {
        stdin: 'ping\n',
      });
      expect(r).toMatchObject({ code: 0, stdout: 'got 5 bytes\n' });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('net tcp exits 6 when nothing listens', async () => {
    const r = await runCli(['tcp', '127.0.0.1', String(await closedPort())]);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/ConnectionError ERR_NET_CONNECTION_REFUSED/);
  });

  it('net udp sends each line as a datagram and prints the replies', async () => {
    await using echo = await startUdpEcho();
    const r = await runCli(['udp', '127.0.0.1', String(echo.port), '--wait', '300'], {
      stdin: 'one\ntwo\n',
    });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(['one', 'two']);
  });

  it('net scan prints a table, --json a report and --grepable nmap-style lines', async () => {
    await using open = await startHttpServer();
    const closed = await closedPort();
    const ports = `${open.port},${closed}`;
    const table = await runCli(['scan', '127.0.0.1', '-p', ports]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`${open.port}/tcp\\s+open`));
    expect(table.stdout).not.toMatch(new RegExp(`${closed}/tcp\\s+open`));

    const json = await runCli(['scan', '127.0.0.1', '-p', ports, '--json']);
    const report = JSON.parse(json.stdout) as {
      hosts: Array<{ ports: Array<{ port: number; state: string }> }>;
    };
    expect(report.hosts[0]!.ports.filter((p) => p.state === 'open').map((p) => p.port)).toEqual([
      open.port,
    ]);

    const grep = await runCli(['scan', '127.0.0.1', '-p', ports, '--grepable']);
    expect(grep.stdout).toMatch(
      new RegExp(`Host: 127\\.0\\.0\\.1.*Ports: .*${open.port}/open/tcp`),
    );
  });

  it('net scan refuses a bad port spec with exit 2', async () => {
    const r = await runCli(['scan', '127.0.0.1', '-p', '5-3']);
    expect(r.code).toBe(2);
  });
});

describe.concurrent('net scan flags', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('--timeout 0 means no limit, as in the library: the scan runs', async () => {
    await using open = await startHttpServer();
    const r = await runCli(['scan', '127.0.0.1', '-p', String(open.port), '--timeout', '0']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${open.port}/tcp\\s+open`));
  });

  it('usage errors are one net: line with exit 2, never a usage dump', async () => {
    for (const args of [
      ['scan', '127.0.0.1', '--timeout', '-1'],
      ['scan', '127.0.0.1', '--shard', '0/2'],
      ['scan', '127.0.0.1', '--order', 'sideways'],
      ['scan'],
      ['scan', '127.0.0.1', '--bogus'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^net: [^\n]+\n$/);
      expect(r.stdout).toBe('');
    }
    // A command group without its subcommand answers with its help on stderr, exit 2.
    const bare = await runCli(['sftp']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^Usage: net sftp/);
    expect(bare.stderr).not.toContain('net: ');
  });

  it('--order random without --seed names the seed, so other shards can repeat the permutation', async () => {
    await using a = await startHttpServer();
    const r = await runCli([
      'scan',
      '127.0.0.1',
      '-p',
      String(a.port),
      '--order',
      'random',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const seed = (JSON.parse(r.stdout) as { seed: number }).seed;
    expect(r.stderr).toContain(`--seed ${seed}`);
  });

  it('--no-host-discovery scans every target of a block', async () => {
    await using a = await startHttpServer();
    const r = await runCli([
      'scan',
      '127.0.0.1/31',
      '-p',
      String(a.port),
      '--no-host-discovery',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { hosts: Array<{ address: string; reason?: string }> };
    expect(report.hosts.map((h) => h.address)).toEqual(['127.0.0.0', '127.0.0.1']);
  });

  it('--shard I/N splits one seeded random-order scan: the shards together cover every port once', async () => {
    await using a = await startHttpServer();
    await using b = await startHttpServer();
    const closed = await closedPort();
    const ports = [a.port, b.port, closed].join(',');
    const found: number[] = [];
    let scanned = 0;
    for (const shard of ['1/2', '2/2']) {
      const r = await runCli([
        'scan',
        '127.0.0.1',
        '-p',
        ports,
        '--order',
        'random',
        '--seed',
        '7',
        '--shard',
        shard,
        '--json',
      ]);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as {
        hosts: Array<{
          ports: Array<{ port: number; state: string }>;
          counts: Record<string, number>;
        }>;
      };
      const host = report.hosts[0]!;
      found.push(...host.ports.filter((p) => p.state === 'open').map((p) => p.port));
      scanned += Object.values(host.counts).reduce((x, y) => x + y, 0);
    }
    expect(found.sort()).toEqual([a.port, b.port].sort());
    expect(scanned).toBe(3);
  });
});
