#!/usr/bin/env bash
# Issue 22 item 6: every fault configuration of the fault table in docs/faults.md, N runs each, interleaved by round (round 1
# runs every configuration once, then round 2 …), each on a local stack the load command starts and stops. Keeps
# loadgen.json, report.md and env.json of every run (not charts or histograms) under OUT/<config>/<round>/ and writes
# OUT/faults.md with scripts/fault-table.py.
# Usage: scripts/fault-study.sh OUT [N] [CONFIG_FILTER]
set -uo pipefail
out=$1; n=${2:-3}; filter=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)
jar=$(mktemp -d)/benchmarks.jar
cp "$here/target/benchmarks.jar" "$jar"   # a copy: the working tree may be rebuilt during the study
mkdir -p "$out"
# label | scenario | options
configs=$(cat <<'LIST'
failover-sentinel-lettuce|failover-sentinel|--topology sentinel
failover-sentinel-jedis|failover-sentinel|--topology sentinel --clients jedis
failover-sentinel-redisson|failover-sentinel|--topology sentinel --clients redisson
failover-sentinel-lettuce-minreplicas1|failover-sentinel|--topology sentinel --min-replicas-to-write 1
failover-sentinel-lettuce-wait1|failover-sentinel|--topology sentinel --wait-replicas 1
kill-primary-sentinel-aof-off|kill-primary-sentinel|--topology sentinel --appendfsync off
kill-primary-sentinel-aof-everysec|kill-primary-sentinel|--topology sentinel --appendfsync everysec
kill-primary-sentinel-aof-everysec-minreplicas1|kill-primary-sentinel|--topology sentinel --appendfsync everysec --min-replicas-to-write 1
kill-primary-sentinel-aof-everysec-wait1|kill-primary-sentinel|--topology sentinel --appendfsync everysec --wait-replicas 1
failover-cluster-lettuce-defaults|failover-cluster|--topology cluster
failover-cluster-lettuce-refresh|failover-cluster|--topology cluster --cluster-client refresh=10s,adaptive=on
failover-cluster-jedis|failover-cluster|--topology cluster --clients jedis
failover-cluster-redisson|failover-cluster|--topology cluster --clients redisson
kill-primary-cluster-lettuce-defaults|kill-primary-cluster|--topology cluster
kill-primary-cluster-lettuce-refresh|kill-primary-cluster|--topology cluster --cluster-client refresh=10s,adaptive=on
kill-primary-cluster-jedis|kill-primary-cluster|--topology cluster --clients jedis
kill-primary-cluster-redisson|kill-primary-cluster|--topology cluster --clients redisson
restart-standalone-aof-off|restart-standalone|--appendfsync off
restart-standalone-aof-everysec|restart-standalone|--appendfsync everysec
stall-postgres|stall-postgres|
restart-memcached|restart-memcached|
LIST
)
for round in $(seq 1 "$n"); do
  while IFS='|' read -r label scenario opts; do
    [ -n "$filter" ] && [[ "$label" != *$filter* ]] && continue
    dir="$out/$label/$round"
    [ -f "$dir/loadgen.json" ] && continue    # a study stopped half-way resumes where it was
    mkdir -p "$dir"
    # shellcheck disable=SC2086
    java -jar "$jar" load "$here/scenarios/$scenario.yaml" $opts --label "$label" --results "$dir/run" > "$dir/stdout.txt" 2>&1
    echo "exit $?" >> "$dir/stdout.txt"
    run=$(ls -d "$dir"/run/*/ 2>/dev/null | head -1)
    if [ -n "$run" ]; then
      cp "$run"/loadgen.json "$run"/report.md "$run"/env.json "$dir/" 2>/dev/null
    fi
    rm -rf "$dir/run"
    echo "$(date +%H:%M:%S) $label round $round: $(grep -E '^\[.*\] @[0-9]+ req/s (meets|does not meet)' "$dir/stdout.txt" | tail -1 | cut -c1-200)"
  done <<< "$configs"
done
python3 "$here/scripts/fault-table.py" "$out" > "$out/faults.md"
cat "$out/faults.md"
