#!/usr/bin/env bash
# Does a dynamic CDS archive of the application's classes (JDK 13+: -XX:ArchiveClassesAtExit / -XX:SharedArchiveFile)
# shorten a fork's set-up? request 2 KB on redis-hash/lettuce, redisson and postgres, forks with and without the archive
# in alternating JMH runs; each fork's 'fork set-up' line and JMH's own wall time per run.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/cds}
rounds=${2:-3}
mkdir -p "$out"
stack=target/cds-stack
. scripts/local-stack.sh
trap local_stack_down EXIT
local_stack_up "$stack" "$out/stack.log"
preload=$(mktemp -d)
heap="-Xms1g -Xmx1g -XX:+UseParallelGC -Dsessionbench.preload=$preload -Dsessionbench.histograms=$out/hist"
jsa=$out/app.jsa
run() { # name, extra jvm args
  local t0=$(date +%s.%N)
  java -jar target/benchmarks.jar 'SessionOps\.request$' -f 2 -wi 0 -i 2 -r 500ms -p sessionBytes=2048 \
    -p layout=redis-hash,postgres -p client=lettuce,redisson -jvmArgsAppend "$heap $2" > "$out/$1.log" 2>&1
  echo "$1,$(echo "$(date +%s.%N) - $t0" | bc)" >> "$out/wall.csv"
}
run train "-XX:ArchiveClassesAtExit=$jsa"
ls -la "$jsa"
for r in $(seq 1 "$rounds"); do
  for c in $(printf '%s\n' plain cds | shuf); do
    if [ $c = cds ]; then run "cds-$r" "-XX:SharedArchiveFile=$jsa"; else run "plain-$r" ""; fi
  done
done
