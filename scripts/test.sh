#!/usr/bin/env bash
# The tests: install what is missing, then build and run every test against real redis-server, memcached and Postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec mvn -B verify "$@"
