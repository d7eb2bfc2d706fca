#!/usr/bin/env bash
# `npm run demo`: installs what it needs, then runs the action on examples/flask.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare.sh --drivers
node .build/scripts/demo.js
