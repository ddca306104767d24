#!/usr/bin/env python3
"""Renders cstat's and cregress's Markdown with cmark-gfm, the reference
implementation of GitHub-flavoured Markdown, and checks that GitHub would
show what was meant: one HTML table per benchstat table, one row per
benchmark (and geomean), each row's first cell the benchmark's name as
cstat -format json names it (so escaped pipes and other characters come
through as text), the same number of cells in every row, and no raw HTML
from a name.

Names with bytes that are not UTF-8 (testdata/gfm/invalid-utf8) must come
through as U+FFFD, as in the JSON, without ending the table.

usage: gfm.py CSTAT CREGRESS CONFORMANCE_DIR CREGRESS_DATA CASE
Exits 77 (skipped) when cmark-gfm is not installed.
"""
import html.parser
import json
import os
import shutil
import subprocess
import sys


class Tables(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.cell, self.tags = [], None, []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1][-1].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def render(md):
    # Bytes that are not UTF-8 go to cmark-gfm as they are.
    p = subprocess.run(["cmark-gfm", "-e", "table"],
                       input=md.encode("utf-8", "surrogateescape"),
                       capture_output=True, check=True)
    t = Tables()
    t.feed(p.stdout.decode("utf-8", "replace"))
    return t


def expect(cond, what):
    if not cond:
        raise SystemExit(what)


def main():
    if not shutil.which("cmark-gfm"):
        sys.exit(77)
    cstat, cregress, conf, cdata, case = sys.argv[1:6]
    cdir = os.path.join(conf, case)
    with open(os.path.join(cdir, "args")) as f:
        args = [a for a in f.read().split("\n") if a]

    def run(exe, extra, cwd):
        return subprocess.run([os.path.abspath(exe)] + extra, cwd=cwd,
                              capture_output=True).stdout.decode(
                                  "utf-8", "surrogateescape")

    doc = json.loads(run(cstat, ["-format", "json"] + args, cdir))
    page = render(run(cstat, ["-format", "markdown", "-stats", "mean"] +
                      args, cdir))
    expect("script" not in page.tags and "img" not in page.tags,
           "raw HTML got through")
    expect(len(page.tables) == len(doc["tables"]),
           "%d tables, want %d" % (len(page.tables), len(doc["tables"])))
    for got, want in zip(page.tables, doc["tables"]):
        names = [r["name"] for r in want["rows"]]
        if want["geomean"] is not None:
            names.append("geomean")
        body = got[1:]
        expect([r[0] for r in body] == names,
               "rows %r, want %r" % ([r[0] for r in body], names))
        expect(all(len(r) == len(got[0]) for r in body), "ragged table")
    # cregress's pull-request report: every comparison in the details
    # table, names intact.
    rep = json.loads(run(cregress, ["-format", "json", "base.txt",
                                    "new.txt"], cdata))
    page = render(run(cregress, ["-format", "markdown", "base.txt",
                                 "new.txt"], cdata))
    full = page.tables[-1]
    expect([r[0] for r in full[1:]] ==
           [c["name"] for c in rep["comparisons"]], "cregress details")
    # Every output meant for a browser or a parser is UTF-8, whatever
    # bytes the names hold.
    for exe, fmt, a, cwd in [(cstat, "html", args, cdir),
                             (cstat, "json", args, cdir),
                             (cstat, "markdown", args, cdir),
                             (cregress, "json", ["base.txt", "new.txt"], cdata),
                             (cregress, "markdown", ["base.txt", "new.txt"],
                              cdata),
                             (cregress, "junit", ["base.txt", "new.txt"],
                              cdata),
                             (cregress, "github", ["base.txt", "new.txt"],
                              cdata)]:
        out = subprocess.run([os.path.abspath(exe), "-format", fmt] + a,
                             cwd=cwd, capture_output=True).stdout
        try:
            out.decode("utf-8")
        except UnicodeDecodeError as e:
            raise SystemExit("%s -format %s: %s" % (exe, fmt, e))


if __name__ == "__main__":
    main()
