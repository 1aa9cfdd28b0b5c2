#!/usr/bin/env bash
# Validates the CI workflow against GitHub's workflow schema (action-validator, from the npm registry).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npx > /dev/null; then
  echo "check-workflow: npx not found; the workflow was not validated (install Node.js and npm)"
  exit 0
fi
npx --yes @action-validator/cli@0.6.0 .github/workflows/*.yml
echo "check-workflow: .github/workflows valid"
