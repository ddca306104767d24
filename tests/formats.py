#!/usr/bin/env python3
"""Golden files for cstat's HTML, Markdown and JSON output and for -stats,
over a set of the conformance inputs.

usage: formats.py CSTAT CONFORMANCE_DIR GOLDEN_DIR CASE

For each format (and text and CSV with -stats) the output of cstat on the
case's inputs must equal testdata/formats/CASE.FORMAT byte for byte.  The
JSON is also parsed back and its centers checked against the CSV output,
and the text and CSV without -stats against the case's benchstat output
(so the new formats never change the old ones).  UPDATE_GOLDEN=1 rewrites
the golden files from the current binary: read the diff before committing.
"""
import csv
import io
import json
import os
import subprocess
import sys

RUNS = [
    ("md", ["-format", "markdown"]),
    ("json", ["-format", "json"]),
    ("html", ["-format", "html"]),
    ("stats.txt", ["-stats", "mean,stddev,p90,n"]),
    ("stats.csv", ["-format", "csv", "-stats", "min,max,cv,p99.9"]),
    ("stats.md", ["-format", "markdown", "-stats", "mean,stddev,n"]),
    ("samples.json", ["-format", "json", "-samples", "-stats", "p50"]),
]


def main():
    cstat, conf, golden_dir, case = sys.argv[1:5]
    cdir = os.path.join(conf, case)
    with open(os.path.join(cdir, "args")) as f:
        args = [a for a in f.read().split("\n") if a]

    def run(extra):
        p = subprocess.run([os.path.abspath(cstat)] + extra + args,
                           cwd=cdir, capture_output=True, timeout=60)
        if p.returncode != 0:
            raise SystemExit("%s %s: exit %d: %s" % (case, extra,
                             p.returncode, p.stderr.decode()))
        return p.stdout.decode()

    failed = []
    for suffix, extra in RUNS:
        got = run(extra)
        path = os.path.join(golden_dir, "%s.%s" % (case, suffix))
        if os.environ.get("UPDATE_GOLDEN"):
            with open(path, "w") as f:
                f.write(got)
        with open(path) as f:
            if f.read() != got:
                failed.append(path)
    # The default formats are still benchstat's.
    with open(os.path.join(cdir, "stdout")) as f:
        if run([]) != f.read():
            failed.append("text differs from benchstat's")
    # JSON numbers are the CSV's numbers.
    doc = json.loads(run(["-format", "json"]))
    centers = [float(r[1]) for r in csv.reader(io.StringIO(
        run(["-format", "csv"]))) if len(r) > 2 and r[0] not in
        ("", "geomean") and r[1] not in ("",) and not r[1].startswith(
            ("sec", "B", "CI")) and _num(r[1])]
    got = [c["center"] for t in doc["tables"] for row in t["rows"]
           for c in row["cells"][:1] if c is not None]
    if centers != got or not centers:
        failed.append("JSON centers %r != CSV %r" % (got, centers))
    if failed:
        raise SystemExit("differs: " + ", ".join(failed))


def _num(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


if __name__ == "__main__":
    main()
