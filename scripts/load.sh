#!/usr/bin/env bash
# An open-loop scenario (or a fault experiment) from a clean clone: install what is missing, build, run 'load'.
# e.g. scripts/load.sh scenarios/kill-primary-cluster.yaml --topology cluster
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Maven 3.8 prints bare colour resets (ESC[0m) even in batch mode; keep logs free of terminal codes.
mvn -B -q -DskipTests package 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'
exec java -jar target/benchmarks.jar load "$@"
