#!/usr/bin/env python3
"""Lists the test cases of a finished 'mvn verify' (surefire and failsafe XML reports) as TSV: phase, class, case,
seconds; with --by-class, one line per class (cases, and the class's own time from its report) and the totals. Used to keep the case list and the time
of each class next to a change of the test suite.
    scripts/test-cases.py [--by-class] [REPORT_DIR ...]   (default: target/surefire-reports target/failsafe-reports)
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

args = [a for a in sys.argv[1:] if not a.startswith("--")]
by_class = "--by-class" in sys.argv
dirs = args or ["target/surefire-reports", "target/failsafe-reports"]
rows = []
suites = {}
for d in dirs:
    phase = "it" if "failsafe" in d else "unit"
    for f in sorted(glob.glob(os.path.join(d, "TEST-*.xml"))):
        suite = ET.parse(f).getroot()
        cls = suite.get("name").split(".")[-1]
        # a class's own time includes its @BeforeAll work (a whole bench run for the smoke test), not only its cases'
        suites[(phase, cls)] = float(suite.get("time") or 0)
        for case in suite.findall("testcase"):
            # a parameterized case may name a target URI: its password never reaches the list
            name = re.sub(r"(://[^/@\s:]*:)[^@\s]*@", r"\1****@", case.get("name"))
            rows.append((phase, cls, name, float(case.get("time") or 0)))
if by_class:
    counts = {}
    for phase, cls, _, _ in rows:
        counts[(phase, cls)] = counts.get((phase, cls), 0) + 1
    print("phase\tclass\tcases\tseconds")
    for key, seconds in sorted(suites.items(), key=lambda kv: -kv[1]):
        print(f"{key[0]}\t{key[1]}\t{counts.get(key, 0)}\t{seconds:.1f}")
    print(f"all\t{len(suites)} classes\t{len(rows)}\t{sum(suites.values()):.1f}")
else:
    print("phase\tclass\tcase\tseconds")
    for phase, cls, name, t in rows:
        print(f"{phase}\t{cls}\t{name}\t{t:.3f}")
