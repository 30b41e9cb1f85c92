import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';

/**
 * Why fault tests in a private network namespace cannot run here, or undefined when they can:
 * they need root (`unshare --net`), nftables, and whatever binaries the caller lists.
 */
export function namespaceUnsupported(binaries: string[] = []): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (unshare --net)';
  for (const binary of ['/usr/sbin/nft', ...binaries]) {
    if (!existsSync(binary)) return `needs ${binary} (scripts/setup.sh installs it)`;
  }
  try {
    execFileSync('unshare', ['--net', 'true'], { stdio: 'ignore' });
  } catch {
    return 'unshare --net is not permitted here';
  }
  return undefined;
}

export interface NamespaceRun {
  /** Exit code, or null when it was killed at `timeoutMs`. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command` (a shell line) in a new network namespace whose `lo` is up and carries
 * 10.77.0.1/24, after `nft` rules (each an argument list for `nft add rule inet faults out …`,
 * applied on the output hook). Traffic can only reach addresses inside that namespace. The
 * process is killed at `timeoutMs`, so a hang fails the test instead of stalling it.
 */
export async function runInNamespace(options: {
  cwd: string;
  rules: string[];
  command: string;
  timeoutMs: number;
}): Promise<NamespaceRun> {
  const setup = [
    'set -e',
    'ip link set lo up',
    'ip addr add 10.77.0.1/24 dev lo',
    'nft add table inet faults',
    "nft add chain inet faults out '{ type filter hook output priority 0; }'",
    ...options.rules.map((rule) => `nft add rule inet faults out ${rule}`),
    `exec ${options.command}`,
  ].join('\n');
  const child = spawn('unshare', ['--net', 'sh', '-c', setup], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(killer);
  return { code, stdout, stderr };
}

/** The last stdout line of a namespace run, parsed as JSON (how the child scripts report). */
export function lastJsonLine<T>(run: NamespaceRun): T {
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as T;
}
