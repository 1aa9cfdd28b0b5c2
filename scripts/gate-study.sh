#!/usr/bin/env bash
# The gate's own study: N A/A gates (one jar as both sides) alternating with N gates whose head is slowed by 15 % per
# call in ONE benchmark (--head-slowdown 15%:BENCHMARK, study only), a different benchmark each time, cycling through
# the gate's benchmarks; each at the given budget (default: the gate's own default). Exit codes and wall seconds in
# exits.csv, each gate's trials and verdict in its folder; then 'gate --study DIR' tabulates them.
# Touch OUT/PAUSE to hold the next gate back (to build or test without disturbing one); remove it to go on.
# KINDS="aa" runs the identical-build gates only; KINDS="ab" the slowed ones. ALL=1 slows every benchmark (the first study's design).
# Usage: scripts/gate-study.sh [OUT] [N=10] [BUDGET=default] [BENCHMARKS=default] [KINDS="aa ab"]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/$(date -u +%Y-%m-%d_%H%M%S)_gate-study}
n=${2:-10}
budget=${3:-}
benchmarks=${4:-}
kinds=${5:-aa ab}
mkdir -p "$out"
# A copy, so rebuilding target/benchmarks.jar while the study runs cannot change the build under study.
jar=target/gate-study.jar
cp target/benchmarks.jar "$jar"
# the benchmarks to slow, in turn: the gate's own list (its default when none is given)
if [ -n "$benchmarks" ]; then list=$benchmarks; else
  list=$(java -jar "$jar" gate --help | tr -d ' \n' | sed -n 's/.*1thread(default\([^);]*\)[);].*/\1/p')
fi
IFS=, read -r -a slowable <<< "$list"
[ "${#slowable[@]}" -gt 0 ] || { echo "gate-study: could not read the gate's benchmarks; give BENCHMARKS" >&2; exit 2; }
[ -f "$out/exits.csv" ] || echo "kind,run,exit,seconds,slowed" > "$out/exits.csv"
# a study already begun goes on where it stopped: a gate whose row exits.csv holds is not run again
for i in $(seq 1 "$n"); do
  for kind in $kinds; do
    grep -q "^$kind,$i," "$out/exits.csv" && continue
    args=(gate --base "$jar" --head "$jar" --label "$kind-$(printf %02d "$i")" --results "$out")
    [ -n "$budget" ] && args+=(--budget "$budget")
    [ -n "$benchmarks" ] && args+=(--benchmarks "$benchmarks")
    slowed=""
    if [ "$kind" = ab ]; then
      if [ -n "${ALL:-}" ]; then args+=(--head-slowdown 15%); slowed=all
      else slowed=${slowable[$(( (i - 1) % ${#slowable[@]} ))]}; args+=(--head-slowdown "15%:$slowed"); fi
    fi
    # a file PAUSE in OUT holds the next gate back (builds and tests wait for the running gate, not beside it)
    while [ -e "$out/PAUSE" ]; do sleep 5; done
    start=$(date +%s)
    set +e
    java -jar "$jar" "${args[@]}" > "$out/$kind-$(printf %02d "$i").log" 2>&1
    code=$?
    set -e
    echo "$kind,$i,$code,$(( $(date +%s) - start )),$slowed" >> "$out/exits.csv"
  done
done
java -jar "$jar" gate --study "$out" | tee "$out/study.md"
