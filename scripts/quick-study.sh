#!/usr/bin/env bash
# The README's main command from N clean clones of HEAD, one after another: scripts/quick-study.sh OUT_DIR N
# EXTRA="--pin" adds bench options to every run. Each run's wall time (clone, build, stack, bench, report) goes to OUT_DIR/times.csv; its results folder (without the
# charts and report.html, which 'report' rebuilds) and the console's last lines into OUT_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/quick-study.sh OUT_DIR N}; n=${2:-5}
mkdir -p "$out"; [ -f "$out/times.csv" ] || echo "run,commit,seconds,exit" > "$out/times.csv"
rev=$(git rev-parse --short HEAD)
for i in $(seq 1 "$n"); do
  clone=$(mktemp -d /tmp/quick-study.XXXXXX); chmod 755 "$clone"
  git clone -q "$PWD" "$clone/sessionbench"
  start=$(date +%s)
  set +e
  # shellcheck disable=SC2086 # EXTRA holds further bench options, split on spaces
  (cd "$clone/sessionbench" && scripts/run.sh --label "readme-quick-$i" ${EXTRA:-}) > "$clone/console.log" 2>&1
  code=$?
  set -e
  secs=$(( $(date +%s) - start ))
  echo "$i,$rev,$secs,$code" >> "$out/times.csv"
  run=$(ls -d "$clone"/sessionbench/results/*_readme-quick-"$i" 2>/dev/null | head -1)
  if [ -n "$run" ]; then
    mkdir -p "$out/$(basename "$run")"
    (cd "$run" && tar -c --exclude=charts --exclude=report.html --exclude='*.png' .) | tar -x -C "$out/$(basename "$run")"
    tail -120 "$clone/console.log" > "$out/$(basename "$run")/console-tail.log"
  fi
  echo "quick-study: run $i of $n: ${secs} s, exit $code"
  rm -rf "$clone"
done
