#!/usr/bin/env bash
# Shared set-up of `npm test`, `npm run demo` and `npm run bench`: npm packages when missing or
# stale, then the machine (scripts/provision.sh). With --drivers, also compiles the TypeScript
# drivers (demo, bench) and the test helpers they reuse (registry, fake GitHub API, runner
# emulation) to .build/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/provision.sh
if [ "${1:-}" = --drivers ]; then
  npx tsc -p scripts/tsconfig.json
fi
