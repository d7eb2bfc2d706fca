#!/usr/bin/env bash
# `npm run demo`: installs what it needs, then runs the action on examples/flask on the
# classic-store Docker 28 engine (GitHub-hosted runners' default), the bundle on Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=engines.sh
source scripts/engines.sh
bash scripts/prepare.sh --drivers
with_engine classic env SHIPSHAPE_ACTION_NODE="$NODE24" node .build/scripts/demo.js
