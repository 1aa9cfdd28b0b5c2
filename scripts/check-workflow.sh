#!/usr/bin/env bash
# Validates every workflow (tests and gate, release) against GitHub's workflow schema (action-validator, from the npm registry).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npx > /dev/null; then
  echo "check-workflow: npx not found; the workflow was not validated (install Node.js and npm)"
  exit 0
fi
for f in .github/workflows/*.yml; do   # the validator takes one file at a time
  npx --yes @action-validator/cli@0.6.0 "$f"
  echo "check-workflow: $f valid"
done
