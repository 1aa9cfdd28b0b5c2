#!/usr/bin/env python3
"""Where a fork's seconds go: reads the time-stamped JMH logs that scripts/fork-cost.sh wrote (one per trial, each a
`java -jar JAR ... -f 1` run: host JVM, one fork, host exit) and prints, per build and benchmark, the median seconds of
each part and the fixed part (everything but the measurement iterations).

Parts: host (JVM start of `java -jar` until JMH launches the fork), fork set-up (fork JVM start, class loading,
connections, preload: until the warm-up starts), JIT warm-up (sessionbench's untimed warm-up), measurement (the
iterations), exit (the fork ending and the host writing its results and exiting)."""
import glob, os, re, statistics, sys

def parse(path):
    stamps = []
    for line in open(path, encoding='utf-8', errors='replace'):
        m = re.match(r'\s*([0-9.]+) (.*)', line)
        if m:
            stamps.append((float(m.group(1)), m.group(2)))
    end = next(t for t, s in stamps if s == '__end__')
    fork = next(t for t, s in stamps if s.startswith('# Fork: 1 of 1'))
    wu = next((t, float(re.search(r'steady: ([0-9.]+) s', s).group(1)) if 'steady:' in s
               else float(re.search(r'settled[^:]*: ([0-9.]+) s', s).group(1)))
              for t, s in stamps if 'sessionbench: warm-up' in s)
    iters = [t for t, s in stamps if re.match(r'Iteration +\d+:', s)]
    last = iters[-1]
    warm_end = wu[0]
    return {'host': fork, 'set-up': warm_end - wu[1] - fork, 'warm-up': wu[1], 'measurement': last - warm_end,
            'exit': end - last, 'total': end}

def main(folder):
    rows = {}
    for log in sorted(glob.glob(os.path.join(folder, 'logs', '*.log'))):
        build, bench = os.path.basename(log).split('__')[1:3]
        try:
            rows.setdefault((build, bench.replace('.log', '')), []).append(parse(log))
        except (StopIteration, AttributeError) as e:
            print(f'{log}: not a complete trial ({e})', file=sys.stderr)
    parts = ['host', 'set-up', 'warm-up', 'measurement', 'exit', 'total']
    print('| build | benchmark | trials | ' + ' | '.join(parts) + ' | fixed (all but measurement) | fixed of a fork in one host (set-up + warm-up + exit) |')
    print('|---|---|---:|' + '---:|' * (len(parts) + 2))
    for (build, bench), trials in sorted(rows.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        med = {p: statistics.median(t[p] for t in trials) for p in parts}
        fixed = statistics.median(t['total'] - t['measurement'] for t in trials)
        in_host = statistics.median(t['set-up'] + t['warm-up'] + t['exit'] for t in trials)
        print(f'| {build} | {bench} | {len(trials)} | ' + ' | '.join(f'{med[p]:.2f}' for p in parts)
              + f' | {fixed:.2f} | {in_host:.2f} |')

if __name__ == '__main__':
    main(sys.argv[1])
