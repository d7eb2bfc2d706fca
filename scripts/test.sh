#!/usr/bin/env bash
# `npm test`: installs what the suite needs (npm packages, Docker daemon, registry, base
# images), runs every jest suite, and ends with one line `N passed, N failed[, N skipped]`.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/prepare.sh || { echo "0 passed, 1 failed"; exit 1; }

results=$(mktemp)
NODE_OPTIONS=--experimental-vm-modules npx jest --json --outputFile="$results" "$@"
status=$?
# Every container Shipshape starts carries this label; a test run must leave none behind.
leftover=$(docker ps --all --quiet --filter label=io.shipshape.run | wc -l)
if [ "$leftover" -gt 0 ]; then
  echo "leaked containers with label io.shipshape.run: $leftover" >&2
  docker ps --all --filter label=io.shipshape.run >&2
  status=1
fi
LEAKED=$leftover node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  // Suites that failed to load count as one failure each: their tests never ran.
  const broken = r.testResults.filter(s => s.status === "failed" && s.assertionResults.length === 0).length;
  const skipped = r.numPendingTests + r.numTodoTests;
  const leaked = Number(process.env.LEAKED) > 0 ? 1 : 0;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + broken + leaked} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$results" || echo "0 passed, 1 failed"
rm -f "$results"
exit $status
