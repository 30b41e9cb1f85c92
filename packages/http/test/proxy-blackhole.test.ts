import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Issue 10 point 5, faithfully: a proxy whose SYNs are dropped (not a full accept queue), made
// inside a private network namespace with an nftables DROP rule, so no address outside the
// namespace is ever touched. The client runs in a child process in that namespace.
function namespaceSupport(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (unshare --net)';
  if (!existsSync('/usr/sbin/nft')) return 'needs nft (scripts/setup.sh installs nftables)';
  try {
    execFileSync('unshare', ['--net', 'true'], { stdio: 'ignore' });
  } catch {
    return 'unshare --net is not permitted here';
  }
  return undefined;
}

const reason = namespaceSupport();
if (reason) console.log(`black-holed proxy test skipped: ${reason}`);

const here = fileURLToPath(new URL('.', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

describe.skipIf(reason !== undefined)('a black-holed proxy (SYN dropped, in a namespace)', () => {
  it.each(['http', 'https'] as const)(
    'fails with ProxyError phase connect within the total budget, and the process exits (%s target)',
    async (scheme) => {
      const setup = [
        'set -e',
        'ip link set lo up',
        'ip addr add 10.77.0.1/24 dev lo',
        'nft add table inet blackhole',
        "nft add chain inet blackhole out '{ type filter hook output priority 0; }'",
        'nft add rule inet blackhole out ip daddr 10.77.0.2 tcp dport 3128 drop',
        `exec "${tsx}" --conditions=@net/source fixtures/blackhole-proxy.mts http://u:pw-s3cret@10.77.0.2:3128 ${scheme}://10.77.0.1:9/`,
      ].join('\n');
      const child = spawn('unshare', ['--net', 'sh', '-c', setup], {
        cwd: here,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let errOut = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (errOut += c.toString()));
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const [code] = (await once(child, 'exit')) as [number | null];
      clearTimeout(killer);
      expect(errOut.includes('Error') ? errOut : '').toBe('');
      // It exited by itself (not killed) once the client was closed.
      expect(code).toBe(0);
      const result = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
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
      const setup = [
        'set -e',
        'ip link set lo up',
        'ip addr add 10.77.0.1/24 dev lo',
        'nft add table inet lossy',
        "nft add chain inet lossy out '{ type filter hook output priority 0; }'",
        'nft add rule inet lossy out ip daddr 10.77.0.1 numgen random mod 100 \\< 20 drop',
        `exec "${tsx}" --conditions=@net/source fixtures/lossy-link.mts`,
      ].join('\n');
      const child = spawn('unshare', ['--net', 'sh', '-c', setup], {
        cwd: here,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let errOut = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (errOut += c.toString()));
      const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      const [code] = (await once(child, 'exit')) as [number | null];
      clearTimeout(killer);
      expect(errOut.includes('Error') ? errOut : '').toBe('');
      expect(code).toBe(0);
      const { total, outcomes } = JSON.parse(out.trim().split('\n').at(-1)!) as {
        total: number;
        outcomes: Array<{ ms: number; result: string }>;
      };
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
