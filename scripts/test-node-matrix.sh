#!/usr/bin/env bash
# Runs the test suite on Node 22 and 24 as well (Node 20 is what `pnpm test` uses).
# The binaries come from the npm registry's `node` package into a scratch folder, once.
# The tests that prove the packages from their tarballs (packing, npm install, tsc matrix) are
# left out here (NET_SKIP_ONCE_ONLY, see vitest.config.ts): what they check does not depend on
# the Node version running the suite, and they cost minutes; CI runs them once, on Node 20.
# Usage: bash scripts/test-node-matrix.sh [22 24 …]
#   NET_SKIP_BUILD=1   the packages are built already (CI built them for the Node 20 run)
# Under CI=true each run's JSON report (vitest.config.ts) is kept as .tmp/vitest-node<version>.json.
set -uo pipefail
cd "$(dirname "$0")/.."
versions=("${@:-22 24}")
scratch="${NET_NODE_MATRIX_DIR:-/tmp/net-node-matrix}"
if [ -z "${NET_SKIP_BUILD:-}" ]; then pnpm build --output-logs=errors-only || exit 1; fi
mkdir -p .tmp
status=0
for v in ${versions[@]}; do
  dir="$scratch/node$v"
  if [ ! -x "$dir/node_modules/node/bin/node" ]; then
    mkdir -p "$dir" && (cd "$dir" && npm install --no-save --silent "node@$v" >/dev/null) || {
      echo "could not install node@$v"
      status=1
      continue
    }
  fi
  bin="$dir/node_modules/node/bin"
  echo "== Node $("$bin/node" --version)"
  rm -f .tmp/vitest.json ".tmp/vitest-node$v.json"
  echo "(the once-only tarball tests are left out: CI runs them on Node 20)"
  # On PATH first, so child processes the tests spawn (the CLI tests) use it too.
  PATH="$bin:$PATH" NET_SKIP_ONCE_ONLY=1 node node_modules/vitest/vitest.mjs run || status=1
  if [ -f .tmp/vitest.json ]; then mv .tmp/vitest.json ".tmp/vitest-node$v.json"; fi
done
exit $status
