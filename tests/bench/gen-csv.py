#!/usr/bin/env python3
"""Writes cstat's long CSV (docs/formats.md), for measuring the reader and
for test inputs.

    gen-csv.py MEGABYTES OUT      ~MEGABYTES of rows: 200 benchmarks, two
                                  configuration columns, sec/op and B/op
                                  values from a fixed-seed RNG (seed 1)
    gen-csv.py --from-go FILE     the long CSV of a Go benchmark text file:
                                  one row per value, each "key: value" line
                                  a column (iteration counts are dropped)
"""
import csv
import random
import re
import sys


def generate(megabytes, out):
    rng = random.Random(1)
    limit = megabytes * 1000 * 1000
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "value", "unit", "goos", "cpu"])
        n = 0
        while f.tell() < limit:
            for b in range(200):
                name = "Encode/size=%d/mode=%s" % (1 << (b % 20),
                                                   "abcd"[b % 4])
                w.writerow([name, repr(rng.lognormvariate(3, 0.1)),
                            "sec/op", "linux", "cpu%d" % (n % 2)])
                w.writerow([name, str(rng.randrange(1, 1 << 20)), "B/op",
                            "linux", "cpu%d" % (n % 2)])
            n += 1


BENCH = re.compile(r"^Benchmark(\S+)\s+\d+\s+(.*)$")
CONFIG = re.compile(r"^([a-z][^\s:]*):\s*(.*)$")


def from_go(path):
    rows, keys, config = [], [], {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        m = CONFIG.match(line)
        if m:
            if m.group(1) not in keys:
                keys.append(m.group(1))
            config[m.group(1)] = m.group(2)
            continue
        m = BENCH.match(line)
        if not m:
            continue
        f = m.group(2).split()
        for v, u in zip(f[0::2], f[1::2]):
            rows.append([m.group(1), v, u] + [config.get(k, "") for k in keys])
    w = csv.writer(sys.stdout, lineterminator="\r\n")
    w.writerow(["name", "value", "unit"] + keys)
    for r in rows:
        w.writerow(r + [""] * (3 + len(keys) - len(r)))


if __name__ == "__main__":
    if sys.argv[1] == "--from-go":
        from_go(sys.argv[2])
    else:
        generate(int(sys.argv[1]), sys.argv[2])
