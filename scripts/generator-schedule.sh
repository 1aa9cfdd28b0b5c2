#!/usr/bin/env bash
# Issue 22 item 7: does one worker keep a 100,000 req/s schedule against the memory layout?
# Builds the jar of BEFORE (a commit) in a clone, then runs it and the current jar in turn (interleaved, never at
# once), N times at each rate, with the GC log of each run. Keeps loadgen.json, report.md, env.json and gc.log of
# every run and writes trials.csv and summary.md.
# Usage: scripts/generator-schedule.sh OUT BEFORE_COMMIT N "RATES"
set -euo pipefail
out=$1; before=$2; n=${3:-5}; rates=${4:-"100000 150000"}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
clone=$(mktemp -d)
trap 'rm -rf "$clone"' EXIT
git clone -q "$here" "$clone/before" && git -C "$clone/before" checkout -q "$before"
(cd "$clone/before" && mvn -B -q -o package -DskipTests >/dev/null)
cp "$here/target/benchmarks.jar" "$clone/after.jar"   # a copy: the working tree may be rebuilt during the study
declare -A jar=([before]="$clone/before/target/benchmarks.jar" [after]="$clone/after.jar")
echo "build,rate,trial,late_percent,corrected_p99_ms,uncorrected_p99_ms,gc_pauses,gc_pause_max_ms,dir" > "$out/trials.csv"
for rate in $rates; do
  for i in $(seq 1 "$n"); do
    for build in before after; do
      dir="$out/$build-$rate-$i"
      mkdir -p "$dir"
      java -Xlog:gc:file="$dir/gc.log" -jar "${jar[$build]}" load "$here/scenarios/auth-read-heavy.yaml" --layouts memory \
          --rate "$rate" --connections 1 --results "$dir/run" > "$dir/stdout.txt" 2>&1 || true
      run=$(ls -d "$dir"/run/*/ | head -1)
      cp "$run"/loadgen.json "$run"/report.md "$run"/env.json "$dir/"
      rm -rf "$dir/run"
      python3 "$here/scripts/generator-schedule.py" row "$build" "$rate" "$i" "$dir" >> "$out/trials.csv"
      tail -1 "$out/trials.csv"
    done
  done
done
python3 "$here/scripts/generator-schedule.py" summary "$out/trials.csv" > "$out/summary.md"
cat "$out/summary.md"
