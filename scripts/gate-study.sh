#!/usr/bin/env bash
# The gate's own study (issue 20): N A/A gate runs (one jar as both sides) alternating with N A/B runs whose head is
# slowed by 15 % per call (--head-slowdown, study only), each with the given budget and benchmarks; exit codes in
# exits.csv, each run's trials and verdict in its folder. Then 'gate --study DIR' resamples the collected trials.
# KINDS="aa" runs the identical-build runs only (a false-alarm study, e.g. of the failed-calls rule).
# Usage: scripts/gate-study.sh [OUT] [N=10] [BUDGET=4m] [BENCHMARKS=default] [KINDS="aa ab"]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/$(date -u +%Y-%m-%d_%H%M%S)_gate-study}
n=${2:-10}
budget=${3:-4m}
benchmarks=${4:-}
kinds=${5:-aa ab}
mkdir -p "$out"
# A copy, so rebuilding target/benchmarks.jar while the study runs cannot change the build under study.
jar=target/gate-study.jar
cp target/benchmarks.jar "$jar"
[ -f "$out/exits.csv" ] || echo "kind,run,exit,seconds" > "$out/exits.csv"
for i in $(seq 1 "$n"); do
  for kind in $kinds; do
    args=(gate --base "$jar" --head "$jar" --budget "$budget" --label "$kind-$(printf %02d "$i")" --results "$out")
    [ -n "$benchmarks" ] && args+=(--benchmarks "$benchmarks")
    [ "$kind" = ab ] && args+=(--head-slowdown 15%)
    start=$(date +%s)
    set +e
    java -jar "$jar" "${args[@]}" > "$out/$kind-$(printf %02d "$i").log" 2>&1
    code=$?
    set -e
    echo "$kind,$i,$code,$(( $(date +%s) - start ))" >> "$out/exits.csv"
  done
done
java -jar "$jar" gate --study "$out" | tee "$out/study.md"
