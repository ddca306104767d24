#!/usr/bin/env python3
"""The measuring half of tests/bench/bench.sh (see there for the usage).

Runs every command on the large input, interleaved with the reference
build's and with `cat`, and prints medians of wall time, CPU time
(user + system), peak RSS and minor page faults (which, unlike the times,
do not move with the machine's load; the system counts there the pages
mapped ahead by madvise(MADV_POPULATE_WRITE) too, so the column is the
pages mapped, however: `perf stat -e page-faults` counts the traps
alone), the ratios issue 16 sets goals for, and
benchstat's recorded figures beside them.  Before timing, each command's
stdout and stderr from both builds are compared byte for byte.

argv: WORK RUNS REF CUR_TOOLS REF_TOOLS GROWTH CMDS
"""
import hashlib
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

work, runs, ref, cur, refdir, growth, cmds = sys.argv[1:8]
runs = int(runs)
cmds = cmds.split(",")
old, new = work + "/large-old.txt", work + "/large-new.txt"
in_bytes = os.path.getsize(old) + os.path.getsize(new)

ARGS = {
    "text": ["cstat"],
    "csv": ["cstat", "-format", "csv"],
    "markdown": ["cstat", "-format", "markdown"],
    "json": ["cstat", "-format", "json"],
    "html": ["cstat", "-format", "html"],
    "parse": ["cstat", "-filter", ".name:none"],
    "v1": ["cstat", "-v1"],
    "cregress": ["cregress"],
}


def argv_of(tools, name, a, b):
    if name == "cat":
        return ["cat", a, b]
    words = ARGS[name]
    return [tools + "/" + words[0]] + words[1:] + [a, b]


def measure(argv):
    """Wall seconds, CPU seconds, peak RSS in kB and minor page faults of
    one run."""
    fd, path = tempfile.mkstemp()
    os.close(fd)
    t = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-f", "%U %S %M %R", "-o", path] + argv,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    u, s, m, r = open(path).read().split()[-4:]
    os.unlink(path)
    return wall, float(u) + float(s), int(m), int(r)


def digest(argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return hashlib.sha256(p.stdout + b"\0" + p.stderr).hexdigest(), p.returncode


def medians(samples):
    return tuple(statistics.median(x[i] for x in samples) for i in range(4))


# Same bytes first: a faster build that prints something else is no result.
builds = [("cur", cur)] + ([("ref", refdir)] if refdir else [])
if refdir:
    for name in cmds:
        if name == "cat":
            continue
        a = digest(argv_of(cur, name, old, new))
        b = digest(argv_of(refdir, name, old, new))
        print("%-9s output %s" % (name, "identical to " + ref if a == b
                                  else "DIFFERS from " + ref))

samples = {}
for _ in range(runs):
    for name in cmds:
        for label, tools in builds:
            if name == "cat" and label == "ref":
                continue
            key = name if label == "cur" else "ref-" + name
            samples.setdefault(key, []).append(
                measure(argv_of(tools, name, old, new)))
med = {k: medians(v) for k, v in samples.items()}

print()
print("input: 2 files x 200,000 results (%.1f MB), %d runs each, medians"
      % (in_bytes / 1e6, runs))
print("%-9s %8s %8s %8s %7s | %8s %8s %8s %7s | %7s %7s" % (
    "", "wall s", "cpu s", "RSS MB", "faults", "ref wall", "ref cpu",
    "ref MB", "faults", "x ref", "x text"))
for name in cmds:
    if name not in med:
        continue
    w, c, m, f = med[name]
    line = "%-9s %8.4f %8.4f %8.1f %7d |" % (name, w, c, m / 1024, f)
    if "ref-" + name in med:
        rw, rc, rm, rf = med["ref-" + name]
        line += " %8.4f %8.4f %8.1f %7d | %7.2f" % (rw, rc, rm / 1024, rf,
                                                    w / rw)
    else:
        line += " %8s %8s %8s %7s | %7s" % ("", "", "", "", "")
    if "text" in med and name != "cat":
        line += " %7.2f" % (w / med["text"][0])
    print(line)

print()
print("benchstat (recorded, ../shared/bench/README.md): text 1.9-2.6 s, "
      "187-271 MB; csv 1.2-1.4 s, 163-166 MB; parse only 0.08 s, 2.2 MB")
if "text" in med:
    w, _, m, _ = med["text"]
    print("text: %.1fx faster than benchstat's best time (%.1fx its median "
          "2.25 s), %.1fx less memory than its smallest"
          % (1.9 / w, 2.25 / w, 187.0 / (m / 1024)))


def goal(what, value, limit, fmt="%.2f"):
    ok = "met" if value <= limit else "NOT met"
    print(("  %-46s " + fmt + " (goal <= " + fmt + ") %s") % (what, value,
                                                           limit, ok))


print()
print("issue 16's goals, from these medians:")
if "text" in med and "ref-text" in med:
    goal("text time / reference's", med["text"][0] / med["ref-text"][0], 0.55)
if "text" in med:
    goal("text peak RSS, MB", med["text"][2] / 1024, 19.0, "%.1f")
if "parse" in med and "cat" in med:
    goal("parse-only time / cat's", med["parse"][0] / med["cat"][0], 2.0)
    print("  parse only: %.2f GB/s of input per CPU second (%.2f GB/s wall)"
          % (in_bytes / 1e9 / med["parse"][1], in_bytes / 1e9 / med["parse"][0]))
for name, limit in (("csv", 1.2), ("markdown", 1.2), ("json", 1.2),
                    ("html", 1.2), ("v1", 1.5), ("cregress", 1.2)):
    if name in med and "text" in med:
        goal(name + " time / text time", med[name][0] / med["text"][0], limit)
if "v1" in med and "text" in med:
    goal("v1 peak RSS / text's", med["v1"][2] / med["text"][2], 1.0)

if growth != "1":
    sys.exit(0)

# Growth: the same commands at 2,000, 20,000 and 200,000 benchmarks (10
# runs of each, three units: 60,000 to 6,000,000 values per file).
print()
print("growth (this build; %d runs each, medians; per result = per input line)"
      % runs)
sizes = [(2000, work + "/g2000"), (20000, work + "/large"),
         (200000, work + "/g200000")]
gcmds = [c for c in ("text", "v1", "cregress") if c in cmds]
print("%-9s %8s %10s %10s %12s %12s" % ("", "benchmarks", "wall s", "RSS MB",
                                        "us/result", "kB/benchmark"))
for name in gcmds:
    pts = []
    for n, prefix in sizes:
        s = [measure(argv_of(cur, name, prefix + "-old.txt", prefix + "-new.txt"))
             for _ in range(runs)]
        w, c, m, _ = medians(s)
        results = 2 * n * 10
        pts.append((n, w, m))
        print("%-9s %8d %10.4f %10.1f %12.3f %12.3f" % (
            name, n, w, m / 1024, w / results * 1e6, m / n))
    # Least-squares slope of log(cost) on log(n) between the two larger
    # sizes and over all three: 1.0 is linear.
    for label, idx in (("time", 1), ("memory", 2)):
        xs = [math.log(p[0]) for p in pts]
        ys = [math.log(p[idx]) for p in pts]
        mx, my = sum(xs) / 3, sum(ys) / 3
        k = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / \
            sum((x - mx) ** 2 for x in xs)
        k2 = (ys[2] - ys[1]) / (xs[2] - xs[1])
        print("  %s %s grows as n^%.2f over all sizes, n^%.2f from 20,000 to "
              "200,000" % (name, label, k, k2))
