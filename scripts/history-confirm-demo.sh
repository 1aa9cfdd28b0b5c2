#!/usr/bin/env bash
# 'history confirm' end to end on committed runs: the runs of 2026-12-02 (one environment) added one by one, each
# under its own name as its commit, so the same-build drift between two of them shows as a speed change point; the
# gate then runs this build against itself on that change's benchmark and metric, and the history records whether it
# confirms the change (it should not: no code changed). Writes OUT/records, OUT/changes-before.txt, the gate's folder
# under OUT/gates, OUT/changes-after.txt and the site with its screenshot.
# Usage: scripts/history-confirm-demo.sh [OUT=results/2026-12-06_history-confirm] [BUDGET=3m]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/2026-12-06_history-confirm}
budget=${2:-3m}
jar=target/benchmarks.jar
rm -rf "$out/records"
mkdir -p "$out"
mapfile -t runs < <(find results -name jmh.json -path '*2026-12-02_*quick*' -printf '%h\n' | grep -v -e cpu-hog -e "^results/history" | sort)
for run in "${runs[@]}"; do
  java -jar "$jar" history add "$run" --to "$out/records" --commit "$(basename "$run")" --branch main > /dev/null
done
java -jar "$jar" history changes "$out/records" | tee "$out/changes-before.txt"
n=$(grep -n '^[0-9]*\. speed: SessionOps\.[a-zA-Z]*_.*sessionBytes=2048_.*_t1 · ok/s' "$out/changes-before.txt" | head -1 | sed 's/^[0-9]*:\([0-9]*\)\..*/\1/')
[ -n "$n" ] || { echo "history-confirm-demo: no speed change of a gate benchmark to confirm" >&2; exit 1; }
set +e
java -jar "$jar" history confirm "$out/records" --change "$n" --base "$jar" --head "$jar" --budget "$budget" --results "$out/gates" 2>&1 | tee "$out/confirm.log"
set -e
java -jar "$jar" history changes "$out/records" | tee "$out/changes-after.txt"
java -jar "$jar" history build "$out/records" --out "$out/site" --screenshot
