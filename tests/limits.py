#!/usr/bin/env python3
"""Inputs that must not cost quadratic time or unbounded memory.

usage: limits.py CSTAT CREGRESS NAME   (NAME is one of the test_* functions)

Each test runs the real binary in a subprocess and asserts on a bound the
old code missed by orders of magnitude (docs/security.md, "Inputs"), not on
a tight timing.
"""
import os
import subprocess
import sys
import tempfile
import time

CSTAT = None
CREGRESS = None


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def peak_kb(args, env=None):
    """Runs args; returns (exit status, stdout, stderr, peak RSS in KB)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(args, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (p.returncode, out.read().decode(), err.read().decode(),
                usage.ru_maxrss)


def churn(path, steps):
    """A configuration that gains a key before each result."""
    with open(path, "w") as f:
        for i in range(steps):
            f.write("key%d: v%d\nBenchmarkA 1 %d ns/op\n" % (i, i, i))


def test_filter_long_name():
    # glibc's regexec took 34 s on this 100,000-byte name; ours, ~10 ms.
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "long.txt")
        with open(path, "w") as f:
            f.write("Benchmark" + "x" * 100000 + " 1 100 ns/op\n")
            f.write("BenchmarkA 1 100 ns/op\n")
        t0 = time.monotonic()
        p = subprocess.run([CSTAT, "-filter", ".fullname:/x+y/", path],
                           capture_output=True, timeout=30)
        took = time.monotonic() - t0
        print("/x+y/ on a 100,000-byte name: %.3f s" % took)
        expect(p.returncode == 0, "rc %d" % p.returncode)
        expect(took < 5, "took %.1f s" % took)


def test_config_churn_memory():
    # The reader's side: each new configuration used to be copied whole
    # for the adding thread (490 MB at 4,000 steps, 1.96 GB at 8,000).
    # -ignore .config keeps the builder's keys out of the measure.
    with tempfile.TemporaryDirectory() as d:
        kb = {}
        for steps in (4000, 8000):
            path = os.path.join(d, "churn%d.txt" % steps)
            churn(path, steps)
            rc, out, err, kb[steps] = peak_kb(
                [CSTAT, "-table", ".name", "-ignore", ".config", path])
            expect(rc == 0, "rc %d: %s" % (rc, err))
            print("%d steps (%d bytes): peak %d KB" %
                  (steps, os.path.getsize(path), kb[steps]))
        expect(kb[8000] < 64 * 1024, "8,000 steps: %d KB" % kb[8000])
        expect(kb[8000] < 1.5 * kb[4000] + 8 * 1024,
               "peak grows %.1fx for 2x the input" % (kb[8000] / kb[4000]))


def main():
    global CSTAT, CREGRESS
    CSTAT, CREGRESS, name = sys.argv[1], sys.argv[2], sys.argv[3]
    globals()["test_" + name]()


if __name__ == "__main__":
    main()
