#!/usr/bin/env bash
# Where a fork's seconds go, for two builds measured interleaved: scripts/fork-cost.sh OUT_DIR BASE_REV [ROUNDS]
# Builds BASE_REV's jar beside this checkout's, starts a local Redis and Postgres ('stack up'), then per round, in an
# order drawn at random, runs one JMH fork of 'request' per benchmark and build (java -jar JAR ... -f 1), each line
# time-stamped; scripts/fork-cost.py turns the logs into the breakdown (OUT_DIR/fork-cost.md).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/fork-cost.sh OUT_DIR BASE_REV [ROUNDS]}; base_rev=${2:?BASE_REV}; rounds=${3:-3}
mkdir -p "$out/logs"; chmod o+x "$out" "$(dirname "$out")" 2>/dev/null || true
work=$(mktemp -d /tmp/fork-cost.XXXXXX); chmod 755 "$work"
trap 'java -jar target/benchmarks.jar stack down --dir "$work/stack" >/dev/null 2>&1 || true; rm -rf "$work/src"' EXIT
[ -f target/benchmarks.jar ] || mvn -B -q -DskipTests package
cp target/benchmarks.jar "$work/head.jar"
git archive "$base_rev" | (mkdir -p "$work/src" && tar -x -C "$work/src")
(cd "$work/src" && mvn -B -q -DskipTests package) && cp "$work/src/target/benchmarks.jar" "$work/base.jar"
java -jar "$work/head.jar" stack up --only REDIS,POSTGRES --dir "$work/stack" > "$work/stack.log" 2>&1 &
until grep -q '^running' "$work/stack.log"; do
  grep -q 'error' "$work/stack.log" && { cat "$work/stack.log" >&2; exit 1; }; sleep 0.5
done
set -a; . "$work/stack/endpoints.env"; set +a
stamp() { python3 -c 'import sys,time
t0=time.time()
for l in sys.stdin: sys.stdout.write("%8.3f %s" % (time.time()-t0, l))
print("%8.3f __end__" % (time.time()-t0))' ; }
benches=("redis-hash lettuce" "redis-hash jedis" "postgres lettuce" "memory lettuce")
{ echo "base $base_rev ($(git rev-parse --short "$base_rev")), head $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes')"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"; } > "$out/builds.txt"
# The fork JVM options each build's bench gives its forks (BenchParams.FORK_JVM; -jvmArgsAppend replaces @Fork's),
# the profiler every bench fork runs with, and the shared preload, made once per layout before the timed trials.
declare -A fork_jvm=([base]="-Xms1g -Xmx1g -XX:+UseParallelGC" [head]="-Xms1g -Xmx1g -XX:+UseParallelGC")
trial() { # BUILD LAYOUT CLIENT
  java -jar "$work/$1.jar" 'io\.sessionbench\.bench\.SessionOps\.request$' -p layout="$2" -p client="$3" \
    -p sessionBytes=2048 -p distribution=uniform -p liveSessions=10000 -p updates=safe -p inFlight=1 -t 1 -f 1 -wi 0 -i 2 -r 500ms \
    -prof io.sessionbench.metrics.HdrProfiler \
    -jvmArgsAppend "${fork_jvm[$1]} -Dsessionbench.preload=$work/preload -Dsessionbench.histograms=$work/histograms" 2>&1 | stamp
}
for layout in redis-hash postgres memory; do trial head "$layout" lettuce > /dev/null; done
for r in $(seq 1 "$rounds"); do
  for item in $(for b in base head; do for i in "${!benches[@]}"; do echo "$b:$i"; done; done | shuf); do
    build=${item%%:*}; set -- ${benches[${item#*:}]}
    name="r${r}__${build}__request-$1-$2"
    log="$out/logs/$name.log"
    # the gate's trial: one host JVM, one fork
    trial "$build" "$1" "$2" > "$log"
    echo "fork-cost: $name $(awk 'END{print $1}' "$log") s"
  done
done
python3 scripts/fork-cost.py "$out" > "$out/fork-cost.md"
cat "$out/fork-cost.md"
