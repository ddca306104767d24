#!/usr/bin/env python3
"""Writes a large Google Benchmark JSON file for measuring cstat's reader.

usage: gen-gbench.py OUT [NBENCH=15000] [COUNT=10] [SEED=1]

The layout is json_reporter.cc's (two-space indent, one key per line, the
fields Google Benchmark 1.8 writes, %.17g-like numbers): NBENCH
benchmarks, each with COUNT repetitions ("run_type": "iteration") and the
mean, median, stddev and cv aggregates Google Benchmark adds after them.
The defaults give about 100 MB and 150,000 samples (210,000 entries)."""
import random
import sys


def entry(f, first, name, fam, kind, rep, count, real, cpu, items, agg=None):
    f.write("%s    {\n" % ("" if first else ",\n"))
    full = name if agg is None else "%s_%s" % (name, agg)
    f.write('      "name": "%s",\n' % full)
    f.write('      "family_index": %d,\n' % fam)
    f.write('      "per_family_instance_index": 0,\n')
    f.write('      "run_name": "%s",\n' % name)
    f.write('      "run_type": "%s",\n' % kind)
    f.write('      "repetitions": %d,\n' % count)
    if agg is None:
        f.write('      "repetition_index": %d,\n' % rep)
    f.write('      "threads": 1,\n')
    if agg is not None:
        f.write('      "aggregate_name": "%s",\n' % agg)
        f.write('      "aggregate_unit": "%s",\n' %
                ("percentage" if agg == "cv" else "time"))
    f.write('      "iterations": %d,\n' % max(1, int(1e9 / max(real, 1))))
    f.write('      "real_time": %.16e,\n' % real)
    f.write('      "cpu_time": %.16e,\n' % cpu)
    f.write('      "time_unit": "ns",\n')
    f.write('      "items_per_second": %.16e\n' % items)
    f.write("    }")


def main():
    out = sys.argv[1]
    nbench = int(sys.argv[2]) if len(sys.argv) > 2 else 15000
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    with open(out, "w") as f:
        f.write('{\n  "context": {\n    "date": "2024-01-15T10:00:00+00:00",\n'
                '    "host_name": "bench-host",\n    "executable": "./bench",\n'
                '    "num_cpus": 8,\n    "mhz_per_cpu": 3000,\n'
                '    "cpu_scaling_enabled": false,\n'
                '    "load_avg": [0.5,0.4,0.3],\n'
                '    "library_version": "v1.8.3",\n'
                '    "library_build_type": "release",\n'
                '    "json_schema_version": 1\n  },\n  "benchmarks": [\n')
        first = True
        for i in range(nbench):
            name = "BM_Synthetic/%d/real_time" % i
            base = 10 ** rng.uniform(1, 7)
            reals = []
            for r in range(count):
                real = base * rng.gauss(1, 0.02)
                reals.append(real)
                entry(f, first, name, i, "iteration", r, count, real,
                      real * 1.01, 1e9 / real)
                first = False
            mean = sum(reals) / count
            for agg in ("mean", "median", "stddev", "cv"):
                entry(f, False, name, i, "aggregate", 0, count, mean,
                      mean * 1.01, 1e9 / mean, agg)
        f.write("\n  ]\n}\n")


if __name__ == "__main__":
    main()
