#!/usr/bin/env python3
"""Rows and summary of scripts/generator-schedule.sh: late starts, P99s and the GC pauses of the process."""
import csv, json, re, statistics, sys

def row(build, rate, trial, d):
    r = json.load(open(f"{d}/loadgen.json"))[0]
    s = r["successes"]
    # Every stop-the-world pause of the process (preload, warm-up and measurement alike).
    pauses = [float(m.group(1)) for m in (re.search(r"Pause .* (\d+\.\d+)ms$", line.strip()) for line in open(f"{d}/gc.log")) if m]
    print(",".join(str(x) for x in [build, rate, trial, f"{r['latePercent']:.3f}", f"{s['corrected']['p99'] / 1000:.3f}",
                                    f"{s['uncorrected']['p99'] / 1000:.3f}", len(pauses),
                                    f"{max(pauses, default=0):.1f}", d.split('/')[-1]]))

def summary(path):
    rows = list(csv.DictReader(open(path)))
    print("| build | rate req/s | runs | late > 1 ms % (each run) | median | corrected P99 ms (median) |")
    print("|---|---:|---:|---|---:|---:|")
    keys = sorted({(r["build"], int(r["rate"])) for r in rows}, key=lambda k: (k[1], k[0] != "before"))
    for b, rate in keys:
        rs = [r for r in rows if r["build"] == b and int(r["rate"]) == rate]
        late = [float(r["late_percent"]) for r in rs]
        p99 = [float(r["corrected_p99_ms"]) for r in rs]
        print(f"| {b} | {rate:,} | {len(rs)} | {', '.join(f'{x:.2f}' for x in late)} | {statistics.median(late):.2f} | "
              f"{statistics.median(p99):.2f} |")

if __name__ == "__main__":
    if sys.argv[1] == "row":
        row(*sys.argv[2:6])
    else:
        summary(sys.argv[2])
