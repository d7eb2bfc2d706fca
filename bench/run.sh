#!/usr/bin/env bash
# `npm run bench`: installs what it needs, then runs bench/bench.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare.sh --helpers
node bench/bench.mjs
