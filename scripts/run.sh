#!/usr/bin/env bash
# The main job: install what is missing, build, run the quick comparison of every backend on local servers, report.
# Extra arguments go to 'bench' (e.g. --redis redis://… to use your own server, --profile full).
set -euo pipefail
cd "$(dirname "$0")/.."
# Given targets (options or SESSIONBENCH_* environment) and no --layouts: the run is about your servers alone, so
# nothing is installed here but the build's needs (bench runs only the targeted layouts and the in-process floor).
targets=""; layouts=""
for a in "$@"; do
  case "$a" in --redis|--redis=*|--redis-cluster|--redis-cluster=*|--postgres|--postgres=*|--memcached|--memcached=*) targets=1 ;; --layouts|--layouts=*) layouts=1 ;; esac
done
env | grep -qE '^SESSIONBENCH_(REDIS_URI|REDIS_CLUSTER|REDIS_SENTINEL|POSTGRES_URI|MEMCACHED)=' && targets=1
if [ -n "$targets" ] && [ -z "$layouts" ]; then scripts/setup.sh --build-only; else scripts/setup.sh; fi
# Maven 3.8 prints bare colour resets (ESC[0m) even in batch mode; keep logs free of terminal codes.
mvn -B -q -DskipTests package 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'
exec java -jar target/benchmarks.jar bench "$@"
