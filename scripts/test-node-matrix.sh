#!/usr/bin/env bash
# Runs the whole test suite on Node 22 and 24 as well (Node 20 is what `pnpm test` and CI use).
# The binaries come from the npm registry's `node` package into a scratch folder, once.
# Usage: bash scripts/test-node-matrix.sh [22 24 …]
set -euo pipefail
cd "$(dirname "$0")/.."
versions=("${@:-22 24}")
scratch="${NET_NODE_MATRIX_DIR:-/tmp/net-node-matrix}"
pnpm build --output-logs=errors-only
status=0
for v in ${versions[@]}; do
  dir="$scratch/node$v"
  if [ ! -x "$dir/node_modules/node/bin/node" ]; then
    mkdir -p "$dir" && (cd "$dir" && npm install --no-save --silent "node@$v" >/dev/null)
  fi
  bin="$dir/node_modules/node/bin"
  echo "== Node $("$bin/node" --version)"
  # On PATH first, so child processes the tests spawn (the CLI tests) use it too.
  PATH="$bin:$PATH" node node_modules/vitest/vitest.mjs run || status=1
done
exit $status
