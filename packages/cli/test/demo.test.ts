import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe.concurrent('net demo', () => {
  it.each<[string, Record<string, string>]>([
    ['with OpenSSH sshd when installed', {}],
    // The demo must also work where openssh-server is missing: the in-process ssh2 server stands in.
    ['without sshd (NET_TEST_SSHD=0)', { NET_TEST_SSHD: '0' }],
  ])(
    'drives every client against loopback servers and reports every step ok, %s',
    async (_name, env) => {
      const r = await runCli(['demo'], { timeoutMs: 90_000, env });
      expect(r.stdout).not.toContain('✘');
      expect(r.stdout).toMatch(/(\d+) of \1 steps ok/);
      for (const area of ['http', 'https', 'ws', 'ssh', 'sftp', 'tcp', 'udp', 'scan']) {
        expect(r.stdout).toMatch(new RegExp(`✔ ${area}\\s`));
      }
      if (env['NET_TEST_SSHD'] === '0') expect(r.stdout).toContain('in-process ssh2 server');
      expect(r.code).toBe(0);
    },
    120_000,
  );
});
