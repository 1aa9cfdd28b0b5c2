#!/usr/bin/env python3
"""The fault table of docs/faults.md from a fault study (scripts/fault-study.sh OUT): one row per configuration, each figure the
range over its runs. Everything is read from the runs' loadgen.json, except recovery, read from the report.md the same
build wrote from it (the one definition, FaultRun.recovered, lives in Java). Usage: scripts/fault-table.py OUT [BASE]
(links relative to BASE, the folder of the page the table goes into; default OUT)"""
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


def server_story(r):
    """Seconds after the fault: first node promoted, first +switch-master, first start-primary demoted to a replica."""
    f = r["faults"]
    events = f.get("events") or []
    if not events or not f["fired"]:
        return None, None, None
    at = f["fired"][0]["firedSeconds"]
    primaries = {e["source"] for e in events if e["event"] == "at the start: primary"}
    promoted = next((e["seconds"] - at for e in events if e["source"].startswith("node ") and e["event"].startswith("primary")
                     and e["source"] not in primaries and e["seconds"] >= at), None)
    switch = next((e["seconds"] - at for e in events if e["event"].startswith("+switch-master") and e["seconds"] >= at), None)
    demoted = next((e["seconds"] - at for e in events if e["source"] in primaries and e["event"].startswith("replica of")
                    and e["seconds"] >= at), None)
    return promoted, switch, demoted


def row(out, label, fault, setting, base):
    runs = runs_of(out, label)
    if not runs:
        return None
    took, errors, windows, rec, lost, checked, rates, lwin, inc_lo, inc_hi, inc_ack, ext = ([] for _ in range(12))
    promoted, switched, demoted = [], [], []
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
        p, w, d = server_story(r)
        promoted.append(p)
        switched.append(w)
        demoted.append(d)
    never = sum(1 for x in rec if x is None)
    back = [x for x in rec if isinstance(x, float)]
    recovery = ("**not recovered by the end** in %d of %d" % (never, len(runs)) + ("; others " + span(back, "{:+.1f}", " s") if back else "")) \
        if never else span(back, "{:+.1f}", " s")
    lost_text = span(lost) + " of " + span(checked) + " (" + span(rates, "{:.2f}", " %") + ")"
    if max(lost) > 0:
        lost_text = "**" + lost_text + "**"
    increments = "– (none acknowledged)" if max(inc_ack) == 0 else span(inc_lo) + (
        " (up to " + span(inc_hi) + ")" if inc_hi != inc_lo else "") + " of " + span(inc_ack)
    def seen(values):
        got = [v for v in values if v is not None]
        if not got:
            return "–"
        text = span(got, "{:+.1f}", " s")
        return text if len(got) == len(values) else text + " (%d of %d runs)" % (len(got), len(values))
    servers = "%s / %s / %s" % (seen(promoted), seen(switched), seen(demoted))
    links = " ".join("[%s](%s/report.md)" % (i + 1, os.path.relpath(d, base)) for i, (d, _, _) in enumerate(runs))
    failed = "0" if max(errors) == 0 else span(errors) + " over " + span(windows, "{:.1f}", " s")
    return "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        fault, setting, len(runs), span(took, "{:.2f}", " s"), servers, failed,
        recovery, lost_text, span(lwin, "{:.1f}", " s") if lwin else "–", increments, links)


def main(out, base):
    print("| fault | client, setting | runs | fault took | promoted / +switch-master / old primary a replica (after the fault) | "
          "errors | recovered after the fault | acknowledged sessions lost (of checked) | window of lost acknowledgements | "
          "acknowledged increments lost | runs |")
    print("|---|---|---:|---:|---|---|---|---|---:|---|---|")
    for label, fault, setting in ROWS:
        line = row(out, label, fault, setting, base)
        if line:
            print(line)


if __name__ == "__main__":
    # links are relative to BASE, the folder of the page the table goes into (default: OUT itself)
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else sys.argv[1])
