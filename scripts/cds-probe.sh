#!/usr/bin/env bash
# Does a dynamic CDS archive of the application's classes (JDK 13+: -XX:ArchiveClassesAtExit / -XX:SharedArchiveFile)
# shorten a fork's set-up? request 2 KB on redis-hash and postgres with Lettuce and Redisson: one training run that
# writes the archive, then ROUNDS rounds of a plain and an archived JMH run in a random order. Writes each run's log and
# wall seconds (wall.csv), every fork's own set-up line (fork-set-up.txt) and their medians per kind (summary.md).
# Usage: scripts/cds-probe.sh [OUT] [ROUNDS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/$(date -u +%Y-%m-%d_%H%M%S)_cds-probe}
rounds=${2:-3}
mkdir -p "$out"
. scripts/local-stack.sh
trap local_stack_down EXIT
local_stack_up target/cds-stack "$out/stack.log"
jsa=$out/app.jsa
run() { # name, extra jvm args
  local t0=$(date +%s.%N)
  java -jar target/benchmarks.jar 'SessionOps\.request$' -f 2 -wi 0 -i 2 -r 500ms -p sessionBytes=2048 \
    -p layout=redis-hash,postgres -p client=lettuce,redisson \
    -jvmArgsAppend "$FORK_JVM -Dsessionbench.histograms=$out/hist $2" > "$out/$1.log" 2>&1
  echo "$1,$(echo "$(date +%s.%N) - $t0" | bc)" >> "$out/wall.csv"
}
run train "-XX:ArchiveClassesAtExit=$jsa"
for r in $(seq 1 "$rounds"); do
  for c in $(printf '%s\n' plain cds | shuf); do
    if [ $c = cds ]; then run "cds-$r" "-XX:SharedArchiveFile=$jsa"; else run "plain-$r" ""; fi
  done
done
for f in "$out"/train.log "$out"/plain-*.log "$out"/cds-*.log; do
  grep -o "fork set-up: [0-9.]* s from JVM start to the benchmark's set-up, [0-9.]* s connecting and preloading" "$f" \
    | sed "s/^/$(basename "$f" .log): /"
done > "$out/fork-set-up.txt"
python3 - "$out" <<'PY' > "$out/summary.md"
import collections, re, statistics, sys
kinds = collections.defaultdict(lambda: ([], []))
for line in open(sys.argv[1] + "/fork-set-up.txt"):
    m = re.match(r"([a-z]+)[-0-9]*: fork set-up: ([0-9.]+) s from JVM start.*?, ([0-9.]+) s connecting", line)
    kinds[m.group(1)][0].append(float(m.group(2)))
    kinds[m.group(1)][1].append(float(m.group(3)))
print("| forks | n | JVM start to set-up, median s | connecting and preloading, median s |")
print("|---|---:|---:|---:|")
for k, (start, connect) in kinds.items():
    print(f"| {k} | {len(start)} | {statistics.median(start):.2f} | {statistics.median(connect):.2f} |")
PY
rm -rf "$out/hist" "$jsa"
echo "cds probe written to $out"
