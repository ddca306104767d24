#!/usr/bin/env python3
"""Checks that the README's quick-start example shows what cstat prints.

usage: readme.py CSTAT SOURCE_ROOT
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
