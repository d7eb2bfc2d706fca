#!/usr/bin/env bash
# `npm run demo`: installs what it needs, then runs the action on examples/flask.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/provision.sh
# The demo reuses the tests' registry, fake GitHub API and runner emulation, compiled to JS.
npx tsc -p scripts/tsconfig.helpers.json
node scripts/demo.mjs
