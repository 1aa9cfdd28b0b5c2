#!/usr/bin/env bash
# The real history to start from (issue 32): every committed quick-profile run, except the one run beside a CPU hog on
# purpose, each with the commit that added it, into OUT/records; its change points into OUT/changes.txt, its size into
# OUT/size.txt, and its site with a first-screen screenshot into OUT/site.
# Usage: scripts/history-from-committed.sh [OUT=results/history]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/history}
rm -rf "$out"
mapfile -t runs < <(find results -name jmh.json -path '*quick*' -printf '%h\n' | grep -v -e cpu-hog -e "^$out" | sort)
java -jar target/benchmarks.jar history add "${runs[@]}" --to "$out/records" --commit added --branch main | tee "$out.log"
mv "$out.log" "$out/add.log"
java -jar target/benchmarks.jar history changes "$out/records" | tee "$out/changes.txt"
# size per run with and without histograms, and 1,000 runs under the retention rule (histograms of the newest 100 kept)
python3 - "$out/records/runs" <<'PY' | tee "$out/size.txt"
import json, os, sys
d = sys.argv[1]
files = [os.path.join(d, f) for f in sorted(os.listdir(d))]
full = sum(os.path.getsize(f) for f in files) / len(files)
bare = 0
for f in files:
    r = json.load(open(f))
    for b in r["benchmarks"]:
        b.pop("histogram", None)
    bare += len(json.dumps(r, separators=(",", ":")))
bare /= len(files)
print(f"{len(files)} runs; {full / 1000:.1f} kB per run with its histograms, {bare / 1000:.1f} kB without; "
      f"1,000 runs: {1000 * full / 1e6:.1f} MB with every histogram, {(100 * full + 900 * bare) / 1e6:.1f} MB keeping the newest 100 runs' histograms")
PY
java -jar target/benchmarks.jar history build "$out/records" --out "$out/site" --screenshot
