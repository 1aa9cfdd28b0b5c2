#!/usr/bin/env bash
# Where the client and the servers run, as a source of noise (issue 30's probe). On 2 vCPUs a synchronous call is fast
# when the calling thread and the server happen to share a core and about 3x slower when the wake-up crosses cores; the
# scheduler flips between the two inside a fork (results/2026-12-06_placement/README.md). This measures `request` 2 KB
# on redis-hash (Lettuce, Jedis), memcached-blob and postgres under three placements, interleaved round by round:
#   free    nothing pinned (as every run so far)
#   apart   the servers (and their children) on core 1, the benchmark JVMs on core 0
#   shared  the servers and the benchmark JVMs all on core 0
# Plain JMH against one local stack (no JMH warm-up iteration; the untimed JIT warm-up runs as in every fork), the
# JSON files are the data: `java -jar target/benchmarks.jar dimension --analyze DIR` reads them.
# Usage: scripts/placement-study.sh [OUT] [ROUNDS=3] [FORKS=2] [ITERATIONS=8]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/$(date -u +%Y-%m-%d_%H%M%S)_placement}
rounds=${2:-3}
forks=${3:-2}
iterations=${4:-8}
mkdir -p "$out"
stack=target/placement-stack
servers() { for n in redis-server memcached postgres; do pgrep -x "$n" || true; done; }
pin_servers() { for p in $(servers); do taskset -a -pc "$1" "$p" > /dev/null 2>&1 || true; done; }
. scripts/local-stack.sh
trap 'pin_servers 0,1; local_stack_down' EXIT
local_stack_up "$stack" "$out/stack.log"
echo "condition,run,started,seconds,server_pids" > "$out/order.csv"
for run in $(seq 1 "$rounds"); do
  for condition in $(printf '%s\n' free apart shared | shuf); do
    case $condition in
      free) pin_servers 0,1; cpus=0,1 ;;
      apart) pin_servers 1; cpus=0 ;;
      shared) pin_servers 0; cpus=0 ;;
    esac
    start=$(date +%s)
    for set in redis other; do
      if [ $set = redis ]; then args=(-p layout=redis-hash -p client=lettuce,jedis)
      else args=(-p layout=memcached-blob,postgres -p client=lettuce); fi
      taskset -c "$cpus" java -jar target/benchmarks.jar 'SessionOps\.request$' -f "$forks" -wi 0 -i "$iterations" \
        -r 500ms -p sessionBytes=2048 -prof io.sessionbench.metrics.HdrProfiler -jvmArgsAppend "$FORK_JVM -Dsessionbench.histograms=$out/histograms/${condition}-${set}_run$run" -rf json \
        -rff "$out/${condition}-${set}_run$run.json" "${args[@]}" > "$out/${condition}-${set}_run$run.log" 2>&1
    done
    echo "$condition,$run,$start,$(( $(date +%s) - start )),$(servers | wc -l)" >> "$out/order.csv"
  done
done
pin_servers 0,1
echo "placement study written to $out"
