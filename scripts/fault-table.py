#!/usr/bin/env python3
"""The fault table of docs/faults.md from a fault study (scripts/fault-study.sh OUT): one row per configuration, each figure the
range over its runs. Everything is read from the runs' loadgen.json, except recovery, read from the report.md the same
build wrote from it (the one definition, FaultRun.recovered, lives in Java). Usage: scripts/fault-table.py OUT [BASE]
(links relative to BASE, the folder of the page the table goes into; default OUT); with --c9, the C9 row of
docs/findings.md instead, its figures from the same runs."""
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


def c9(out, base):
    """The C9 row of docs/findings.md, every figure a range over the study's runs."""
    def runs(label):
        return [r for _, r, _ in runs_of(out, label)]

    def lost(label):
        rs = runs(label)
        return span([r["faults"]["sessionsMissing"] for r in rs]), span([100.0 * r["faults"]["sessionsMissing"] / max(1, r["faults"]["sessionsChecked"]) for r in rs], "{:.1f}", " %"), max(r["faults"]["sessionsMissing"] for r in rs)

    def took(labels):
        return span([r["faults"]["fired"][0]["tookSeconds"] for label in labels for r in runs(label)], "{:.2f}", " s")

    def failing(label):
        rs = runs(label)
        windows = [r["faults"]["lastErrorSeconds"] - r["faults"]["firstErrorSeconds"] for r in rs if sum(r["errors"].values()) > 0]
        return span(windows, "{:.1f}", " s") if windows else "no time"

    def never(label):
        return sum(1 for _, _, md in runs_of(out, label) if recovered(md) is None), len(runs(label))

    def demoted(label):
        return span([d for d in (server_story(r)[2] for r in runs(label)) if d is not None], "{:.1f}", " s")

    n = min(len(runs(label)) for label, _, _ in ROWS if runs(label))
    kills = ["kill-primary-sentinel-aof-off", "kill-primary-sentinel-aof-everysec", "kill-primary-sentinel-aof-everysec-minreplicas1",
             "kill-primary-sentinel-aof-everysec-wait1"]
    kill_lost = max(lost(k)[2] for k in kills)
    lettuce_never = never("kill-primary-cluster-lettuce-defaults")
    fl, fr, _ = lost("failover-sentinel-lettuce")
    evidence = ("[fault experiments](%s), %d runs per configuration, ranges: promotion %s after a coordinated `CLUSTER FAILOVER`, "
                "%s after a `kill -9` behind Sentinel and %s on the cluster (2 s detection). After a `kill -9` on the cluster calls failed "
                "for %s with Jedis, %s with Redisson and %s with Lettuce and periodic + adaptive refresh; with Lettuce's defaults the "
                "calls were still failing at the end, after the run's 30 s extension, in %d of %d runs (%s of errors). A `kill -9` "
                "behind Sentinel lost %s with AOF off, `everysec`, `min-replicas-to-write 1` and `WAIT 1`; a restart without persistence lost %s "
                "(%s: every session older than it), with AOF `everysec` %s. A planned `SENTINEL FAILOVER` lost %s acknowledged sessions "
                "with Lettuce (%s), %s with Jedis, %s with Redisson, %s with `min-replicas-to-write 1`, %s with `WAIT 1`: the old "
                "primary became a replica %s after the failover, and what it acknowledged until then was discarded") % (
        os.path.relpath("docs/faults.md", base), n, took(["failover-cluster-lettuce-defaults", "failover-cluster-lettuce-refresh",
                                                         "failover-cluster-jedis", "failover-cluster-redisson"]),
        took(kills), took(["kill-primary-cluster-lettuce-defaults", "kill-primary-cluster-lettuce-refresh", "kill-primary-cluster-jedis",
                           "kill-primary-cluster-redisson"]),
        failing("kill-primary-cluster-jedis"), failing("kill-primary-cluster-redisson"), failing("kill-primary-cluster-lettuce-refresh"),
        lettuce_never[0], lettuce_never[1], failing("kill-primary-cluster-lettuce-defaults"),
        "no acknowledged session" if kill_lost == 0 else "up to %d acknowledged sessions" % kill_lost, lost("restart-standalone-aof-off")[0], lost("restart-standalone-aof-off")[1],
        lost("restart-standalone-aof-everysec")[0], fl, fr, lost("failover-sentinel-jedis")[0], lost("failover-sentinel-redisson")[0],
        lost("failover-sentinel-lettuce-minreplicas1")[0], lost("failover-sentinel-lettuce-wait1")[0], demoted("failover-sentinel-lettuce"))
    verdict = ("promotion within seconds: holds; \"sessions continue\": depends on the client and its topology refresh%s; AOF: a restart "
               "without it loses every session older than the restart, and a killed primary lost %s here either way; "
               "`min-replicas-to-write 1` and `WAIT 1` reduced the loss in a Sentinel failover but did not prevent it (1,000 req/s, loopback)") % (
        " (Lettuce's cluster defaults did not recover within the run)" if lettuce_never[0] else "", "nothing" if kill_lost == 0 else "sessions")
    print("| C9 a replica is promoted within seconds and sessions continue; an unplanned failover can drop sessions if AOF is off; "
          "`min-replicas-to-write ≥ 1` protects writes | %s | %s |" % (evidence, verdict))


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
    args = [a for a in sys.argv[1:] if a != "--c9"]
    (c9 if "--c9" in sys.argv else main)(args[0], args[1] if len(args) > 1 else args[0])
