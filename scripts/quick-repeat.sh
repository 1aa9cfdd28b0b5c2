#!/usr/bin/env bash
# Runs the README's main command N times, each from a fresh clone of HEAD (setup, build and the quick profile, timed),
# one after another, and writes each run's results folder into OUT. The reproducibility check of the bench verdict:
# 'compare' or the verdict.md files side by side show whether any pair of backends flips between runs.
#   scripts/quick-repeat.sh [OUT] [N] [LABEL]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "${1:-$repo/results}")"
n="${2:-5}"
label="${3:-quick-repeat}"
mkdir -p "$out"
commit="$(git -C "$repo" rev-parse --short HEAD)"
times="$out/$label-times.csv"
[ -f "$times" ] || echo "run,commit,started,wall_seconds,exit" > "$times"
for i in $(seq 1 "$n"); do
  work="$(mktemp -d)"
  chmod 755 "$work"  # Postgres runs as nobody when this is root and must reach its data folder inside
  git clone -q "$repo" "$work/sessionbench"
  started="$(date -u +%FT%TZ)"
  t0=$(date +%s)
  set +e
  (cd "$work/sessionbench" && scripts/run.sh --label "$label-$i" --results "$out") > "$out/$label-$i.log" 2>&1
  rc=$?
  set -e
  echo "$i,$commit,$started,$(( $(date +%s) - t0 )),$rc" >> "$times"
  rm -rf "$work"
done
