#!/usr/bin/env bash
# `npm run bench`: installs what it needs, then runs bench/bench.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/provision.sh
npx tsc -p scripts/tsconfig.helpers.json
node bench/bench.mjs
