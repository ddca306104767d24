#!/usr/bin/env python3
"""Reads the text of cstat's HTML report as a reader would: the summary,
and in every plot the legend, the tick labels and the unit.

usage: html_report.py CSTAT CREGRESS EXAMPLES_DIR OUTDIR

Parses 'cstat -format html' with Python's html.parser for three pairs of
files: testdata/examples (old.txt, new.txt), and pairs of 3 and 300
benchmarks written by genpair.py with the fixed seed 15 (10 runs each,
1% lognormal noise, 12 planted changes of 8% to 40x and 3 of 1.5% to
2.5%).  For each page it checks that

  - the summary's counts are cregress's (-format json, same files), and
    it links to exactly the rows cregress calls changed, each an anchor
    of a row marked changed; the no-script switch is there;
  - every plot names each input (the column labels, in order) and has
    tick labels in the row's scale (the prefix of the table's cells),
    increasing, inside the range its <title> gives, with the unit; a log
    scale exactly when the values span more than 10x;
  - a dagger marks every change benchstat's column calls significant and
    the gate does not.

Prints what it measured; exits 0 when every check passes, 1 otherwise.
"""
import html.parser
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genpair  # noqa: E402

SEED = 15
PREFIXES = {"": 1, "T": 1e12, "G": 1e9, "M": 1e6, "k": 1e3, "m": 1e-3,
            "\u00b5": 1e-6, "n": 1e-9, "Ti": 2**40, "Gi": 2**30,
            "Mi": 2**20, "Ki": 2**10}


class Page(html.parser.HTMLParser):
    """Rows with their cells' text and plot texts; the summary."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows = []       # dicts: id, classes, name, cells, plot
        self.row = None
        self.cell = None
        self.text_class = None
        self.in_title = False
        self.counts = ""
        self.in_counts = False
        self.links = []
        self.has_switch = False
        self.daggers = 0
        self.unit = None
        self.units = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "input" and a.get("id") == "only-changed":
            self.has_switch = a.get("type") == "checkbox"
        if tag == "p" and "counts" in cls:
            self.in_counts = True
        if tag == "a" and (a.get("href") or "").startswith("#t") and \
                self.row is None:
            self.links.append(a["href"][1:])
        if tag == "a" and a.get("href") == "#gate" and self.row:
            self.daggers += 1
            self.row["dagger"] = a.get("title")
        if tag == "h2":
            self.unit = ""
        if tag == "tr" and a.get("id"):
            self.row = {"id": a["id"], "classes": cls, "name": "",
                        "cells": [], "deltas": [], "legend": [],
                        "ticks": [], "axis_unit": None, "title": "",
                        "dagger": None, "unit": self.units[-1]}
        elif tag == "th" and self.row is not None:
            self.cell = "name"
        elif tag == "td" and self.row is not None:
            self.row["cells"].append("")
            self.cell = "delta" if "delta" in cls else "td"
            if "delta" in cls:
                self.row["deltas"].append(cls)
        elif tag == "title" and self.row is not None:
            self.in_title = True
        elif tag == "text" and self.row is not None:
            self.text_class = cls[0] if cls else "?"
            self.row["plot_text"] = ""

    def handle_endtag(self, tag):
        if tag == "p":
            self.in_counts = False
        if tag == "h2" and self.unit is not None:
            self.units.append(self.unit.split()[0])
            self.unit = None
        if tag == "title":
            self.in_title = False
        if tag in ("th", "td"):
            self.cell = None
        if tag == "text" and self.row is not None:
            t = self.row.pop("plot_text")
            if self.text_class == "lg":
                self.row["legend"].append(t)
            elif self.text_class == "tl":
                self.row["ticks"].append(t)
            elif self.text_class == "un":
                self.row["axis_unit"] = t
            self.text_class = None
        if tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.in_counts:
            self.counts += data
        if self.unit is not None:
            self.unit += data
        if self.row is None:
            return
        if self.text_class:
            self.row["plot_text"] += data
        elif self.in_title:
            self.row["title"] += data
        elif self.cell == "name":
            self.row["name"] += data
        elif self.cell:
            self.row["cells"][-1] += data


def scaled(text):
    """'1.5µ' -> (1.5, 'µ')."""
    m = re.fullmatch(r"([-+]?[0-9.]+)(.*)", text.strip())
    if not m or m.group(2) not in PREFIXES:
        raise ValueError("not a scaled number: %r" % text)
    return float(m.group(1)), m.group(2)


def check_plot(r, labels, problems):
    where = "%s (%s)" % (r["name"], r["unit"])
    if r["legend"] != labels:
        problems.append("%s: legend %r, want %r" % (where, r["legend"],
                                                     labels))
    if not r["ticks"]:
        problems.append("%s: no tick labels" % where)
        return
    prefix = scaled(r["cells"][0])[1]
    vals = []
    for t in r["ticks"]:
        v, p = scaled(t)
        if p != prefix:
            problems.append("%s: tick %r not in the table's scale %r" % (
                where, t, prefix))
        vals.append(v * PREFIXES[p])
    if vals != sorted(vals) or len(set(vals)) != len(vals):
        problems.append("%s: ticks %r not increasing" % (where, r["ticks"]))
    m = re.search(r"scale from (\S+) to (\S+)$", r["title"])
    if not m:
        problems.append("%s: no range in the title %r" % (where,
                                                          r["title"]))
        return
    lo = scaled(m.group(1))[0] * PREFIXES[prefix]
    hi = scaled(m.group(2))[0] * PREFIXES[prefix]
    # The title rounds the range as the table does: allow that much.
    slack = 10 ** -3 * PREFIXES[prefix] * 10
    if vals[0] < lo - slack or vals[-1] > hi + slack:
        problems.append("%s: ticks %r outside %r" % (where, r["ticks"],
                                                     m.groups()))
    want_log = lo > 0 and hi / lo > 10
    if r["axis_unit"] != r["unit"] + (", log" if want_log else ""):
        problems.append("%s: axis unit %r (range %g..%g)" % (
            where, r["axis_unit"], lo, hi))
    return want_log


def cregress(tool, cwd):
    p = subprocess.run([tool, "-format", "json", "old.txt", "new.txt"],
                       cwd=cwd, capture_output=True, timeout=60)
    return json.loads(p.stdout)


def check_page(cstat, tool, cwd, labels, out):
    problems = []
    p = subprocess.run([cstat, "-format", "html", "old.txt", "new.txt"],
                       cwd=cwd, capture_output=True, timeout=60)
    if p.returncode != 0:
        return ["cstat exited with %d" % p.returncode], {}
    with open(out, "wb") as f:
        f.write(p.stdout)
    page = Page()
    page.feed(p.stdout.decode("utf-8"))
    page.close()
    g = cregress(tool, cwd)
    s = g["summary"]
    want = "%d better, %d worse, %d unchanged" % (
        s["improvement"], s["regression"], s["unchanged"])
    if s["inconclusive"]:
        want += ", %d inconclusive" % s["inconclusive"]
    want += " of %d comparisons" % len(g["comparisons"])
    if want not in page.counts:
        problems.append("summary %r, want %r" % (page.counts, want))
    if not page.has_switch:
        problems.append("no switch to show only the changed rows")
    ids = {r["id"]: r for r in page.rows}
    changed = {(c["name"], c["unit"]) for c in g["comparisons"]
               if c["verdict"] in ("improvement", "regression")}
    linked = set()
    for link in page.links:
        r = ids.get(link)
        if r is None:
            problems.append("summary link #%s goes nowhere" % link)
            continue
        if "chg" not in r["classes"]:
            problems.append("summary link #%s: row not marked" % link)
        linked.add((r["name"], r["unit"]))
    if linked != changed:
        problems.append("summary links %r, cregress's changes %r" % (
            sorted(linked), sorted(changed)))
    nlog = sig = 0
    for r in page.rows:
        if check_plot(r, labels, problems):
            nlog += 1
        delta = r["deltas"][0] if r["deltas"] else []
        strong = "better" in delta or "worse" in delta
        sig += strong or "doubt" in delta
        if ("doubt" in delta) != (r["dagger"] is not None):
            problems.append("%s: dagger %r on a delta %r" % (
                r["name"], r["dagger"], delta))
        if strong != ((r["name"], r["unit"]) in changed):
            problems.append("%s (%s): coloured %r, cregress %r" % (
                r["name"], r["unit"], strong,
                (r["name"], r["unit"]) in changed))
    why = {}
    for r in page.rows:
        if r["dagger"]:
            why[r["dagger"]] = why.get(r["dagger"], 0) + 1
    stats = {"rows": len(page.rows), "links": len(page.links),
             "dagger reasons": why,
             "benchstat significant": sig, "daggers": page.daggers,
             "log-scale plots": nlog, "summary": page.counts.strip()}
    return problems, stats


def main():
    if len(sys.argv) != 5:
        print(__doc__)
        return 2
    cstat, tool, examples, outdir = (os.path.abspath(a)
                                     for a in sys.argv[1:])
    os.makedirs(outdir, exist_ok=True)
    failed = False
    cases = [("examples", examples, None)]
    for n in (3, 300):
        d = os.path.join(outdir, "gen-%d" % n)
        planted = genpair.write_pair(d, n, SEED)
        cases.append(("gen-%d" % n, d, planted))
    for name, d, planted in cases:
        problems, stats = check_page(cstat, tool, d, ["old.txt", "new.txt"],
                                     os.path.join(outdir, name + ".html"))
        if planted is not None and not problems:
            big = {(b, u) for b, u, f in planted if abs(f - 1) >= 0.05}
            found = set()
            page = open(os.path.join(outdir, name + ".html"),
                        encoding="utf-8").read()
            for b, u in big:
                if re.search(r'<tr id="[^"]*" class="chg"><th scope="row">'
                             + re.escape(b).replace("/", "/(<wbr>)?"), page):
                    found.add(b)
            stats["planted changes >= 5% found"] = "%d of %d" % (
                len(found), len(big))
            if len(found) != len(big):
                problems.append("planted changes missed: %r" % sorted(
                    b for b, u in big if b not in found))
        for p in problems:
            print("FAIL %s: %s" % (name, p))
        print("%s: %s" % (name, stats))
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
