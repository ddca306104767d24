#!/usr/bin/env python3
"""Reads every file of one input format's folder in testdata/inputs/ and
checks what cstat makes of it against the folder's expect.json.

    inputs.py CSTAT DIR

expect.json maps each file name to what `cstat -format json -samples FILE`
must give:

    {
      "file.json": {
        "rc": 0,                                  # exit status (default 0)
        "format": "gbench",                       # forced with -input-format (optional)
        "results": {                              # every benchmark and unit, and
          "BM_Foo/8": {"sec/op": 10, "B/s": 10}   # how many values each has
        },
        "config": {"host_name": "x"},             # keys every table has (optional)
        "stderr": ["substring", ...],             # each must appear on stderr
        "stderr_empty": true                      # nothing on stderr (optional)
      },
      "bad.json": {"rc": 1, "stderr": ["bad.json:", "truncated"]}
    }

A file with rc != 0 must print nothing on stdout.  "results" is compared
whole: a benchmark or unit too many or too few fails, as does a count.
The folder's README.md says where each file comes from.
"""
import json
import os
import subprocess
import sys


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def check_file(cstat, d, name, want):
    args = [cstat, "-format", "json", "-samples"]
    if "format" in want:
        args += ["-input-format", want["format"]]
    p = subprocess.run(args + [name], cwd=d, capture_output=True, timeout=120)
    out, err = p.stdout.decode(), p.stderr.decode("utf-8", "replace")
    rc = want.get("rc", 0)
    if p.returncode != rc:
        fail("%s: exit %d, want %d; stderr %r" % (name, p.returncode, rc, err))
    for s in want.get("stderr", []):
        if s not in err:
            fail("%s: stderr lacks %r: %r" % (name, s, err))
    if want.get("stderr_empty") and err:
        fail("%s: stderr not empty: %r" % (name, err))
    if rc != 0:
        if out:
            fail("%s: exit %d but stdout not empty" % (name, rc))
        return
    doc = json.loads(out)
    got = {}
    for t in doc["tables"]:
        for k, v in want.get("config", {}).items():
            if t["config"].get(k) != v:
                fail("%s: table %s config %s = %r, want %r" %
                     (name, t["unit"], k, t["config"].get(k), v))
        for row in t["rows"]:
            for cell in row["cells"]:
                if cell is None or not cell.get("n"):
                    continue
                units = got.setdefault(row["name"], {})
                units[t["unit"]] = units.get(t["unit"], 0) + cell["n"]
    if "results" in want and got != want["results"]:
        missing = {k: v for k, v in want["results"].items() if got.get(k) != v}
        extra = {k: v for k, v in got.items() if want["results"].get(k) != v}
        fail("%s: results differ\n  want (differing): %r\n  got  (differing): %r"
             % (name, missing, extra))


def main():
    cstat, d = os.path.abspath(sys.argv[1]), sys.argv[2]
    with open(os.path.join(d, "expect.json")) as f:
        expect = json.load(f)
    files = sorted(f for f in os.listdir(d)
                   if f not in ("expect.json", "README.md"))
    unlisted = [f for f in files if f not in expect]
    if unlisted:
        fail("files without an expectation: %r" % unlisted)
    for name in sorted(expect):
        check_file(cstat, d, name, expect[name])
    print("%d files read as expected" % len(expect))


if __name__ == "__main__":
    main()
