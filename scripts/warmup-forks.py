#!/usr/bin/env python3
"""Per-fork warm-up figures from bench console logs: scripts/warmup-forks.py DIR CONDITION...

Reads DIR/CONDITION/console.log (the console of `java -jar target/benchmarks.jar bench ...`), writes DIR/forks.csv
(one row per fork: warm-up seconds and compile ms, then every measured iteration's ops/s) and DIR/summary.md
(per condition and benchmark: warm-up lengths, and the first iteration against the median of the others)."""
import csv, itertools, re, statistics as st, sys
from pathlib import Path

d = Path(sys.argv[1]); conditions = sys.argv[2:]
rows = []
for cond in conditions:
    params = fork = wu = None; its = []
    def flush():
        if fork is not None and wu:
            rows.append(dict(condition=cond, client=params['client'], inFlight=params.get('inFlight', '1'),
                             sessionBytes=params['sessionBytes'], fork=fork, warmupSeconds=wu[0], warmupCompileMs=wu[1],
                             iterations=' '.join(f'{x:.0f}' for x in its)))
    lines = (d / cond / 'console.log').read_text().splitlines()
    i = 0
    while i < len(lines):
        l = lines[i]
        if m := re.match(r'# Parameters: \((.*)\)', l):
            flush(); fork = wu = None; its = []
            params = dict(kv.split(' = ') for kv in m.group(1).split(', '))
        if m := re.match(r'# Fork: (\d+) of', l):
            flush(); fork = int(m.group(1)); its = []; wu = None
        if m := re.search(r'steady: ([\d.]+) s, \d+ calls, (\d+) ms compiling', l):
            wu = (float(m.group(1)), int(m.group(2)))
            its.append(float(lines[i + 1].split()[0])); i += 1
        if m := re.match(r'Iteration\s+\d+: ([\d.]+) ops/s', l):
            its.append(float(m.group(1)))
        i += 1
    flush()
with open(d / 'forks.csv', 'w', newline='') as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)
out = ['| condition | client | in flight | KB | forks | warm-up s (median, max) | compile ms in warm-up (median) '
       '| first iteration / median of the others (min … max over forks) |', '|---|---|---:|---:|---:|---|---:|---|']
key = lambda r: (r['condition'], r['client'], int(r['inFlight']), int(r['sessionBytes']))
for k, g in itertools.groupby(sorted(rows, key=key), key=key):
    g = list(g)
    ratios = []
    for r in g:
        it = [float(x) for x in r['iterations'].split()]
        if len(it) > 1:
            ratios.append(it[0] / st.median(it[1:]))
    out.append(f"| {k[0]} | {k[1]} | {k[2]} | {k[3] // 1024} | {len(g)} | {st.median(r['warmupSeconds'] for r in g):.1f}, "
               f"{max(r['warmupSeconds'] for r in g):.1f} | {st.median(r['warmupCompileMs'] for r in g):.0f} | "
               + (f"{min(ratios):.2f} … {max(ratios):.2f}" if ratios else "–") + " |")
out.append('')
out.append('Warm-up seconds summed over all forks: ' + ', '.join(
    f"{c} {sum(r['warmupSeconds'] for r in rows if r['condition'] == c):.1f} s" for c in conditions) + '.')
(d / 'table.md').write_text('\n'.join(out) + '\n')
print('\n'.join(out))
