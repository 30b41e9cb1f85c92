import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PortScanner } from '../src/port-scanner.js';
import { specialAddressKind } from '../src/special-address.js';
import { UDPClient } from '../src/udp-client.js';

// Multicast, broadcast and unspecified targets are refused before any packet: nothing in this
// file sends to them. The one test that lets them through (allowNonUnicast) runs in a private
// network namespace with only loopback, where no packet can leave.

const special = [
  '224.0.0.1',
  '239.255.255.250',
  '255.255.255.255',
  '0.0.0.0',
  '0.1.2.3',
  '::',
  'ff02::1',
  'ff05::1:3',
  '::ffff:224.0.0.1',
];

function lookupTo(address: string, family: number) {
  return (_name: string, _options: object, callback: (...args: unknown[]) => void) =>
    process.nextTick(() => callback(null, address, family));
}

describe('non-unicast targets', () => {
  it.each(special)('classifies %s as non-unicast', (address) => {
    expect(specialAddressKind(address)).toBeDefined();
  });

  it.each(['127.0.0.1', '10.0.0.255', '::1', 'fe80::1', '223.255.255.255'])(
    'leaves %s alone',
    (address) => {
      expect(specialAddressKind(address)).toBeUndefined();
    },
  );

  it.each(special)('UDPClient refuses %s with RangeError ERR_INVALID_ARG_VALUE', (host) => {
    expect(() => new UDPClient({ host, port: 9 })).toThrow(
      expect.objectContaining({ name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });

  it('UDPClient refuses a name that resolves to a multicast address, before any packet', async () => {
    await using udp = new UDPClient({
      host: 'group.invalid',
      port: 9,
      lookup: lookupTo('239.1.2.3', 4) as never,
    });
    await expect(udp.connect()).rejects.toMatchObject({
      name: 'RangeError',
      code: 'ERR_INVALID_ARG_VALUE',
    });
    await expect(udp.send('x')).rejects.toMatchObject({ name: 'RangeError' });
  });

  it.each(['224.0.0.0/30', '255.255.255.255', '0.0.0.0', 'ff02::1'])(
    'PortScanner refuses %s before any packet',
    async (target) => {
      for (const protocol of ['tcp', 'udp'] as const) {
        await expect(
          new PortScanner().scan(target, { ports: [9], protocol }),
        ).rejects.toMatchObject({ name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
      }
    },
  );

  it('PortScanner reports, and does not scan, a name that resolves to a broadcast address', async () => {
    const report = await new PortScanner({
      lookup: lookupTo('255.255.255.255', 4) as never,
    }).scan('everyone.invalid', { ports: [9], protocol: 'udp' });
    expect(report.hosts[0]!.error?.message).toMatch(/broadcast/);
    expect(report.stats.probes).toBe(0);
  });
});

function canUnshare(): boolean {
  try {
    execFileSync('unshare', ['--net', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const isolated = canUnshare();
if (!isolated)
  console.warn(
    'unshare --net is unavailable (not root?): the allowNonUnicast crash test is skipped',
  );

describe('non-unicast targets allowed explicitly (private network namespace)', () => {
  it.runIf(isolated)(
    'a UDP scan and UDPClient with allowNonUnicast never throw uncaught errors',
    () => {
      const child = join(
        dirname(fileURLToPath(import.meta.url)),
        'fixtures',
        'non-unicast-child.ts',
      );
      const result = spawnSync(
        'unshare',
        [
          '--net',
          'sh',
          '-c',
          `ip link set lo up && exec '${process.execPath}' --conditions=@net/source --import tsx '${child}' '${JSON.stringify(special)}'`,
        ],
        {
          cwd: join(dirname(fileURLToPath(import.meta.url)), '..'),
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(result.stderr).not.toMatch(/Uncaught|ERR_SOCKET_BAD_PORT/);
      expect(result.status).toBe(0);
      const outcome = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as {
        scanned: number;
        clientErrors: string[];
      };
      expect(outcome.scanned).toBe(special.length);
      // Every client either worked or failed with a typed error; none crashed the process.
      expect(outcome.clientErrors.every((name) => name === 'ok' || /Error$/.test(name))).toBe(true);
    },
  );
});
