/**
 * `pnpm bench [suite …]`: runs the named suites (all when none is named). Each suite lives in
 * `src/suites/<name>.ts` and exports `run()`.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const suitesDir = join(dirname(fileURLToPath(import.meta.url)), 'suites');
const available = readdirSync(suitesDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();
const wanted = process.argv.slice(2).filter((a) => a !== '--');
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length > 0) {
  console.error(`Unknown suite(s): ${unknown.join(', ')}. Available: ${available.join(', ')}`);
  process.exit(2);
}
for (const suite of wanted.length > 0 ? wanted : available) {
  console.log(`## ${suite}\n`);
  const mod = (await import(join(suitesDir, `${suite}.ts`))) as { run: () => Promise<void> };
  await mod.run();
}
