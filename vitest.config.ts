import { configDefaults, defineConfig } from 'vitest/config';

// Each package is a project; its tests import sibling packages through the `@net/source`
// export condition, so no build step is needed before testing.
const packages = ['errors', 'http', 'ws', 'ssh', 'sockets', 'all', 'cli', 'test-utils'];
const conditions = ['@net/source', 'module', 'node', 'import', 'default'];
// Tests that prove the packed tarballs (pack, npm install, a tsc matrix) check nothing that
// depends on the Node version running them and take minutes: CI runs them once, on Node 20, and
// its Node 22/24 runs (scripts/test-node-matrix.sh) set NET_SKIP_ONCE_ONLY=1 to leave them out.
const onceOnly = process.env.NET_SKIP_ONCE_ONLY
  ? ['test/tarballs.test.ts', 'test/installed-cli.test.ts']
  : [];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@net/source'] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    // Network tests start real servers; 2 cores do not reward more than two workers.
    maxWorkers: 2,
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: '.tmp/vitest.json' }]]
      : ['default'],
    projects: packages.map((name) => ({
      extends: true,
      test: {
        name: `@net/${name}`,
        root: `packages/${name}`,
        include: ['test/**/*.test.ts'],
        exclude: [...configDefaults.exclude, ...onceOnly],
      },
    })),
  },
});
