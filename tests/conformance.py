#!/usr/bin/env python3
"""Run one benchstat conformance case against cstat.

usage: conformance.py CSTAT CASEDIR

CASEDIR holds the inputs, 'args' (one argument per line), the expected
'stdout' and 'stderr' (either may be absent: then it is not compared) and
'rc'.  CSTAT runs inside CASEDIR.  Output must match byte for byte, except
that on a line that differs, comma-separated fields that both parse as
numbers may differ by a relative 1e-12 (last-bit differences between
glibc's libm and Go's).  Exits 0 on a match, 1 with a diff otherwise.
"""
import difflib
import os
import subprocess
import sys


def numbers_close(a, b):
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return x == y or abs(x - y) <= 1e-12 * max(abs(x), abs(y))


def lines_match(want, got):
    if want == got:
        return True
    fw, fg = want.split(","), got.split(",")
    if len(fw) < 2 or len(fw) != len(fg):
        return False
    return all(a == b or numbers_close(a, b) for a, b in zip(fw, fg))


def texts_match(want, got):
    wl, gl = want.split("\n"), got.split("\n")
    return len(wl) == len(gl) and all(map(lines_match, wl, gl))


def main():
    cstat, case = os.path.abspath(sys.argv[1]), sys.argv[2]
    with open(os.path.join(case, "args"), encoding="utf-8") as f:
        args = f.read().split("\n")[:-1]
    with open(os.path.join(case, "rc")) as f:
        want_rc = int(f.read())
    p = subprocess.run([cstat] + args, cwd=case, capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=60)
    ok = True
    if p.returncode != want_rc:
        print("exit status %d, want %d" % (p.returncode, want_rc))
        ok = False
    for stream, got in (("stdout", p.stdout), ("stderr", p.stderr)):
        path = os.path.join(case, stream)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            want = f.read()
        got = got.decode("utf-8", "replace")
        if not texts_match(want, got):
            ok = False
            print("%s differs:" % stream)
            sys.stdout.writelines(
                l + "\n" for l in difflib.unified_diff(
                    want.splitlines(), got.splitlines(),
                    "want/" + stream, "got/" + stream, lineterm=""))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
