#!/usr/bin/env python3
"""Runs docs/examples/embed.c's program and checks what it prints.

usage: embed.py EMBED CSTAT CASEDIR

The example must print exactly the table cstat prints for the same two
files, followed by its own list of significant changes.
"""
import os
import subprocess
import sys


embed, cstat, case = [os.path.abspath(a) for a in sys.argv[1:4]]
want = subprocess.run([cstat, "a.txt", "b.txt"], cwd=case,
                      capture_output=True, check=True).stdout.decode()
p = subprocess.run([embed, "a.txt", "b.txt"], cwd=case, capture_output=True)
got = p.stdout.decode()
ok = p.returncode == 0
ok = ok and got.startswith(want)
ok = ok and got[len(want):] == "\nsignificant changes:\nB-8 sec/op: +47.62% (p=0.002)\n"
if not ok:
    print("embed printed (rc %d):\n%s\nstderr:\n%s" % (p.returncode, got, p.stderr.decode()))
sys.exit(0 if ok else 1)
