#!/usr/bin/env bash
# The main job: install what is missing, build, run the quick comparison of every backend on local servers, report.
# Extra arguments go to 'bench' (e.g. --redis redis://… to use your own server, --profile full).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mvn -B -q -DskipTests package
exec java -jar target/benchmarks.jar bench "$@"
