#!/usr/bin/env bash
# The committed dimensioning experiment behind the gate and the profiles (issue 20): `request` 2 KB on every layout
# and each Redis client, 2 runs x 5 forks x 12 one-second iterations (no JMH warm-up, so the drift is visible), then
# the same on redis-hash under other placements. Plain JMH against one local stack; the JSON files are the data,
# `java -jar target/benchmarks.jar dimension --analyze DIR` reads them. Takes about 45 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/$(date -u +%Y-%m-%d_%H%M%S)_dimension}
mkdir -p "$out"
stack=target/dimension-stack
. scripts/local-stack.sh
trap local_stack_down EXIT
local_stack_up "$stack" "$out/stack.log"
jmh() { # name, extra JVM args, JMH args...
  local name=$1 jvm=$2; shift 2
  java -jar target/benchmarks.jar 'SessionOps\.request$' -f 5 -wi 0 -i 12 -r 1 -p sessionBytes=2048 \
    -prof io.sessionbench.metrics.HdrProfiler -jvmArgsAppend "$FORK_JVM $jvm" -rf json -rff "$out/$name.json" "$@" \
    > "$out/$name.log" 2>&1
}
for run in 1 2; do
  jmh "redis_run$run" "" -p layout=redis-hash,redis-json,redis-blob -p client=lettuce,jedis,redisson
  jmh "other_run$run" "" -p layout=memory,memcached-blob,postgres -p client=lettuce
done
redis_pid=$(pgrep -x redis-server | head -1 || true)
for run in 1 2; do
  jmh "apc1_run$run" "-XX:ActiveProcessorCount=1" -p layout=redis-hash -p client=lettuce,jedis
  jmh "netty1_run$run" "-Dio.netty.eventLoopThreads=1" -p layout=redis-hash -p client=lettuce
  if [ -n "$redis_pid" ]; then
    taskset -a -pc 1 "$redis_pid" > /dev/null
    taskset -c 0 java -jar target/benchmarks.jar 'SessionOps\.request$' -f 5 -wi 0 -i 12 -r 1 -p sessionBytes=2048 \
      -prof io.sessionbench.metrics.HdrProfiler -jvmArgsAppend "$FORK_JVM" -rf json -rff "$out/pinned_run$run.json" \
      -p layout=redis-hash -p client=lettuce,jedis > "$out/pinned_run$run.log" 2>&1
    taskset -a -pc 0,1 "$redis_pid" > /dev/null
  fi
done
echo "dimension study written to $out"
