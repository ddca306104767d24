#!/usr/bin/env python3
"""cstat -correlate from the command line, on a real pair
(testdata/correlate/tablewriter_{old,new}.txt, olekukonko/tablewriter):
properties of its output in every format, and the exit codes of its
refusals (2: a confidence of 1; 1: an input that cannot be read).

B/s is bytes over time, so its changes must move against sec/op's: a
known answer that a real file carries.

usage: correlate_cli.py CSTAT TESTDATA_CORRELATE
"""
import csv
import io
import json
import re
import subprocess
import sys
from html.parser import HTMLParser

cstat, data = sys.argv[1], sys.argv[2]
old = "old=" + data + "/tablewriter_old.txt"
new = "new=" + data + "/tablewriter_new.txt"


def run(*args):
    return subprocess.run([cstat, *args], capture_output=True, text=True)


failed = False


def check(what, ok):
    global failed
    if not ok:
        print("FAIL:", what)
        failed = True


p = run("-correlate", old, new)
check("exit 0", p.returncode == 0 and p.stderr == "")
check("inputs named", "inputs: old -> new\n" in p.stdout)
check("sec/op against B/s, all 38 benchmarks",
      "sec/op changes move against B/s changes, rho = -0.98 [-0.99, -0.96], "
      "38 benchmarks" in p.stdout)
check("B/op and allocs/op left out where nothing is allocated",
      "12 left out (a median of 0 or less)" in p.stdout)

p = run("-correlate", "-format", "json", old, new)
doc = json.loads(p.stdout)
check("json schema", doc["schema"] == "cstat-correlate/1")
across = {(a["unit_a"], a["unit_b"]): a for a in doc["across"]}
check("six pairs of four units", len(across) == 6)
sb = across[("sec/op", "B/s")]
check("json: rho in its interval, strong negative",
      sb["lo"] <= sb["rho"] <= sb["hi"] and sb["strong"] == -1 and sb["n"] == 38)
for a in doc["across"]:
    check("n + dropped is the same 38 benchmarks or fewer",
          a["n"] + a["dropped"] <= 38)
within = [w for w in doc["within"] if w["unit_b"] == "B/s"
          and w["unit_a"] == "sec/op"]
check("within, per input", len(within) == 2)
for w in within:
    rhos = [e["rho"] for e in w["each"] if e["status"] == "ok"]
    check("within: every run's B/s against its sec/op",
          len(rhos) == w["with_rho"] and all(r < 0 for r in rhos))

p = run("-correlate", "-format", "csv", old, new)
rows = list(csv.DictReader(io.StringIO(p.stdout)))
check("csv: the across rows", sum(r["kind"] == "across" for r in rows) == 6)
check("csv: one within row per benchmark and pair",
      sum(r["kind"] == "within" for r in rows) ==
      sum(w["benchmarks"] for w in doc["within"]))

p = run("-correlate", "-format", "markdown", old, new)
check("markdown table", "| sec/op | B/s | -0.98 |" in p.stdout)


class Svgs(HTMLParser):
    svgs = circles = 0

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.svgs += 1
        if tag == "circle":
            self.circles += 1


p = run("-correlate", "-format", "html", old, new)
h = Svgs()
h.feed(p.stdout)
check("html: a scatter plot per pair", h.svgs == 6)
check("html: a point per benchmark with both changes",
      h.circles == sum(a["n"] for a in doc["across"]))

p = run("-correlate", old)
check("one input: within only", p.returncode == 0 and
      "(needs two inputs" in p.stdout and
      re.search(r"^old +sec/op +B/s +38 \(38 with a rho\) +-1.00 ", p.stdout,
                re.M))
p = run("-correlate", "-confidence", "1", old, new)
check("confidence 1 refused with 2", p.returncode == 2 and p.stdout == "")
p = run("-correlate", data + "/no-such-file.txt")
check("missing input exits 1", p.returncode == 1 and p.stdout == "")
p = run(old, new)
check("default output unchanged: the comparison", p.returncode == 0 and
      "vs base" in p.stdout and "rho" not in p.stdout)
sys.exit(1 if failed else 0)
