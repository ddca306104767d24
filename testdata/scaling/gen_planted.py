#!/usr/bin/env python3
"""Writes the planted scaling inputs of tests/scaling_cli.py and
tests/cregress.py: Go benchmark text in which Sort costs 2 ns * n (O(n))
or 0.05 ns * n^2 (O(n^2)) and Lookup 40 ns (O(1)), at n = 16 .. 4096 (5
sizes, 6 runs each), with 3% log-normal noise; fixed seeds, so the files
are the same on every run:

  planted-linear.txt     seed 1: Sort O(n), Lookup O(1)
  planted-linear2.txt    seed 2: the same classes, other noise
  planted-quadratic.txt  seed 3: Sort O(n^2), Lookup O(1)
"""
import math
import random
import sys

SIZES = [16, 64, 256, 1024, 4096]


def write(path, seed, sort_cost):
    rng = random.Random(seed)
    lines = ["goos: linux", "goarch: amd64", "pkg: example.com/planted"]
    for run in range(6):
        for n in SIZES:
            for name, cost in (("Sort", sort_cost(n)), ("Lookup", 40.0)):
                v = cost * math.exp(rng.gauss(0, 0.03))
                lines.append("Benchmark%s/n=%d-8\t%d\t%.4g ns/op" %
                             (name, n, 1000, v))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\nPASS\n")


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "."
    write(d + "/planted-linear.txt", 1, lambda n: 2.0 * n)
    write(d + "/planted-linear2.txt", 2, lambda n: 2.0 * n)
    write(d + "/planted-quadratic.txt", 3, lambda n: 0.05 * n * n)


if __name__ == "__main__":
    main()
