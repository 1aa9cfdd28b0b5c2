#!/usr/bin/env bash
# The tests: install what is missing, then build and run every test against real redis-server, memcached and Postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Maven 3.8 prints bare colour resets (ESC[0m) even in batch mode; keep CI logs free of terminal codes.
mvn -B verify "$@" 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'

