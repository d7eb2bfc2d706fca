#!/usr/bin/env bash
# Shared set-up of `npm test`, `npm run demo` and `npm run bench`: npm packages when missing or
# stale, then the machine (scripts/provision.sh). With --helpers, also compiles the test
# helpers (registry, fake GitHub API, runner emulation) to .build/ for the scripts that reuse them.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/provision.sh
if [ "${1:-}" = --helpers ]; then
  npx tsc -p scripts/tsconfig.helpers.json
fi
