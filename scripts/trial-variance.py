#!/usr/bin/env python3
"""Where a gate trial's variance lies (issue 30's lead): per benchmark, over every trials.csv under the folders given,
the spread of single 0.5-s iterations inside a trial (within) and of the trials' means beyond what their iterations
explain (between), both as SDs of log ok/s, and the iterations per trial that Kalibera & Jones's rule gives,
n = sqrt(fixed seconds per trial / seconds per iteration * within^2 / between^2), with the trial's fixed cost taken as
its seconds beyond its iterations. Disturbed iterations (other processes, steal) are left out.
Usage: scripts/trial-variance.py DIR... > variance.md"""
import csv, glob, math, statistics, sys
from collections import defaultdict

trials = defaultdict(list)
seconds = {}
iters = defaultdict(int)
for d in sys.argv[1:]:
    for f in glob.glob(d + "/**/trials.csv", recursive=True):
        for r in csv.DictReader(open(f)):
            key = (f, r["round"], r["side"], r["benchmark"])
            iters[key] += 1
            seconds[key] = float(r["trial_seconds"])
            if r["disturbed"] and any(c in r["disturbed"] for c in ("other", "steal")):
                continue
            trials[key].append(math.log(float(r["ok_per_s"])))
by = defaultdict(list)
for key, v in trials.items():
    if len(v) >= 2:
        by[key[3]].append((v, seconds[key], iters[key]))
print("| benchmark | trials | within (one 0.5-s iteration) | between trials | trial seconds (median) | fixed seconds | iterations per trial by Kalibera & Jones |")
print("|---|---:|---:|---:|---:|---:|---:|")
for b, ts in sorted(by.items()):
    within = statistics.mean(statistics.variance(v) for v, _, _ in ts)
    n = statistics.mean(len(v) for v, _, _ in ts)
    between = max(1e-9, statistics.variance([statistics.mean(v) for v, _, _ in ts]) - within / n)
    sec = statistics.median(s for _, s, _ in ts)
    fixed = sec - 0.5 * statistics.median(i + 1 for _, _, i in ts)  # measured iterations plus the one warm-up
    nopt = math.sqrt(max(0.0, fixed) / 0.5 * within / between)
    print(f"| {b} | {len(ts)} | {math.sqrt(within):.3f} | {math.sqrt(between):.3f} | {sec:.1f} | {fixed:.1f} | {nopt:.1f} |")
