import { fileURLToPath } from 'node:url';
import { lastJsonLine, namespaceUnsupported, runInNamespace } from '@net/test-utils';
import { describe, expect, it } from 'vitest';

// Issue 10 point 5, faithfully: a proxy whose SYNs are dropped (not a full accept queue), made
// inside a private network namespace with an nftables DROP rule, so no address outside the
// namespace is ever touched. The client runs in a child process in that namespace.
const reason = namespaceUnsupported();
if (reason) console.log(`black-holed proxy test skipped: ${reason}`);

const here = fileURLToPath(new URL('.', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

describe.skipIf(reason !== undefined)('a black-holed proxy (SYN dropped, in a namespace)', () => {
  it.each(['http', 'https'] as const)(
    'fails with ProxyError phase connect within the total budget, and the process exits (%s target)',
    async (scheme) => {
      const run = await runInNamespace({
        cwd: here,
        rules: ['ip daddr 10.77.0.2 tcp dport 3128 drop'],
        command: `"${tsx}" --conditions=@net/source fixtures/blackhole-proxy.mts http://u:pw-s3cret@10.77.0.2:3128 ${scheme}://10.77.0.1:9/`,
        timeoutMs: 30_000,
      });
      const { code, stderr: errOut } = run;
      expect(errOut.includes('Error') ? errOut : '').toBe('');
      // It exited by itself (not killed) once the client was closed.
      expect(code).toBe(0);
      const result = lastJsonLine<Record<string, unknown>>(run);
      expect(result).toMatchObject({
        isProxyError: true,
        causeName: 'NetworkTimeoutError',
        phase: 'connect',
      });
      expect(result.message).toContain('10.77.0.2:3128');
      expect(result.message).not.toContain('pw-s3cret');
      expect(result.elapsedMs as number).toBeLessThan(3000 + 1000);
    },
    40_000,
  );
});

describe.skipIf(reason !== undefined)(
  'a lossy link (20 % of packets dropped, in a namespace)',
  () => {
    it('settles every call within its total budget, as a success or a typed error', async () => {
      const run = await runInNamespace({
        cwd: here,
        rules: ['ip daddr 10.77.0.1 numgen random mod 100 \\< 20 drop'],
        command: `"${tsx}" --conditions=@net/source fixtures/lossy-link.mts`,
        timeoutMs: 40_000,
      });
      const { code, stderr: errOut } = run;
      expect(errOut.includes('Error') ? errOut : '').toBe('');
      expect(code).toBe(0);
      const { total, outcomes } = lastJsonLine<{
        total: number;
        outcomes: Array<{ ms: number; result: string }>;
      }>(run);
      expect(outcomes).toHaveLength(40);
      for (const { ms, result } of outcomes) {
        expect(result).toMatch(/^(ok 200|NetworkTimeoutError|ConnectionError)/);
        // Generous slack for a loaded machine: the point is that no call outlives its budget.
        expect(ms).toBeLessThan(total + 1000);
      }
      // 20 % loss slows calls down but most still get through.
      expect(outcomes.filter((o) => o.result === 'ok 200').length).toBeGreaterThan(10);
    }, 60_000);
  },
);
