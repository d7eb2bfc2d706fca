#!/usr/bin/env bash
# `npm test`: installs what the suites need (npm packages, the Docker engines of
# scripts/engines.sh, the registry, Node 24, base images), runs them on each engine and ends
# with one line `N passed, N failed[, N skipped]` over every run.
#   classic      every suite (GitHub-hosted runners' default engine)
#   containerd   again, every suite that talks to the daemon
#   docker20     the fallback builders (no buildx)
# Before an engine's suites, the engine is checked to be what it claims (image store, buildx).
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
# A jest result file of one failed check (counted like a failed test).
failed_check() {
  echo '{"numPassedTests":0,"numFailedTests":1,"numPendingTests":0,"numTodoTests":0,"numRuntimeErrorTestSuites":0,"testResults":[]}' >"$1"
}
run_on() {
  local engine=$1 label=$2
  shift 2
  echo "== $engine: $(with_engine "$engine" docker version --format 'Docker {{.Server.Version}}' 2>&1)" \
    "($(with_engine "$engine" docker info --format '{{.Driver}}' 2>&1)); the bundle on Node $("$NODE24" --version)"
  # The suites trust the engine to be what it claims: its image store and its builder.
  local problem
  if ! problem=$(check_engine "$engine"); then
    echo "engine check failed, its suites not run: $problem" >&2
    failed_check "$results/$label.json"
    status=1
    return
  fi
  echo "   $(expected_store "$engine") image store, buildx $(expected_buildx "$engine"): checked"
  with_engine "$engine" env SHIPSHAPE_ENGINE="$engine" SHIPSHAPE_ENGINE_ROOT="$ENGINE_ROOT" SHIPSHAPE_CLASSIC_HOST="$(engine_host classic)" SHIPSHAPE_ACTION_NODE="$NODE24" \
    NODE_OPTIONS=--experimental-vm-modules npx jest --json --outputFile="$results/$label.json" "$@" || status=1
  # A jest that died before writing its results counts as one failure.
  [ -s "$results/$label.json" ] || failed_check "$results/$label.json"
  # Every container Shipshape starts carries this label; a test run must leave none behind.
  with_engine "$engine" docker ps --all --quiet --filter label=io.shipshape.run >"$results/$label.leaked"
  if [ -s "$results/$label.leaked" ]; then
    echo "leaked containers with label io.shipshape.run on $engine:" >&2
    with_engine "$engine" docker ps --all --filter label=io.shipshape.run >&2
    status=1
  fi
}

# Suites named *.serial.test.ts change what every build on the daemon shares (its build cache):
# they run after the others on the same engine, one at a time. *.containerd.test.ts and
# *.docker20.test.ts need that engine; the containerd engine runs again every suite that talks
# to the daemon.
SERIAL='\.serial\.test\.ts$'
ONLY='\.(containerd|docker20)\.test\.ts$'
DAEMON=(test/builder/build.test.ts test/builder/layout.containerd.test.ts test/push test/registry/credentials.test.ts test/e2e test/smoke test/scan/layers.test.ts)
if [ $# -gt 0 ]; then
  run_on classic classic "$@"
else
  run_on classic classic --testPathIgnorePatterns "$SERIAL" "$ONLY"
  run_on classic classic-serial --runInBand --testPathPattern "$SERIAL"
  run_on containerd containerd --testPathIgnorePatterns "$SERIAL" '\.docker20\.test\.ts$' -- "${DAEMON[@]}"
  run_on containerd containerd-serial --runInBand --testPathPattern "$SERIAL"
  run_on docker20 docker20 --testPathPattern '\.docker20\.test\.ts$'
fi
node .build/scripts/test-summary.js "$results" || echo "0 passed, 1 failed"
rm -rf "$results"
exit $status
