"""A pair of Go benchmark files with known changes, from a fixed seed.

write_pair(dir, nbench, seed) writes dir/old.txt and dir/new.txt (and an
'args' file as conformance.py and browser.py read it): nbench benchmarks
of 10 runs each with lognormal noise of 1% (sigma 0.01), one unit
(sec/op) and, for every third benchmark, B/op as well (exact values).
Changes are put in on purpose, as (index, factor) in CHANGES: a 40x
speed-up, others from -30% to +25%, and three of +1.5% to +2.5% that are
small against the noise (a test finds them or not, the threshold keeps
them out).  Everything else is the same code measured twice.  Returns the
(name, unit, factor) of every planted change that exists for nbench.
"""
import math
import os
import random

# Benchmark index -> the new median over the old.
CHANGES = [(0, 1 / 40.0), (1, 1.25), (7, 0.70), (30, 1.12), (45, 0.85),
           (60, 1.5), (88, 0.9), (120, 1.08), (150, 0.6), (199, 1.3),
           (230, 0.8), (281, 1.2), (12, 1.02), (77, 0.985), (140, 1.025)]

RUNS = 10
SIGMA = 0.01


def name(i):
    groups = ["Encode", "Decode", "Parse", "Sort", "Hash", "Compress"]
    return "%s/case=%03d-8" % (groups[i % len(groups)], i)


def write_pair(outdir, nbench, seed):
    rng = random.Random(seed)
    os.makedirs(outdir, exist_ok=True)
    factor = dict(CHANGES)
    base = [math.exp(rng.uniform(math.log(50), math.log(5e7)))
            for _ in range(nbench)]
    for side, fname in ((0, "old.txt"), (1, "new.txt")):
        lines = ["goos: linux", "goarch: amd64", "pkg: example.com/gen",
                 "cpu: Generated CPU @ 3.00GHz"]
        for run in range(RUNS):
            for i in range(nbench):
                f = factor.get(i, 1.0) if side else 1.0
                ns = base[i] * f * math.exp(rng.gauss(0, SIGMA))
                line = "Benchmark%s %d %.1f ns/op" % (
                    name(i), max(1, int(1e9 / ns)), ns)
                if i % 3 == 0:
                    line += " %d B/op" % (64 * (i + 1))
                lines.append(line)
        with open(os.path.join(outdir, fname), "w") as fh:
            fh.write("\n".join(lines) + "\n")
    with open(os.path.join(outdir, "args"), "w") as fh:
        fh.write("old.txt\nnew.txt\n")
    return [(name(i), "sec/op", f) for i, f in CHANGES if i < nbench]
