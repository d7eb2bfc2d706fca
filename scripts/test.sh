#!/usr/bin/env bash
# `npm test`: installs what the suite needs (npm packages, Docker daemon, registry, base
# images), runs every jest suite, and ends with one line `N passed, N failed[, N skipped]`.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || { echo "0 passed, 1 failed"; exit 1; }
fi
bash scripts/provision.sh || { echo "0 passed, 1 failed"; exit 1; }

results=$(mktemp)
NODE_OPTIONS=--experimental-vm-modules npx jest --json --outputFile="$results" "$@"
status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  // Suites that failed to load count as one failure each: their tests never ran.
  const broken = r.testResults.filter(s => s.status === "failed" && s.assertionResults.length === 0).length;
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + broken} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$results" || echo "0 passed, 1 failed"
rm -f "$results"
exit $status
