import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

// Without sshd (the in-process SSH server) the demo is run by installed-cli.test.ts, from the
// packed and npm-installed CLI, as a user without openssh-server would run it.
describe('net demo', () => {
  it('drives every client against loopback servers and reports every step ok', async () => {
    const r = await runCli(['demo'], { timeoutMs: 90_000 });
    expect(r.stdout).not.toContain('✘');
    expect(r.stdout).toMatch(/(\d+) of \1 steps ok/);
    for (const area of ['http', 'https', 'ws', 'ssh', 'sftp', 'tcp', 'udp', 'scan']) {
      expect(r.stdout).toMatch(new RegExp(`✔ ${area}\\s`));
    }
    expect(r.code).toBe(0);
  }, 120_000);
});
