#!/usr/bin/env bash
# The main job: install what is missing, build, run the quick comparison of every backend on local servers, report.
# Extra arguments go to 'bench' (e.g. --redis redis://… to use your own server, --profile full).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Maven 3.8 prints bare colour resets (ESC[0m) even in batch mode; keep logs free of terminal codes.
mvn -B -q -DskipTests package 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'
exec java -jar target/benchmarks.jar bench "$@"
