#!/usr/bin/env python3
"""The fault table of docs/faults.md from a fault study (scripts/fault-study.sh OUT): one row per configuration, each figure the
range over its runs. Everything is read from the runs' loadgen.json, except recovery, read from the report.md the same
build wrote from it (the one definition, FaultRun.recovered, lives in Java). Usage: scripts/fault-table.py OUT"""
import json
import os
import re
import sys

ROWS = [  # label, fault, client and setting
    ("failover-sentinel-lettuce", "`SENTINEL FAILOVER`", "Lettuce"),
    ("failover-sentinel-jedis", "", "Jedis"),
    ("failover-sentinel-redisson", "", "Redisson"),
    ("failover-sentinel-lettuce-minreplicas1", "", "Lettuce, `min-replicas-to-write 1`"),
    ("failover-sentinel-lettuce-wait1", "", "Lettuce, `WAIT 1` after every data write"),
    ("kill-primary-sentinel-aof-off", "`kill -9` of the primary", "Lettuce, no persistence"),
    ("kill-primary-sentinel-aof-everysec", "", "Lettuce, AOF `everysec`"),
    ("kill-primary-sentinel-aof-everysec-minreplicas1", "", "Lettuce, AOF `everysec` + `min-replicas-to-write 1`"),
    ("kill-primary-sentinel-aof-everysec-wait1", "", "Lettuce, AOF `everysec` + `WAIT 1`"),
    ("failover-cluster-lettuce-defaults", "`CLUSTER FAILOVER`", "Lettuce, defaults"),
    ("failover-cluster-lettuce-refresh", "", "Lettuce, refresh 10 s + adaptive"),
    ("failover-cluster-jedis", "", "Jedis"),
    ("failover-cluster-redisson", "", "Redisson"),
    ("kill-primary-cluster-lettuce-defaults", "`kill -9` of the slot-0 primary", "Lettuce, defaults"),
    ("kill-primary-cluster-lettuce-refresh", "", "Lettuce, refresh 10 s + adaptive"),
    ("kill-primary-cluster-jedis", "", "Jedis"),
    ("kill-primary-cluster-redisson", "", "Redisson"),
    ("restart-standalone-aof-off", "restart of a standalone server (1 s down)", "Lettuce, no persistence"),
    ("restart-standalone-aof-everysec", "", "Lettuce, AOF `everysec`"),
    ("stall-postgres", "stall of Postgres (SIGSTOP, 2 s; 500 req/s)", "pgJDBC"),
    ("restart-memcached", "restart of Memcached (1 s down)", "spymemcached"),
]


def span(values, fmt="{:,.0f}", unit=""):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    lo, hi = min(values), max(values)
    text = fmt.format(lo) if fmt.format(lo) == fmt.format(hi) else fmt.format(lo) + "–" + fmt.format(hi)
    return text + unit


def runs_of(out, label):
    base = os.path.join(out, label)
    if not os.path.isdir(base):
        return []
    runs = []
    for rnd in sorted(os.listdir(base), key=lambda x: int(x) if x.isdigit() else 0):
        f = os.path.join(base, rnd, "loadgen.json")
        if os.path.isfile(f):
            r = json.load(open(f))[0]
            md = open(os.path.join(base, rnd, "report.md")).read()
            runs.append((os.path.join(base, rnd), r, md))
    return runs


def recovered(md):
    m = re.search(r"- recovered: (\*\*not recovered by the end\*\*|[+-][\d.]+ s \(([+-][\d.]+) s after the fault)", md)
    if not m:
        return "?"
    return None if m.group(1).startswith("**") else float(m.group(2))


def row(out, label, fault, setting):
    runs = runs_of(out, label)
    if not runs:
        return None
    took, errors, windows, rec, lost, checked, rates, lwin, inc_lo, inc_hi, inc_ack, ext = ([] for _ in range(12))
    for d, r, md in runs:
        f = r["faults"]
        took.append(f["fired"][0]["tookSeconds"] if f["fired"] else None)
        errors.append(sum(r["errors"].values()))
        if f["firstErrorSeconds"] is not None and f["lastErrorSeconds"] is not None and sum(r["errors"].values()) > 0:
            windows.append(f["lastErrorSeconds"] - f["firstErrorSeconds"])
        rec.append(recovered(md))
        lost.append(f["sessionsMissing"])
        checked.append(f["sessionsChecked"])
        rates.append(100.0 * f["sessionsMissing"] / f["sessionsChecked"] if f["sessionsChecked"] else 0.0)
        if f.get("lostFromSeconds") is not None:
            lwin.append(f["lostToSeconds"] - f["lostFromSeconds"])
        lu = r["lostUpdates"]
        inc_lo.append(lu["lost"])
        inc_hi.append(max(lu.get("lostAtMost", lu["lost"]), lu["lost"]))
        inc_ack.append(lu["acknowledged"])
        ext.append(f.get("extendedSeconds") or 0.0)
    never = sum(1 for x in rec if x is None)
    back = [x for x in rec if isinstance(x, float)]
    recovery = ("**not recovered by the end** in %d of %d" % (never, len(runs)) + ("; others " + span(back, "{:+.1f}", " s") if back else "")) \
        if never else span(back, "{:+.1f}", " s")
    lost_text = span(lost) + " of " + span(checked) + " (" + span(rates, "{:.2f}", " %") + ")"
    if max(lost) > 0:
        lost_text = "**" + lost_text + "**"
    increments = "– (none acknowledged)" if max(inc_ack) == 0 else span(inc_lo) + (
        " (up to " + span(inc_hi) + ")" if inc_hi != inc_lo else "") + " of " + span(inc_ack)
    links = " ".join("[%s](%s/report.md)" % (i + 1, os.path.relpath(d, ".")) for i, (d, _, _) in enumerate(runs))
    return "| %s | %s | %d | %s | %s over %s | %s | %s | %s | %s | %s |" % (
        fault, setting, len(runs), span(took, "{:.2f}", " s"), span(errors), span(windows, "{:.1f}", " s"),
        recovery, lost_text, span(lwin, "{:.1f}", " s") if lwin else "–", increments, links)


def main(out):
    print("| fault | client, setting | runs | fault took | errors after the fault | recovered after the fault | "
          "acknowledged sessions lost (of checked) | window of lost acknowledgements | acknowledged increments lost | runs |")
    print("|---|---|---:|---:|---|---|---|---:|---|---|")
    for label, fault, setting in ROWS:
        line = row(out, label, fault, setting)
        if line:
            print(line)


if __name__ == "__main__":
    main(sys.argv[1])
