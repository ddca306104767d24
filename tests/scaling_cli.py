#!/usr/bin/env python3
"""cstat -scaling from the command line: the report on a real file, and the
exit codes of its refusals (2: a bad key, a confidence of 1; 1: an input
that cannot be read); every -format.

usage: scaling_cli.py CSTAT TESTDATA_SCALING
"""
import subprocess
import sys

cstat, data = sys.argv[1], sys.argv[2]
cedar = data + "/cedar-go_baseline.txt"


def run(*args):
    return subprocess.run([cstat, *args], capture_output=True, text=True)


failed = False


def check(what, ok):
    global failed
    if not ok:
        print("FAIL:", what)
        failed = True


p = run("-scaling", "/policies", cedar)
check("exit 0", p.returncode == 0)
check("the linear row", "AuthorizePolicyCount-10  sec/op     k 0.88 [0.83, 1.13]  O(n)" in p.stdout)
p = run("-scaling", "policies", "-format", "json", cedar)
check("json", p.returncode == 0 and '"schema":\t"cstat-scaling/1"' in p.stdout)
p = run("-scaling", "/policies", "-format", "csv", cedar)
lines = p.stdout.splitlines()
check("csv: a header and a line per row and input",
      p.returncode == 0 and lines[0] == "family,unit,input,k,lo,hi,class,"
      "nearest,nmin,nmax,sizes,points,nonpositive,changed" and len(lines) == 7
      and lines[1].startswith("AuthorizePolicyCount-10,sec/op,"
                              + cedar + ",0.877") and
      all(len(l.split(",")) == 14 for l in lines))
# Every -format cstat has.
for fmt in ("text", "csv", "markdown", "json", "html"):
    p = run("-scaling", "/policies", "-format", fmt, cedar)
    check("format " + fmt, p.returncode == 0 and p.stdout and not p.stderr)
for fmt in ("text", "markdown", "json"):
    p = run("-diagnose", "-format", fmt, cedar)
    check("diagnose format " + fmt, p.returncode == 0 and p.stdout)
p = run("-scaling", "/a/b", cedar)
check("bad key refused with 2", p.returncode == 2 and p.stdout == "")
p = run("-scaling", "/n", "-confidence", "1", cedar)
check("confidence 1 refused with 2", p.returncode == 2)
p = run("-scaling", "/n", data + "/no-such-file.txt")
check("missing input exits 1", p.returncode == 1 and p.stdout == "")
sys.exit(1 if failed else 0)
