import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * One measured run of a case: how much work it did and how long it took. A case returns the
 * number of operations (requests, messages, bytes …) it completed; the harness times it.
 */
export type BenchCase = () => Promise<number>;

export interface Comparison {
  /** Title of the table, e.g. 'GET small JSON, 50 in flight'. */
  title: string;
  /** What one operation is, for the rate column: 'req', 'msg', 'MB' … */
  unit: string;
  /** The cases; the first is ours and the ratio column is each case against the `baseline`. */
  cases: Record<string, BenchCase>;
  /** The name of the case every ratio is taken against. @default the second case */
  baseline?: string;
  /** Rounds of A B C … A B C …; each case runs once per round. @default 5 */
  rounds?: number;
  /** Unmeasured rounds first, for JIT and connection warm-up. @default 1 */
  warmup?: number;
}

export interface CaseResult {
  name: string;
  /** Rate (operations per second) of each measured round. */
  rates: number[];
  medianRate: number;
  /** Median of the per-round ratio against the baseline of the same round. */
  medianRatio: number;
}

export interface ComparisonResult {
  title: string;
  unit: string;
  baseline: string;
  rounds: number;
  results: CaseResult[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function timed(run: BenchCase): Promise<number> {
  const start = process.hrtime.bigint();
  const ops = await run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return ops / seconds;
}

/**
 * Runs the cases interleaved (A B A B …) so that drift in machine load hits all of them
 * alike, and compares each round's rates as a ratio before taking medians: a ratio taken
 * within one round is steadier on a noisy machine than a ratio of two medians.
 */
export async function compare(comparison: Comparison): Promise<ComparisonResult> {
  const names = Object.keys(comparison.cases);
  const baseline = comparison.baseline ?? names[1] ?? names[0]!;
  const rounds = comparison.rounds ?? 5;
  const rates = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let round = 0; round < (comparison.warmup ?? 1) + rounds; round++) {
    const measured = round >= (comparison.warmup ?? 1);
    // Rotate the starting case each round so no case always runs first.
    const order = names.map((_, i) => names[(i + round) % names.length]!);
    for (const name of order) {
      const rate = await timed(comparison.cases[name]!);
      if (measured) rates.get(name)!.push(rate);
    }
  }
  const baseRates = rates.get(baseline)!;
  const results = names.map((name) => {
    const own = rates.get(name)!;
    return {
      name,
      rates: own,
      medianRate: median(own),
      medianRatio: median(own.map((rate, i) => rate / baseRates[i]!)),
    };
  });
  return { title: comparison.title, unit: comparison.unit, baseline, rounds, results };
}

function formatRate(rate: number): string {
  return rate >= 100 ? Math.round(rate).toLocaleString('en-US') : rate.toFixed(2);
}

/** A Markdown table: case | median rate | ratio to the baseline. */
export function toMarkdown(result: ComparisonResult): string {
  const lines = [
    `### ${result.title}`,
    '',
    `| case | median ${result.unit}/s | ratio vs ${result.baseline} |`,
    '|---|---:|---:|',
    ...result.results.map(
      (r) => `| ${r.name} | ${formatRate(r.medianRate)} | ${r.medianRatio.toFixed(2)}× |`,
    ),
    '',
    `${result.rounds} interleaved rounds; ${machineLine()}`,
  ];
  return lines.join('\n');
}

export function machineLine(): string {
  const cpu = cpus();
  return `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** Prints the table and writes `bench/results/<suite>.json`. */
export function report(suite: string, results: ComparisonResult[]): void {
  for (const result of results) console.log(`${toMarkdown(result)}\n`);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, `${suite}.json`),
    JSON.stringify({ suite, machine: machineLine(), results }, null, 2),
  );
}
