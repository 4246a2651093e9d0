#!/usr/bin/env bash
# Tests the Zapier app against a real Porter built from this repository.
# .ci/run calls it; run it by hand from anywhere. Without Node.js it skips,
# except in CI (CI=true), where a missing Node.js is a failure.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then
    echo "zapier: Node.js and npm are required in CI but were not found" >&2
    exit 1
  fi
  echo "zapier: SKIPPED: Node.js and npm were not found; install Node.js 18 or later to test integrations/zapier"
  exit 0
fi

npm ci --no-audit --no-fund --loglevel=error

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd ../.. && go build -o "$tmp/porter" ./cmd/porter)
PORTER_BIN="$tmp/porter" npm test
