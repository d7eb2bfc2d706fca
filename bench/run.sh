#!/usr/bin/env bash
# `npm run bench`: installs what it needs, then runs bench/bench.ts (compiled to .build/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare.sh --drivers
node .build/bench/bench.js
