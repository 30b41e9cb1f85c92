import fc from 'fast-check';
import { listenOn, pickPorts } from '@net/test-utils/sockets';
import { describe, expect, it } from 'vitest';
import { PortScanner } from '../src/port-scanner.js';
import type { ScanReport } from '../src/scan-report.js';
import { ScanOrder, shardRange } from '../src/scan-order.js';

function walk(
  size: number,
  order: 'sequential' | 'random',
  seed: number,
  shard?: { index: number; count: number },
) {
  const scanOrder = new ScanOrder(size, order, seed);
  const { first, step, count } = shardRange(size, shard);
  const out: number[] = [];
  for (let k = 0; k < count; k++) out.push(scanOrder.at(first + k * step));
  return out;
}

describe('ScanOrder', () => {
  it('is a permutation of the whole space for any size and seed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        (size, seed) => {
          const seen = walk(size, 'random', seed);
          expect(seen.length).toBe(size);
          expect(new Set(seen).size).toBe(size);
          expect(Math.min(...seen)).toBe(0);
          expect(Math.max(...seen)).toBe(size - 1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('splits into shards whose union is the space, with no element twice', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3_000 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.constantFrom('sequential' as const, 'random' as const),
        (size, count, seed, order) => {
          const all: number[] = [];
          for (let index = 1; index <= count; index++)
            all.push(...walk(size, order, seed, { index, count }));
          expect(all.length).toBe(size);
          expect(new Set(all).size).toBe(size);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('draws different orders from different seeds, the same from the same', () => {
    expect(walk(1_000, 'random', 7)).toEqual(walk(1_000, 'random', 7));
    expect(walk(1_000, 'random', 7)).not.toEqual(walk(1_000, 'random', 8));
    expect(walk(1_000, 'random', 7)).not.toEqual(walk(1_000, 'sequential', 7));
  });
});

function pairs(report: ScanReport): string[] {
  return report.hosts.flatMap((h) => h.ports.map((p) => `${h.address}:${p.port}:${p.state}`));
}

describe('sharded scans', () => {
  it('4 shards of a random-order scan together equal the unsharded scan, probing nothing twice', async () => {
    const ports = await pickPorts(12);
    const open = ports.slice(0, 3);
    const listeners = await Promise.all(open.map((port) => listenOn(port)));
    try {
      const targets = '127.0.0.1-6';
      const scanner = new PortScanner({ retries: 0 });
      const options = {
        ports,
        includeClosed: true,
        hostDiscovery: false,
        order: 'random',
        seed: 1234,
      } as const;
      const whole = await scanner.scan(targets, options);
      const parts: ScanReport[] = [];
      for (let index = 1; index <= 4; index++) {
        parts.push(await scanner.scan(targets, { ...options, shard: { index, count: 4 } }));
      }
      const union = parts.flatMap(pairs);
      expect(new Set(union).size).toBe(union.length);
      expect(union.sort()).toEqual(pairs(whole).sort());
      expect(parts.reduce((n, r) => n + r.stats.probes, 0)).toBe(6 * ports.length);
      expect(parts[1]!.shard).toEqual({ index: 2, count: 4 });
      expect(parts[1]!.seed).toBe(1234);
      // Only 127.0.0.1 listens; every other (host, port) is closed.
      expect(whole.hosts[0]!.ports.filter((p) => p.state === 'open').map((p) => p.port)).toEqual(
        open,
      );
    } finally {
      await Promise.all(listeners.map((l) => l.close()));
    }
  });

  it('requires a seed for a random-order shard, so every shard draws the same permutation', async () => {
    await expect(
      new PortScanner().scan('127.0.0.1', {
        ports: [1],
        order: 'random',
        shard: { index: 1, count: 2 },
      }),
    ).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
    await expect(
      new PortScanner().scan('127.0.0.1', { ports: [1], shard: { index: 3, count: 2 } }),
    ).rejects.toMatchObject({ name: 'RangeError' });
  });
});
