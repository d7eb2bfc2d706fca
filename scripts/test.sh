#!/usr/bin/env bash
# `npm test`: installs what the suites need (npm packages, the Docker engines of
# scripts/engines.sh, the registry, Node 24, base images), runs them on each engine and ends
# with one line `N passed, N failed[, N skipped]` over every run.
#   classic      every suite (GitHub-hosted runners' default engine)
#   containerd   again, every suite that talks to the daemon
#   docker20     the fallback builders (no buildx)
# The bundle runs on Node 24, the runtime action.yml declares. `npm test -- <jest args>` runs
# only the classic engine, with those arguments.
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=engines.sh
source scripts/engines.sh

bash scripts/prepare.sh --drivers || {
  echo "0 passed, 1 failed"
  exit 1
}

results=$(mktemp -d)
status=0
run_on() {
  local engine=$1
  shift
  echo "== $engine: $(with_engine "$engine" docker version --format 'Docker {{.Server.Version}}' 2>&1)" \
    "($(with_engine "$engine" docker info --format '{{.Driver}}' 2>&1)); the bundle on Node $("$NODE24" --version)"
  with_engine "$engine" env SHIPSHAPE_ENGINE="$engine" SHIPSHAPE_ENGINE_ROOT="$ENGINE_ROOT" SHIPSHAPE_CLASSIC_HOST="$(engine_host classic)" SHIPSHAPE_ACTION_NODE="$NODE24" \
    NODE_OPTIONS=--experimental-vm-modules npx jest --json --outputFile="$results/$engine.json" "$@" || status=1
  # A jest that died before writing its results counts as one failure.
  [ -s "$results/$engine.json" ] || echo '{"numPassedTests":0,"numFailedTests":1,"numPendingTests":0,"numTodoTests":0,"numRuntimeErrorTestSuites":0,"testResults":[]}' >"$results/$engine.json"
  # Every container Shipshape starts carries this label; a test run must leave none behind.
  with_engine "$engine" docker ps --all --quiet --filter label=io.shipshape.run >"$results/$engine.leaked"
  if [ -s "$results/$engine.leaked" ]; then
    echo "leaked containers with label io.shipshape.run on $engine:" >&2
    with_engine "$engine" docker ps --all --filter label=io.shipshape.run >&2
    status=1
  fi
}

if [ $# -gt 0 ]; then
  run_on classic "$@"
else
  run_on classic --testPathIgnorePatterns='/test/(fallback|containerd)/'
  run_on containerd test/containerd test/integration test/push test/e2e test/smoke test/scan/layers.test.ts
  run_on docker20 test/fallback
fi
node .build/scripts/test-summary.js "$results" || echo "0 passed, 1 failed"
rm -rf "$results"
exit $status
