import { fileURLToPath } from 'node:url';
import { lastJsonLine, namespaceUnsupported, runInNamespace } from '@net/test-utils';
import { describe, expect, it } from 'vitest';

// Issue 11: faults on a real network path, made inside a private network namespace with
// nftables rules, so nothing outside the namespace is ever addressed. The client (and for the
// lossy link, OpenSSH's sshd) runs in a child process inside that namespace.
const reason = namespaceUnsupported(['/usr/sbin/sshd']);
if (reason) console.log(`@net/ssh network fault tests skipped: ${reason}`);

const here = fileURLToPath(new URL('.', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

async function inNamespace(rules: string[], mode: string): Promise<Record<string, unknown>> {
  const run = await runInNamespace({
    cwd: here,
    rules,
    command: `"${tsx}" --conditions=@net/source faults/ssh-faults.mts ${mode}`,
    timeoutMs: 90_000,
  });
  const { code, stderr: errOut } = run;
  // It exited by itself once the client was closed: nothing was left holding the loop open.
  expect({ code, errOut: code === 0 ? '' : errOut }).toEqual({ code: 0, errOut: '' });
  return lastJsonLine<Record<string, unknown>>(run);
}

describe.skipIf(reason !== undefined)('@net/ssh under network faults (in a namespace)', () => {
  it('a black-holed server (SYN dropped) fails with a typed timeout within readyTimeout, no secret in it', async () => {
    const result = await inNamespace(['ip daddr 10.77.0.2 tcp dport 22 drop'], 'blackhole');
    expect(result).toMatchObject({ name: 'NetworkTimeoutError', typed: true });
    expect(['connect', 'handshake']).toContain(result.phase);
    expect(result.message).toContain('10.77.0.2');
    expect(result.message).not.toContain('pw-s3cret');
    expect(result.elapsedMs as number).toBeLessThan(1500 + 2500);
  }, 60_000);

  it('over a link that drops 3 % of packets, verified transfers and exec calls still complete', async () => {
    const result = await inNamespace(
      ['ip daddr 127.0.0.1 numgen random mod 100 \\< 3 drop'],
      'lossy',
    );
    expect(result).toEqual({ roundTrip: true, exec: 'n0\nn1\nn2\nn3\nn4\nn5\n' });
  }, 120_000);
});
