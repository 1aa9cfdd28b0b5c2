#!/usr/bin/env python3
"""What the placement of client and servers does to the noise (issue 30's probe): per condition and benchmark, over the
JMH JSON files <condition>-<set>_run<N>.json of scripts/placement-study.sh, the median ok/s and P50, the spread of
iterations inside a fork and of fork means (SDs of log ok/s; a fork's value is the mean log of its steady iterations,
those after the first when a fork has more than two), the client JVM's CPU per iteration, and the resolution a table of 3 forks per benchmark would
have (two-sided 5 %, 80 % power, the fork spread on 3 forks' worth of t), as the quick profile judges. A second table
gives the spread of fork means when a fork keeps only its first k iterations (k = 2 as the quick profile, 4, 8): what
more iterations per fork buy.
Usage: scripts/placement.py DIR > placement.md"""
import glob, json, math, os, re, statistics as st, sys
from collections import defaultdict

T2, Z80 = 2.776, 0.842  # t(0.975, 4 df: two sides of 3 forks) and z(0.80)


def rows(folder):
    data = defaultdict(lambda: {"forks": [], "iters": [], "p50": [], "cpu": [], "all": []})
    for path in sorted(glob.glob(os.path.join(folder, "*_run*.json"))):
        condition = re.sub(r"-(redis|other)_run\d+\.json$", "", os.path.basename(path))
        try:
            runs = json.load(open(path))
        except ValueError:
            continue  # a run still being written
        for b in runs:
            p = b["params"]
            name = p["layout"] + ("/" + p["client"] if p["layout"].startswith("redis") else "")
            sm = b["secondaryMetrics"]
            d = data[(condition, name)]
            d["all"].extend([math.log(v) for v in f] for f in b["primaryMetric"]["rawData"] if min(f) > 0)
            for okf, p50f, cpuf in zip(sm["ok"]["rawData"], sm["p50"]["rawData"], sm["noise.clientCpu"]["rawData"]):
                skip = 1 if len(okf) > 2 else 0  # a fork of two iterations (the quick profile's) keeps both
                steady = [math.log(v) for v in okf[skip:] if v > 0]
                if len(steady) < 2:
                    continue
                d["forks"].append(st.mean(steady))
                d["iters"].append(st.stdev(steady))
                d["p50"].extend(p50f[skip:])
                d["cpu"].extend(cpuf[skip:])
    return data


def main(folder):
    data = rows(folder)
    print("| condition | benchmark | forks | median ok/s (fork means) | P50 µs (median, 10th…90th of iterations) "
          "| client CPU (cores) | SD within fork | SD of fork means | resolution of a 3-fork ratio |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for (condition, name), d in sorted(data.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len(d["forks"]) < 2:
            continue
        sd_fork = st.stdev(d["forks"])
        within = math.sqrt(st.mean(s * s for s in d["iters"]))
        resolution = math.expm1((T2 + Z80) * sd_fork * math.sqrt(2 / 3)) * 100
        q = st.quantiles(d["p50"], n=10)
        print(f"| {condition} | {name} | {len(d['forks'])} | {math.exp(st.median(d['forks'])):,.0f} "
              f"| {st.median(d['p50']):.0f} ({q[0]:.0f}…{q[-1]:.0f}) | {st.median(d['cpu']):.2f} | {within:.3f} "
              f"| {sd_fork:.3f} | {resolution:.0f} % |")
    ks = (2, 4, 8)
    print()
    print("| condition | benchmark | forks | " + " | ".join(f"SD of fork means, first {k} iterations" for k in ks) + " |")
    print("|---|---|---:|" + "---:|" * len(ks))
    for (condition, name), d in sorted(data.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        forks = [f for f in d["all"] if len(f) >= max(ks)]
        if len(forks) < 2:
            continue
        cells = " | ".join(f"{st.stdev([st.mean(f[:k]) for f in forks]):.3f}" for k in ks)
        print(f"| {condition} | {name} | {len(forks)} | {cells} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
