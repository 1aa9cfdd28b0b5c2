#!/usr/bin/env bash
# Does a warm-up that goes past HotSpot's C2 thresholds make the measured iterations steadier? Alternates dimension
# runs (fresh forks, benchmarks in a random order each) of the warm-up as built (minCalls 0) and with a floor of
# MIN_CALLS calls, ROUNDS times each; every trial's iterations in OUT/<condition>-<round>/trials.csv, then
# scripts/warmup-calls.py tabulates the within-fork and between-fork spread and the fork's cost per condition.
# Usage: scripts/warmup-calls-study.sh OUT [ROUNDS=2] [MIN_CALLS=20000] [FORKS=2]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: warmup-calls-study.sh OUT [ROUNDS] [MIN_CALLS] [FORKS]}
rounds=${2:-2}
calls=${3:-20000}
forks=${4:-2}
benchmarks=redis-hash/lettuce,redis-hash/jedis,redis-hash/redisson,memcached-blob,postgres
mkdir -p "$out"
for r in $(seq 1 "$rounds"); do
  for c in 0 "$calls"; do
    java -jar target/benchmarks.jar dimension --benchmarks "$benchmarks" --forks "$forks" --runs 1 --iterations 6 \
      --iteration-seconds 0.5 --jvm-args "-Dsessionbench.warmup.minCalls=$c" --results "$out" --label "calls$c-r$r" \
      > "$out/calls$c-r$r.log" 2>&1
  done
done
python3 scripts/warmup-calls.py "$out" | tee "$out/warmup-calls.md"
