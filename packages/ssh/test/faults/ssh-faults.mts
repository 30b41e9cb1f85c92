// Run inside a private network namespace (see network-faults.test.ts). Two faults, chosen by
// argv[2]: 'blackhole' — a server whose SYNs are dropped; 'lossy' — an OpenSSH sshd on the
// namespace's own loopback with a share of every packet to it dropped. Prints one JSON line.
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startSshd } from '@net/test-utils/ssh';
import { NetworkError, SSHClient } from '../../src/index.js';

const mode = process.argv[2];

if (mode === 'blackhole') {
  const client = new SSHClient({
    host: '10.77.0.2',
    port: 22,
    username: 'nobody',
    password: 'pw-s3cret',
    hostKey: { policy: 'off' },
    readyTimeout: 1500,
  });
  const started = performance.now();
  const error = await client.connect().then(
    () => undefined,
    (e: unknown) => e,
  );
  await client.close();
  console.log(
    JSON.stringify({
      elapsedMs: Math.round(performance.now() - started),
      name: (error as Error | undefined)?.name,
      typed: error instanceof NetworkError,
      phase: (error as { phase?: string } | undefined)?.phase,
      message: (error as Error | undefined)?.message,
    }),
  );
} else {
  const sshd = await startSshd();
  const knownHostsPath = join(sshd.dir, 'known_hosts_client');
  writeFileSync(knownHostsPath, `${sshd.knownHostsLine}\n`);
  const payload = randomBytes(1024 * 1024);
  const local = join(sshd.dir, 'payload.bin');
  writeFileSync(local, payload);
  const client = new SSHClient({
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKeyPath: sshd.clientKey.privateKeyPath,
    hostKey: { knownHostsPath },
    readyTimeout: 20_000,
  });
  const result: Record<string, unknown> = {};
  try {
    await client.connect();
    const remote = join(sshd.dir, 'uploaded.bin');
    await client.upload(local, remote, { verify: 'sha256' });
    const back = join(sshd.dir, 'downloaded.bin');
    await client.download(remote, back, { verify: 'sha256' });
    result.roundTrip = Buffer.compare(await readFile(back), payload) === 0;
    const outputs = await Promise.all(
      Array.from({ length: 6 }, (_, i) => client.exec(['echo', `n${i}`]).then((r) => r.stdout)),
    );
    result.exec = outputs.join('');
  } catch (err) {
    result.error = `${(err as Error).name}: ${(err as Error).message}`;
  } finally {
    await client.close();
    await sshd.stop();
  }
  console.log(JSON.stringify(result));
}
