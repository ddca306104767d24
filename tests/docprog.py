#!/usr/bin/env python3
"""Keeps the programs of a Markdown page honest: cuts each one out of the
page for the build, and checks that it prints what the page shows.

usage: docprog.py extract DOC NAME OUT
       docprog.py check DOC NAME EXE ROOT

A program is the fenced block after a line "<!-- program: NAME -->"; what
it prints is the fenced block after "<!-- output: NAME [ARGS]; exit N -->",
which check runs as EXE ARGS in ROOT and compares, stdout and exit status
exactly (stderr must be empty).  With UPDATE_GOLDEN=1, check writes what
the program printed into the page instead.
"""
import os
import re
import subprocess
import sys


def block_after(text, marker):
    """(start, end) of the body of the fenced block after marker."""
    at = text.index(marker) + len(marker)
    fence = re.compile(r"\n```[a-z+]*\n")
    m = fence.match(text, at)
    if not m:
        sys.exit("docprog: no fenced block right after %r" % marker)
    end = text.index("\n```\n", m.end() - 1)
    return m.end(), end + 1


def extract(doc, name, out):
    text = open(doc, encoding="utf-8").read()
    start, end = block_after(text, "<!-- program: %s -->" % name)
    with open(out, "w", encoding="utf-8") as f:
        f.write(text[start:end])


def check(doc, name, exe, root):
    text = open(doc, encoding="utf-8").read()
    m = re.search(r"<!-- output: %s(?P<args>[^;]*); exit (?P<rc>\d+) -->"
                  % re.escape(name), text)
    if not m:
        sys.exit("docprog: no output marker for %s" % name)
    start, end = block_after(text, m.group(0))
    want = text[start:end]
    p = subprocess.run([os.path.abspath(exe)] + m.group("args").split(),
                       cwd=root, capture_output=True)
    got = p.stdout.decode()
    if os.environ.get("UPDATE_GOLDEN") == "1":
        with open(doc, "w", encoding="utf-8") as f:
            f.write(text[:start] + got + text[end:])
        return 0
    ok = got == want and p.returncode == int(m.group("rc")) and not p.stderr
    if not ok:
        print("%s: the page shows (exit %s):\n%s\nthe program printed "
              "(exit %d):\n%s\nstderr:\n%s" %
              (name, m.group("rc"), want, p.returncode, got,
               p.stderr.decode()))
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1] == "extract":
        extract(*sys.argv[2:5])
    else:
        sys.exit(check(*sys.argv[2:6]))
