import { AbortError, DNSResolutionError } from '@net/errors';
import { expectNoLeakedHandles, snapshotHandles, invalidLookup } from '@net/test-utils';
import {
  hasNmap,
  listenOn,
  nmapScan,
  pickPorts,
  startBlackhole,
  startTcpPeer,
  startUdpEcho,
  type FixedListener,
  type UdpPeer,
} from '@net/test-utils/sockets';
import { createHook } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortScanner } from '../src/port-scanner.js';
import { portScannerDefaults } from '../src/port-scanner-options.js';
import type { ScanReport } from '../src/scan-report.js';
import { toGreppable } from '../src/scan-report.js';
import { loadTcpWrap } from '../src/tcp-wrap-binding.js';

// Every scan in this file targets 127.0.0.0/8 or ::1 only, on ports chosen below the ephemeral
// range so that other processes' listeners cannot disturb the exact assertions.

const fixture = {
  all: [] as number[],
  open: [] as number[],
  blackhole: 0,
  closed: [] as number[],
  udpOpen: [] as number[],
  udpSilent: 0,
  listeners: [] as Array<FixedListener | UdpPeer>,
};

/** Worker threads started since the call and not yet ended (test-utils' snapshot covers sockets and timers). */
function watchWorkers(): { live: () => number; stop: () => void } {
  const live = new Set<number>();
  const hook = createHook({
    init: (id, type) => {
      if (type === 'WORKER') live.add(id);
    },
    destroy: (id) => {
      live.delete(id);
    },
  }).enable();
  return { live: () => live.size, stop: () => hook.disable() };
}

async function expectWorkersEnded(watch: { live: () => number; stop: () => void }) {
  try {
    for (let i = 0; i < 50 && watch.live() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(watch.live()).toBe(0);
  } finally {
    watch.stop();
  }
}

function statesOf(report: ScanReport, host = 0): Map<number, string> {
  return new Map(report.hosts[host]!.ports.map((p) => [p.port, p.state]));
}

function portsIn(report: ScanReport, state: string, host = 0): number[] {
  return report.hosts[host]!.ports.filter((p) => p.state === state).map((p) => p.port);
}

beforeAll(async () => {
  const ports = await pickPorts(13);
  fixture.all = ports.slice(0, 10);
  fixture.open = ports.slice(0, 5);
  fixture.blackhole = ports[5]!;
  fixture.closed = ports.slice(6, 10);
  fixture.udpOpen = ports.slice(10, 12);
  fixture.udpSilent = ports[12]!;
  for (const port of fixture.open.slice(0, 4)) fixture.listeners.push(await listenOn(port));
  // One listener that accepts and hangs up at once: still open to a connect scan.
  fixture.listeners.push(await listenOn(fixture.open[4]!, '127.0.0.1', 'accept-close'));
  fixture.listeners.push(await startBlackhole(fixture.blackhole));
  for (const port of fixture.udpOpen) fixture.listeners.push(await startUdpEcho({ port }));
  fixture.listeners.push(await startUdpEcho({ port: fixture.udpSilent, silent: true }));
});

afterAll(async () => {
  await Promise.all(fixture.listeners.map((l) => l.close()));
});

describe('PortScanner engines', () => {
  it('has the libuv handle engine on this Node.js (20, 22 and 24 ship the tcp_wrap binding)', () => {
    expect(loadTcpWrap()).not.toBeNull();
  });
});

describe.each(['handle', 'socket'] as const)('PortScanner TCP (%s engine)', (engine) => {
  it('reports exactly the listeners as open, the blackhole as filtered and the rest as closed', async () => {
    const before = snapshotHandles();
    const scanner = new PortScanner({ engine, timeout: 300, retries: 1 });
    const report = await scanner.scan('127.0.0.1', { ports: fixture.all, includeClosed: true });
    expect(report.engine).toBe(engine);
    expect(portsIn(report, 'open')).toEqual(fixture.open);
    expect(portsIn(report, 'filtered')).toEqual([fixture.blackhole]);
    expect(portsIn(report, 'closed')).toEqual(fixture.closed);
    expect(report.hosts[0]).toMatchObject({
      host: '127.0.0.1',
      address: '127.0.0.1',
      up: true,
      counts: { open: 5, closed: 4, filtered: 1 },
    });
    const open = report.hosts[0]!.ports.find((p) => p.state === 'open')!;
    expect(open).toMatchObject({ protocol: 'tcp', reason: 'syn-ack' });
    expect(open.rtt).toBeGreaterThanOrEqual(0);
    expect(report.hosts[0]!.ports.find((p) => p.state === 'closed')).toMatchObject({
      reason: 'conn-refused',
    });
    expect(report.hosts[0]!.ports.find((p) => p.state === 'filtered')).toMatchObject({
      reason: 'no-response',
    });
    expect(report.stats.retries).toBe(1);
    // Ten attempts: too few to start a worker thread for.
    expect(report.stats.workers).toBe(0);
    await expectNoLeakedHandles(before);
  });

  it('scans ::1 exactly', async () => {
    const ports = await pickPorts(4, '::1');
    const listeners = await Promise.all(ports.slice(0, 2).map((p) => listenOn(p, '::1')));
    try {
      const report = await new PortScanner({ engine, timeout: 500 }).scan('::1', { ports });
      expect(report.hosts[0]).toMatchObject({ host: '::1', address: '::1' });
      expect(portsIn(report, 'open')).toEqual(ports.slice(0, 2));
      expect(report.hosts[0]!.counts.closed).toBe(2);
    } finally {
      await Promise.all(listeners.map((l) => l.close()));
    }
  });
});

describe('PortScanner TCP', () => {
  it('agrees with nmap -sT on the same ports of 127.0.0.1', async (ctx) => {
    if (!(await hasNmap())) {
      console.warn('nmap is not installed: skipping the nmap comparison');
      ctx.skip();
    }
    const report = await new PortScanner({ timeout: 300 }).scan('127.0.0.1', {
      ports: fixture.all,
      includeClosed: true,
    });
    const nmap = await nmapScan('127.0.0.1', fixture.all);
    const nmapOpen = [...nmap]
      .filter(([, s]) => s === 'open')
      .map(([p]) => p)
      .sort((a, b) => a - b);
    expect(portsIn(report, 'open')).toEqual(nmapOpen);
    expect(nmapOpen).toEqual(fixture.open);
    expect(nmap.get(fixture.blackhole)).toBe('filtered');
  });

  it('spreads a large scan over a worker thread with the same results, and stops the worker', async () => {
    const before = snapshotHandles();
    const workers = watchWorkers();
    // 4 096 ports below the fixture range pad the scan to enough attempts for a worker; other
    // processes may listen there, so only the fixture's ports are asserted exactly.
    const padding = Array.from({ length: 4_096 }, (_, i) => i + 1);
    const report = await new PortScanner({ workers: 1, timeout: 300, retries: 1 }).scan(
      '127.0.0.1',
      { ports: [...padding, ...fixture.all], includeClosed: true },
    );
    expect(report.engine).toBe('handle');
    expect(report.stats.workers).toBe(1);
    expect(report.stats.probes).toBeGreaterThanOrEqual(padding.length + fixture.all.length);
    const states = statesOf(report);
    expect(fixture.open.map((p) => states.get(p))).toEqual(fixture.open.map(() => 'open'));
    expect(states.get(fixture.blackhole)).toBe('filtered');
    expect(fixture.closed.map((p) => states.get(p))).toEqual(fixture.closed.map(() => 'closed'));
    expect(report.hosts[0]!.ports.length).toBe(padding.length + fixture.all.length);
    await expectNoLeakedHandles(before);
    await expectWorkersEnded(workers);
  });

  it('scans several loopback hosts from a range, and resolves names (unresolvable ones are reported, not fatal)', async () => {
    const report = await new PortScanner({ timeout: 300, retries: 0, lookup: invalidLookup }).scan(
      ['127.0.0.1-2', 'localhost', 'nothing.invalid'],
      {
        ports: fixture.open,
      },
    );
    expect(report.hosts.map((h) => h.host)).toEqual([
      '127.0.0.1',
      '127.0.0.2',
      'localhost',
      'nothing.invalid',
    ]);
    expect(portsIn(report, 'open', 0)).toEqual(fixture.open);
    // The listeners are bound to 127.0.0.1 only.
    expect(report.hosts[1]!.counts.closed).toBe(fixture.open.length);
    expect(report.hosts[2]!.address).toMatch(/^(127\.0\.0\.1|::1)$/);
    expect(report.hosts[3]!.error).toBeInstanceOf(DNSResolutionError);
    expect(report.hosts[3]!.ports).toEqual([]);
  });

  it('grabs banners of services that speak first', async () => {
    const [port] = await pickPorts(1);
    await using peer = await startTcpPeer('stall', {
      port: port!,
      greeting: 'SSH-2.0-Test_1.0\r\n',
    });
    const report = await new PortScanner().scan('127.0.0.1', {
      ports: [peer.port, fixture.open[0]!],
      banner: { timeout: 300 },
    });
    const byPort = new Map(report.hosts[0]!.ports.map((p) => [p.port, p]));
    expect(byPort.get(peer.port)?.banner).toBe('SSH-2.0-Test_1.0\\r\\n');
    expect(byPort.get(fixture.open[0]!)?.banner).toBeUndefined();
  });

  it('streams results as they come and stops the scan when the consumer breaks out', async () => {
    const before = snapshotHandles();
    const scanner = new PortScanner({ timeout: 300 });
    const seen: number[] = [];
    for await (const result of scanner.scanStream('127.0.0.1', { ports: fixture.all })) {
      expect(result.state).not.toBe('closed');
      seen.push(result.port);
    }
    expect(seen.sort((a, b) => a - b)).toEqual(
      [...fixture.open, fixture.blackhole].sort((a, b) => a - b),
    );
    for await (const result of scanner.scanStream('127.0.0.1', {
      ports: 'all',
      includeClosed: true,
    })) {
      // Streamed as it came: from the first window of attempts, not after 65 535 ports. Which
      // port of that window answers first is the kernel's and the worker thread's business.
      expect(result.port).toBeLessThanOrEqual(portScannerDefaults.concurrency);
      break;
    }
    await expectNoLeakedHandles(before);
  });

  it('reports progress up to completion', async () => {
    const progress: number[] = [];
    await new PortScanner({ timeout: 300 }).scan('127.0.0.1', {
      ports: '1-2000',
      onProgress: (p) => {
        expect(p.total).toBe(2000);
        progress.push(p.done);
      },
    });
    expect(progress.at(-1)).toBe(2000);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('stops at once when aborted, with AbortError, leaving no handle or worker open', async () => {
    const before = snapshotHandles();
    const workers = watchWorkers();
    const controller = new AbortController();
    const pending = new PortScanner({ timeout: 300, workers: 1 }).scan('127.0.0.1', {
      ports: 'all',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done > 1000) controller.abort();
      },
    });
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    await expectNoLeakedHandles(before);
    await expectWorkersEnded(workers);
    const aborted = AbortSignal.abort();
    await expect(
      new PortScanner().scan('127.0.0.1', { ports: [80], signal: aborted }),
    ).rejects.toBeInstanceOf(AbortError);
  });

  it('honours a rate limit', async () => {
    const started = performance.now();
    const report = await new PortScanner({ rate: 100, timeout: 300 }).scan('127.0.0.1', {
      ports: [...fixture.open, ...fixture.closed],
    });
    // 9 attempts at 100/s, starting with one token: the last waits ~80 ms (a lower bound only).
    expect(performance.now() - started).toBeGreaterThanOrEqual(60);
    expect(report.stats.probes).toBe(9);
  });

  it('writes greppable and JSON output', async () => {
    const report = await new PortScanner({ timeout: 300 }).scan('127.0.0.1', {
      ports: fixture.all,
    });
    const grep = toGreppable(report);
    const lines = grep.trim().split('\n');
    expect(lines[1]).toBe('Host: 127.0.0.1 ()\tStatus: Up');
    expect(lines[2]).toBe(
      `Host: 127.0.0.1 ()\tPorts: ${[
        ...fixture.open.map((p) => `${p}/open/tcp/////`),
        `${fixture.blackhole}/filtered/tcp/////`,
      ]
        .sort((a, b) => parseInt(a) - parseInt(b))
        .join(', ')}\tIgnored State: closed (4)`,
    );
    expect(lines.at(-1)).toMatch(
      /^# done at .* -- 1 IP address \(1 host up\) scanned in [\d.]+ seconds$/,
    );
    const json = JSON.parse(JSON.stringify(report));
    expect(json.hosts[0].ports).toHaveLength(6);
    expect(json.stats.probes).toBeGreaterThanOrEqual(10);
  });

  it('answers isPortOpen()', async () => {
    expect(await PortScanner.isPortOpen('127.0.0.1', fixture.open[0]!)).toBe(true);
    expect(await PortScanner.isPortOpen('127.0.0.1', fixture.closed[0]!)).toBe(false);
    await expect(PortScanner.isPortOpen('127.0.0.1', 0)).rejects.toBeInstanceOf(RangeError);
    await expect(
      PortScanner.isPortOpen('x.invalid', 80, { lookup: invalidLookup }),
    ).rejects.toBeInstanceOf(DNSResolutionError);
  });

  it.each([
    ['127.0.0.1', { ports: '0' }, RangeError],
    ['127.0.0.1', { ports: '70000' }, RangeError],
    ['127.0.0.1', { ports: '5-3' }, RangeError],
    ['127.0.0.1', { ports: 'everything' }, TypeError],
    ['127.0.0.1/33', { ports: [80] }, RangeError],
    ['garbage!', { ports: [80] }, TypeError],
    ['10.0.0.0/8', { ports: [80] }, RangeError],
    ['127.0.0.1', { ports: [80], protocol: 'sctp' }, TypeError],
  ])('rejects scan(%j, %j) with %s before sending anything', async (targets, options, type) => {
    const before = snapshotHandles();
    let pending: Promise<unknown> | undefined;
    expect(() => (pending = new PortScanner().scan(targets, options as never))).not.toThrow();
    await expect(pending).rejects.toBeInstanceOf(type);
    await expectNoLeakedHandles(before, 200);
  });

  it('throws on bad constructor options', () => {
    expect(() => new PortScanner({ concurrency: 0 })).toThrow(RangeError);
    expect(() => new PortScanner({ retries: -1 })).toThrow(RangeError);
    expect(() => new PortScanner({ engine: 'raw' as never })).toThrow(TypeError);
    expect(() => new PortScanner({ timeout: -1 })).toThrow(RangeError);
    expect(() => new PortScanner({ timout: 5 } as never)).toThrow(/Did you mean 'timeout'/);
    expect(() => new PortScanner({ workers: -1 })).toThrow(RangeError);
    expect(() => new PortScanner({ workers: 1.5 })).toThrow(RangeError);
  });
});

describe('PortScanner UDP', () => {
  it('reports echo ports open, a silent port open|filtered and the rest closed', async () => {
    const report = await new PortScanner({ timeout: 200, retries: 1 }).scan('127.0.0.1', {
      protocol: 'udp',
      ports: [...fixture.udpOpen, fixture.udpSilent, ...fixture.closed],
      includeClosed: true,
    });
    expect(report.engine).toBe('udp');
    const states = statesOf(report);
    expect(portsIn(report, 'open')).toEqual(fixture.udpOpen);
    expect(states.get(fixture.udpSilent)).toBe('open|filtered');
    expect(portsIn(report, 'closed')).toEqual(fixture.closed);
    expect(report.hosts[0]!.ports.find((p) => p.state === 'closed')).toMatchObject({
      reason: 'port-unreach',
      protocol: 'udp',
    });
    expect(report.hosts[0]!.ports.find((p) => p.state === 'open')).toMatchObject({
      reason: 'udp-response',
    });
  });

  it('scans ::1 over UDP', async () => {
    const ports = await pickPorts(2, '::1');
    await using echo = await startUdpEcho({ host: '::1', port: ports[0]! });
    const report = await new PortScanner({ timeout: 200 }).scan('::1', {
      protocol: 'udp',
      ports,
      includeClosed: true,
    });
    expect(statesOf(report)).toEqual(
      new Map([
        [ports[0]!, 'open'],
        [ports[1]!, 'closed'],
      ]),
    );
    void echo;
  });
});
