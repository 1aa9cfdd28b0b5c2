#!/usr/bin/env python3
"""Tabulates scripts/warmup-calls-study.sh: per condition (warm-up call floor) and benchmark, the spread of one
iteration's log ok/s within a fork, of the fork means, the share of iterations the JIT disturbed, and the trial's
seconds (median). Usage: warmup-calls.py OUT"""
import csv, glob, math, os, re, statistics as st, sys
from collections import defaultdict

out = sys.argv[1]
trials = defaultdict(lambda: defaultdict(list))  # condition -> benchmark -> [(trial key, it, ok, disturbed, seconds)]
for f in sorted(glob.glob(os.path.join(out, "*_calls*-r*", "trials.csv"))):
    cond = re.search(r"_calls(\d+)-r\d+", f).group(1)
    for r in csv.DictReader(open(f)):
        trials[cond][r["benchmark"]].append((f + r["round"] + r["position"], int(r["iteration"]), float(r["ok_per_s"]),
                                             r["disturbed"], float(r["trial_seconds"])))
print("| warm-up floor (calls) | benchmark | forks | iteration SD within a fork (log) | SD of fork means (log) | iterations the JIT disturbed | trial seconds (median) |")
print("|---:|---|---:|---:|---:|---:|---:|")
summary = {}
for cond in sorted(trials, key=int):
    allw, allb, allj, alls = [], [], [], []
    for bench, rows in sorted(trials[cond].items()):
        forks = defaultdict(list)
        secs = {}
        jit = 0
        for key, it, ok, dist, s in rows:
            forks[key].append(math.log(ok))
            secs[key] = s
            jit += "JIT" in dist
        within = math.sqrt(st.mean(st.variance(v) for v in forks.values() if len(v) > 1))
        means = [st.mean(v) for v in forks.values()]
        between = st.stdev(means) if len(means) > 1 else float("nan")
        share = jit / len(rows)
        sec = st.median(secs.values())
        allw.append(within); allb.append(between); allj.append(share); alls.append(sec)
        print(f"| {cond} | {bench} | {len(forks)} | {within:.3f} | {between:.3f} | {100 * share:.0f} % | {sec:.1f} |")
    summary[cond] = (st.median(allw), st.median(allb), st.median(allj), st.median(alls))
print()
for cond, (w, b, j, s) in summary.items():
    print(f"- floor {cond} calls: medians over benchmarks: iteration SD within a fork {w:.3f}, SD of fork means {b:.3f}, "
          f"iterations disturbed by the JIT {100 * j:.0f} %, trial {s:.1f} s")
