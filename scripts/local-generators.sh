#!/usr/bin/env bash
# N load generators on this machine sharing one schedule against one local stack, merged into one run; for each N given.
#   scripts/local-generators.sh SCENARIO "1 3" [--total-connections C] [load options, e.g. --rate 3000]
# One stack and one preload serve every N, so the runs differ only in how the schedule is split. With
# --total-connections C each of N generators gets C/N connections (rounded up), so the total stays comparable.
# Prints the merged results folders. On a cluster, use 'k8s job' instead (docs/load.md).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 SCENARIO \"N…\" [--total-connections C] [load options]" >&2; exit 2; }
scenario=$1; counts=$2; shift 2
total=""
if [ "${1:-}" = "--total-connections" ]; then total=$2; shift 2; fi
jar=target/benchmarks.jar
[ -f "$jar" ] || { scripts/setup.sh; mvn -B -q -DskipTests package 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'; }
work=target/local-generators-$$
mkdir -p "$work"
java -jar "$jar" stack up --dir "$work/stack" > "$work/stack.log" 2>&1 &
stack=$!
# the stack's folder holds endpoints.env with passwords: it goes on every exit path
cleanup() { kill "$stack" 2>/dev/null || true; wait "$stack" 2>/dev/null || true; rm -rf "$work/stack" "$work/sessions"; }
trap cleanup EXIT
until grep -q '^running' "$work/stack.log"; do
  kill -0 "$stack" 2>/dev/null || { cat "$work/stack.log" >&2; exit 1; }
  sleep 0.2
done
set -a; . "$work/stack/endpoints.env"; set +a
name=$(basename "$scenario" .yaml)
java -jar "$jar" load "$scenario" --preload-only --sessions-dir "$work/sessions" "$@"
for n in $counts; do
  extra=()
  [ -n "$total" ] && extra=(--connections $(( (total + n - 1) / n )))
  start=$(date -u -d "+$((6 + 2 * n)) sec" +%Y-%m-%dT%H:%M:%SZ)
  pids=()
  for i in $(seq 0 $((n - 1))); do
    java -jar "$jar" load "$scenario" --generator "$i/$n" --start-at "$start" --sessions-dir "$work/sessions" \
      --results "$work/n$n" --label "$name" "${extra[@]}" "$@" > "$work/n$n-g$i.log" 2>&1 &
    pids+=($!)
  done
  failed=0
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  [ $failed -eq 0 ] || { echo "a generator failed; see $work/n$n-g*.log" >&2; tail -3 "$work"/n$n-g*.log >&2; exit 1; }
  out=$(java -jar "$jar" merge "$work/n$n"/* --label "${name}_${n}-generator$([ "$n" -gt 1 ] && echo s)" | sed -n 's/^results: //p')
  # each generator's own folder beside the merged run, as it wrote it
  mkdir -p "$out/generators" && cp -r "$work/n$n"/* "$out/generators/"
  echo "merged $n generator(s): $out"
done
