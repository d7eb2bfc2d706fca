#!/usr/bin/env bash
# `npm run bench`: installs what it needs, then runs bench/bench.ts (compiled to .build/) on the
# classic-store Docker 28 engine; the cold-runner rows start throwaway daemons of their own.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../scripts/engines.sh
source scripts/engines.sh
bash scripts/prepare.sh --drivers
with_engine classic env SHIPSHAPE_ENGINE_ROOT="$ENGINE_ROOT" SHIPSHAPE_ACTION_NODE="$NODE24" SHIPSHAPE_CONTAINERD_HOST="$(engine_host containerd)" node .build/bench/bench.js
