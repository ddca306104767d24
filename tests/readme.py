#!/usr/bin/env python3
"""Checks that the README's examples show what the tools print: the
quick-start table is cstat's output, and the cregress summary line is the
last line cregress prints for the bundled example.

usage: readme.py CSTAT SOURCE_ROOT [CREGRESS]
"""
import os
import subprocess
import sys

cstat, root = os.path.abspath(sys.argv[1]), sys.argv[2]
text = open(os.path.join(root, "README.md"), encoding="utf-8").read()
start = text.index("You should\nsee:\n\n```\n") + len("You should\nsee:\n\n```\n")
want = text[start:text.index("```", start)]
got = subprocess.run([cstat, "testdata/examples/old.txt", "testdata/examples/new.txt"],
                     cwd=root, capture_output=True, check=True).stdout.decode()
if got != want:
    print("README shows:\n%s\ncstat prints:\n%s" % (want, got))
    sys.exit(1)

if len(sys.argv) > 3:
    cregress = os.path.abspath(sys.argv[3])
    marker = "and ends with the summary:\n\n```\n"
    start = text.index(marker) + len(marker)
    want = text[start:text.index("```", start)]
    p = subprocess.run([cregress, "testdata/cregress/base.txt",
                        "testdata/cregress/new.txt"], cwd=root,
                       capture_output=True)
    got = p.stdout.decode().splitlines()[-1] + "\n"
    if p.returncode != 1 or got != want:
        print("README shows:\n%s\ncregress prints (exit %d):\n%s" %
              (want, p.returncode, got))
        sys.exit(1)
