import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('net demo', () => {
  it('drives every client against loopback servers and reports every step ok', async () => {
    const r = await runCli(['demo'], { timeoutMs: 90_000 });
    expect(r.stderr).not.toMatch(/✘/);
    expect(r.stdout).not.toContain('✘');
    expect(r.stdout).toMatch(/(\d+) of \1 steps ok/);
    for (const area of ['http', 'https', 'ws', 'tcp', 'udp', 'scan'])
      expect(r.stdout).toMatch(new RegExp(`✔ ${area}\\s`));
    expect(r.code).toBe(0);
  }, 120_000);
});
