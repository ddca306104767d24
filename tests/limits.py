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


def env_with(**kw):
    env = dict(os.environ)
    env.update(kw)
    return env


def test_line_ceiling():
    # cstat /dev/zero grew until the machine ran out; with a 1 MiB
    # ceiling it stops at the first line, in a few MB.
    rc, out, err, kb = peak_kb([CSTAT, "/dev/zero"],
                               env=env_with(CSTAT_MAX_LINE="1M"))
    print("cstat /dev/zero, CSTAT_MAX_LINE=1M: rc %d, peak %d KB, %s" %
          (rc, kb, err.strip()))
    expect(rc == 1, "rc %d" % rc)
    expect(err == "cstat: /dev/zero:1: line too long (over 1048576 bytes)\n",
           err)
    expect(kb < 64 * 1024, "peak %d KB" % kb)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "long.txt")
        with open(path, "w") as f:
            f.write("BenchmarkA 1 1 ns/op\n")
            f.write("Benchmark" + "x" * 2000 + " 1 100 ns/op\n")
        # The line of 2,020 bytes is over a 2K ceiling, not over 3K.
        rc, out, err, _ = peak_kb([CSTAT, path],
                                  env=env_with(CSTAT_MAX_LINE="2000"))
        expect(rc == 1 and err.endswith("long.txt:2: line too long "
                                        "(over 2000 bytes)\n"), err)
        rc, out, err, _ = peak_kb([CSTAT, path],
                                  env=env_with(CSTAT_MAX_LINE="3K"))
        expect(rc == 0 and "x" * 100 in out, "rc %d: %s" % (rc, err))
        rc, out, err, _ = peak_kb([CSTAT, path],
                                  env=env_with(CSTAT_MAX_LINE="lots"))
        expect(rc == 2 and "CSTAT_MAX_LINE must be" in err, err)


def test_input_ceiling():
    # The JSON formats keep the whole input; cregress -config reads the
    # whole file: both stop at CSTAT_MAX_INPUT.
    env = env_with(CSTAT_MAX_INPUT="1M")
    rc, out, err, kb = peak_kb(
        [CSTAT, "-input-format", "gbench", "/dev/zero"], env=env)
    print("cstat -input-format gbench /dev/zero: rc %d, peak %d KB, %s" %
          (rc, kb, err.strip()))
    expect(rc == 1, "rc %d" % rc)
    expect(err == "cstat: /dev/zero: input too large "
           "(over 1048576 bytes)\n", err)
    expect(kb < 64 * 1024, "peak %d KB" % kb)
    with tempfile.TemporaryDirectory() as d:
        ok = os.path.join(d, "ok.txt")
        with open(ok, "w") as f:
            f.write("BenchmarkA 1 1 ns/op\n")
        rc, out, err, kb = peak_kb(
            [CREGRESS, "-config", "/dev/zero", ok, ok], env=env)
        print("cregress -config /dev/zero: rc %d, peak %d KB, %s" %
              (rc, kb, err.strip()))
        expect(rc == 2, "rc %d" % rc)
        expect(err == "cregress: read /dev/zero: file too large "
               "(over 1048576 bytes)\n", err)
        expect(kb < 64 * 1024, "peak %d KB" % kb)
        # Without the variable, the config's own ceiling (16 MiB) holds.
        rc, out, err, kb = peak_kb(
            [CREGRESS, "-config", "/dev/zero", ok, ok])
        expect(rc == 2 and "(over 16777216 bytes)" in err, err)
        expect(kb < 128 * 1024, "peak %d KB" % kb)


def main():
    global CSTAT, CREGRESS
    CSTAT, CREGRESS, name = sys.argv[1], sys.argv[2], sys.argv[3]
    globals()["test_" + name]()


if __name__ == "__main__":
    main()
