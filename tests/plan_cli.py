#!/usr/bin/env python3
"""cregress -plan from the command line on a real file (testdata/plan: a
CockroachDB run of 7 benchmarks, 10 values each): the plan's properties in
text, Markdown and JSON, that two inputs plan from the first one's noise,
and the exit codes (0 on a plan; 2 on a bad CHANGE, power or count, a
report a plan has not, -aa or -history with it, no input, or an input
that cannot be read).

usage: plan_cli.py CREGRESS TESTDATA_PLAN
"""
import json
import os
import subprocess
import sys
import tempfile

cregress, data = sys.argv[1], sys.argv[2]
a = data + "/cockroach-microbench_set-a_pkg_util_hlc-report.log"
b = data + "/cockroach-microbench_set-b_pkg_util_hlc-report.log"


def run(*args):
    return subprocess.run([cregress, *args], capture_output=True, text=True)


failed = False


def check(what, ok):
    global failed
    if not ok:
        print("FAIL:", what)
        failed = True


def plan_json(*args):
    p = run("-format", "json", "-plan", *args)
    check("json plan %s exits 0" % (args,), p.returncode == 0)
    return json.loads(p.stdout)


p = run("-plan", "3%", "-threshold", "2%", a)
check("text exits 0", p.returncode == 0 and p.stderr == "")
check("text names the change and the gate",
      "flags a 3% change" in p.stdout and "threshold on the estimate" in p.stdout)
check("text has the suite line", "Suite: -count " in p.stdout)

doc = plan_json("3%", "-threshold", "2%", a)
check("schema", doc["schema"] == "cstat-plan/1")
rows = {(r["name"], r["unit"]): r for r in doc["rows"]}
time_rows = [r for r in doc["rows"] if r["unit"] == "sec/op"]
check("7 sec/op rows", len(time_rows) == 7)
for r in doc["rows"]:
    if r["status"] == "ok":
        check("%s count in [1, 100]" % r["name"], 1 <= r["count"] <= 100)
        check("%s power >= 80%%" % r["name"], r["power"] >= 0.8)
    if r["status"] == "beyond-max-count":
        check("%s power at 100 below 80%%" % r["name"], r["power_max"] < 0.8)
# The noisiest time row needs the most runs of the time rows.
ok = [r for r in time_rows if r["status"] == "ok"]
noisiest = max(ok, key=lambda r: r["noise"])
check("the noisiest time row needs the most runs",
      noisiest["count"] == max(r["count"] for r in ok))
suite = doc["suite"]
check("suite count covers every ok row",
      suite["count"] == max(r["count"] for r in doc["rows"] if r["status"] == "ok"))
check("suite tallies add up",
      suite["reachable"] + suite["below_threshold"] + suite["beyond_max_count"]
      + suite["no_noise_estimate"] == suite["rows"] == len(doc["rows"]))
check("family: the rows whose values differ", doc["family"] == 9)
check("level alpha / family", abs(doc["level"] - 0.05 / 9) < 1e-12)

# A larger change needs no more runs.
big = plan_json("6%", "-threshold", "2%", a)
for r in big["rows"]:
    small = rows[(r["name"], r["unit"])]
    if small["status"] == "ok":
        check("%s %s: 6%% needs no more runs than 3%%" % (r["name"], r["unit"]),
              r["status"] == "ok" and r["count"] <= small["count"])
# Below the default threshold (5%): never.
below = plan_json("3%", a)
check("3% below the 5% threshold", all(
    r["status"] in ("below-threshold", "no-noise-estimate") for r in below["rows"]))

# Two inputs: the plan is from the first one's noise.
two = plan_json("3%", "-threshold", "2%", a, b)
check("two inputs plan from BASE", two == doc)

p = run("-plan", "3%", "-threshold", "2%", "-format", "markdown", a)
check("markdown", p.returncode == 0 and "| benchmark | unit |" in p.stdout)
p = run("-plan", "3%", "-threshold", "2%", "-plan-count", "20",
        "-plan-power", "90%", a)
check("-plan-count and -plan-power", p.returncode == 0 and "power at 20" in p.stdout
      and "with 90% power" in p.stdout)
with tempfile.TemporaryDirectory() as d:
    out = os.path.join(d, "plan.json")
    p = run("-plan", "3%", "-threshold", "2%", "-o", out, a)
    with open(out) as f:
        check("-o FILE.json", p.returncode == 0 and json.load(f) == doc)

for args, what in [
        (["-plan", "abc", a], "-plan abc"),
        (["-plan", "0%", a], "-plan 0%"),
        (["-plan", "3", a], "-plan without %"),
        (["-plan", "3%", "-plan-power", "100%", a], "power 100%"),
        (["-plan", "3%", "-plan-count", "0", a], "count 0"),
        (["-plan", "3%", "-format", "junit", a], "junit"),
        (["-plan", "3%", "-format", "github", a], "github"),
        (["-plan", "3%", "-aa", a], "-aa"),
        (["-plan", "3%"], "no input"),
        (["-plan", "3%", a, b, a], "three inputs"),
        (["-plan-power", "90%", a, b], "-plan-power without -plan"),
        (["-plan", "3%", data + "/no-such-file.txt"], "missing input")]:
    p = run(*args)
    check(what + " exits 2", p.returncode == 2 and p.stdout == "")
sys.exit(1 if failed else 0)
