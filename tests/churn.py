#!/usr/bin/env python3
"""Memory in proportion to the input when the configuration churns.

usage: churn.py CSTAT CBASELINE CREGRESS

The input gains a configuration key before each result (`key{i}: v{i}`,
then `BenchmarkA 1 {i+1} ns/op`), so result i has i keys: kept as whole
copies, n steps cost n * n / 2 keys (cstat took 387 MB at 8,000 steps,
cbaseline save 832 MB at 2,000).  For 4x the steps, the peak RSS (from
wait4) must grow at most 6x: linear growth plus the fixed part gives
about 2-4x, quadratic growth 16x.  A ratio of peaks, not a timing.

`save` and `record` are measured at 1,000 and 4,000 steps: the baseline
file itself repeats each group's whole configuration (as cstat-run/1
says), so 8,000 steps would write a 690 MB file.

Time is checked the same way, by counting instead of timing (so that a
loaded machine cannot make it fail): the instructions `cstat` executes
for its text, CSV and Markdown outputs, counted by valgrind's cachegrind,
may grow at most 5.5x for 4x the steps (1,000 to 4,000; measured 4.2x for
text; the code that compared, copied and laid out each whole
configuration grew 16.0x).  JSON and HTML are left out: they list every
configuration key in every table, so their output itself grows n * n.
`cregress` (the input against itself, text) is held to the same 5.5x,
and its peak RSS to the same 6x: the gate kept every comparison's whole
configuration as text and watched the machine keys by scanning each
result's whole configuration (16.0x instructions, 14.1x memory for 4x the
steps; now 4.0x and 2.1x).  Skipped without valgrind.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

MAX_RATIO = 6.0
MAX_INSN_RATIO = 5.5


def peak_kb(args):
    """Runs args; returns (exit status, stdout, stderr, peak RSS in KB)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(args, stdout=out, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        out.seek(0)
        err.seek(0)
        return (os.waitstatus_to_exitcode(status), out.read().decode(),
                err.read().decode(), usage.ru_maxrss)


def churn(path, steps):
    """The generator of the report: a key before each result."""
    with open(path, "w") as f:
        for i in range(steps):
            f.write("key%d: v%d\nBenchmarkA 1 %d ns/op\n" % (i, i, i + 1))


def measure(d, what, steps, make_args):
    """Peak RSS in KB of make_args(path) on a churn input of steps."""
    path = os.path.join(d, "churn%d.txt" % steps)
    if not os.path.exists(path):
        churn(path, steps)
    rc, out, err, kb = peak_kb(make_args(path, steps))
    if rc != 0:
        raise AssertionError("%s, %d steps: rc %d: %s" %
                             (what, steps, rc, err))
    print("%-16s %5d steps (%7d bytes): peak %7d KB" %
          (what, steps, os.path.getsize(path), kb))
    return kb, out


def instructions(args):
    """The instructions args executes, counted by cachegrind."""
    p = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no",
                        "--cachegrind-out-file=/dev/null"] + args,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    m = re.search(r"I\s+refs:\s+([\d,]+)", p.stderr.decode())
    if p.returncode != 0 or not m:
        raise AssertionError("%s: rc %d: %s" %
                             (args, p.returncode, p.stderr.decode()[-400:]))
    return int(m.group(1).replace(",", ""))


def time_growth(d, cstat, cregress, failed):
    """Instruction counts of cstat at 1,000 and 4,000 steps by format, and
    of cregress."""
    if not shutil.which("valgrind"):
        print("instruction counts skipped: no valgrind")
        return
    cases = [("cstat -format " + fmt, lambda p, f=fmt: [cstat, "-format", f, p])
             for fmt in ("text", "csv", "markdown")]
    cases.append(("cregress", lambda p: [cregress, p, p]))
    for what, args in cases:
        counts = []
        for steps in (1000, 4000):
            path = os.path.join(d, "churn%d.txt" % steps)
            if not os.path.exists(path):
                churn(path, steps)
            counts.append(instructions(args(path)))
        ratio = counts[1] / counts[0]
        print("%-22s %d / %d instructions: ratio %.2f for 4x the steps "
              "(limit %.1f)" % (what, counts[1], counts[0], ratio,
                                MAX_INSN_RATIO))
        if ratio > MAX_INSN_RATIO:
            failed.append("%s: %.2fx instructions" % (what, ratio))


def sanitized(exe):
    """Whether exe was built with AddressSanitizer or ThreadSanitizer,
    whose shadow memory is what its peak RSS would measure (and whose save
    of 4,000 steps outlasts the test's time)."""
    with open(exe, "rb") as f:
        data = f.read()
    return b"__asan_init" in data or b"__tsan_init" in data


def main():
    cstat, cbaseline, cregress = sys.argv[1], sys.argv[2], sys.argv[3]
    if sanitized(cstat) or sanitized(cbaseline) or sanitized(cregress):
        print("skipped: a sanitizer build measures the sanitizer's memory")
        return 77
    failed = []
    with tempfile.TemporaryDirectory() as d:
        def run_cstat(path, steps):
            return [cstat, path]

        def run_cregress(path, steps):
            return [cregress, path, path]

        def run_store(cmd):
            def args(path, steps):
                store = os.path.join(d, "%s%d" % (cmd, steps))
                return [cbaseline, "-store", store, cmd, "b", path]
            return args

        cases = [("cstat", (2000, 8000), run_cstat),
                 ("cbaseline save", (1000, 4000), run_store("save")),
                 ("cbaseline record", (1000, 4000), run_store("record")),
                 ("cregress", (1000, 4000), run_cregress)]
        for what, (small, large), args in cases:
            kb_small, out = measure(d, what, small, args)
            kb_large, _ = measure(d, what, large, args)
            ratio = kb_large / kb_small
            print("%-16s peak ratio %.2f for 4x the steps (limit %.0f)" %
                  (what, ratio, MAX_RATIO))
            if ratio > MAX_RATIO:
                failed.append("%s: %.2fx" % (what, ratio))
            if what == "cstat" and out.count("sec/op") != small:
                failed.append("cstat: %d tables, want %d" %
                              (out.count("sec/op"), small))
            if what == "cregress" and \
                    "0 regressions, 0 improvements, %d unchanged" % small \
                    not in out:
                failed.append("cregress: want %d unchanged: %s" %
                              (small, out))
        time_growth(d, cstat, cregress, failed)
    if failed:
        print("FAIL: " + "; ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
