#!/usr/bin/env python3
"""Command-line tests of cregress: verdicts, exit codes, config errors,
every report format against golden files, -o, -explain and -aa.

usage: cregress.py CREGRESS CSTAT TESTDATA NAME  (NAME: a test_* function)

The inputs are testdata/cregress/base.txt and new.txt (written by gen.py,
which documents the known answer of every comparison).  Golden files are
in testdata/cregress/golden/; UPDATE_GOLDEN=1 rewrites them from the
current binary (then read the diff before committing).
"""
import csv
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

CREGRESS = CSTAT = DATA = None


def run(args, exe=None, stdin=None, cwd=None):
    p = subprocess.run([exe or CREGRESS] + args, input=stdin,
                       capture_output=True, cwd=cwd or DATA, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


BASE, NEW = "base.txt", "new.txt"

# The known answer (gen.py): benchmark and unit -> verdict.
ANSWER = {
    ("Encode/format=json-8", "sec/op"): "regression",
    ("Encode/format=json-8", "B/op"): "regression",
    ("Encode/format=json-8", "allocs/op"): "unchanged",
    ("Encode/format=gob-8", "sec/op"): "unchanged",
    ("Decode/format=json-8", "sec/op"): "improvement",
    ("Decode/format=gob-8", "sec/op"): "unchanged",
    ("Copy/size=64k-8", "B/s"): "regression",
    ("Query/sql=a|b-8", "sec/op"): "unchanged",
    ("Parse-8", "sec/op"): "inconclusive",
    ("Hash-8", "sec/op"): "inconclusive",
}


def report(fmt, extra=()):
    rc, out, err = run(list(extra) + ["-format", fmt, BASE, NEW])
    expect(err == "", "stderr: " + err)
    return rc, out


def golden(name, got):
    path = os.path.join(DATA, "golden", name)
    if os.environ.get("UPDATE_GOLDEN"):
        with open(path, "w") as f:
            f.write(got)
    with open(path) as f:
        want = f.read()
    if got != want:
        sys.stdout.write("--- want %s\n%s\n--- got\n%s\n" % (path, want, got))
        raise AssertionError("%s differs from its golden file" % name)


def test_verdicts():
    rc, out = report("json")
    doc = json.loads(out)
    got = {(c["name"], c["unit"]): c["verdict"] for c in doc["comparisons"]}
    for key, want in ANSWER.items():
        expect(got.get(key) == want, "%s: %s, want %s" %
               (key, got.get(key), want))
    expect(rc == 1, "rc %d with regressions" % rc)
    dec = [c for c in doc["comparisons"] if c["name"] == "Decode/format=gob-8"
           and c["unit"] == "sec/op"][0]
    # The 1.5% change is real (significant) but under the threshold.
    expect(dec["p_adjusted"] <= 0.05 and 0.01 < dec["change"] < 0.02,
           "Decode/format=gob: %r" % dec)
    hsh = [c for c in doc["comparisons"] if c["name"] == "Hash-8"][0]
    expect("too few samples" in hsh["reason"], hsh["reason"])


def test_agrees_with_cstat():
    # The gate's medians and p-values are the ones cstat prints.
    rc, out, err = run(["-format", "csv", BASE, NEW], exe=CSTAT)
    expect(rc == 0, "cstat rc %d" % rc)
    rows = {}
    unit = None
    for row in csv.reader(io.StringIO(out)):
        if len(row) > 1 and row[1] in ("sec/op", "B/op", "B/s",
                                       "allocs/op"):
            unit = row[1]
        elif unit and len(row) >= 6 and row[0] not in ("", "geomean"):
            rows[(row[0], unit)] = row
    doc = json.loads(report("json")[1])
    checked = 0
    for c in doc["comparisons"]:
        row = rows.get((c["name"], c["unit"]))
        if row is None or c["n_new"] == 0 or c["n_base"] == 0:
            continue
        expect(abs(float(row[1]) - c["base_center"]) <=
               1e-12 * abs(c["base_center"]), "base center %r" % row)
        expect(abs(float(row[3]) - c["new_center"]) <=
               1e-12 * abs(c["new_center"]), "new center %r" % row)
        # "p=0.353 n=10": cstat prints p to 3 decimals.
        if row[6].startswith("p="):
            expect(row[6].split()[0] == "p=%.3f" % c["p"], "p %r" % row)
        checked += 1
    expect(checked >= 8, "only %d comparisons checked" % checked)


def test_exit_codes():
    expect(run([BASE, BASE])[0] == 0, "same file twice must pass")
    expect(run([BASE, NEW])[0] == 1, "regressions must fail")
    # Leave the regressions out: inconclusive ones fail only with -strict.
    skip = ["-skip", "Encode*", "-skip", "Copy*"]
    expect(run(skip + [BASE, NEW])[0] == 0, "no regression left")
    expect(run(skip + ["-strict", BASE, NEW])[0] == 1, "-strict")
    for args in ([], [BASE], ["-nosuchflag", BASE, NEW],
                 ["-format", "yaml", BASE, NEW],
                 ["-threshold", "5", BASE, NEW],
                 ["-threshold", "class:cpu=5%", BASE, NEW],
                 ["-correction", "bonferroni", BASE, NEW],
                 ["-alpha", "2", BASE, NEW],
                 ["-better", "B/s=up", BASE, NEW],
                 ["-o", "report.pdf", BASE, NEW],
                 ["-aa", BASE, NEW]):
        rc, out, err = run(args)
        expect(rc == 2, "%r: rc %d" % (args, rc))
        expect(out == "", "%r: stdout %r" % (args, out))
        expect(err.startswith("cregress: "), "%r: stderr %r" % (args, err))
    # The errors of enumerated flags name every value they accept.
    for args, values in (
            (["-format", "yaml"], ["text", "markdown", "md", "json", "junit",
                                   "github"]),
            (["-o", "report.pdf"], ["text", "markdown", "md", "json",
                                    "junit", "github", ".txt", ".log",
                                    ".md", ".markdown", ".json", ".xml"]),
            (["-correction", "x"], ["holm", "bh", "none"]),
            (["-threshold-on", "x"], ["estimate", "interval"]),
            (["-threshold", "class:x=5%"], ["time", "memory", "allocs",
                                            "throughput", "other"])):
        err = run(args + [BASE, NEW])[2]
        for v in values:
            expect(re.search(r"(?<![\w.])%s(?![\w])" % re.escape(v), err),
                   "%r: %r lacks %s" % (args, err, v))
    rc, out, err = run([BASE, "missing.txt"])
    expect(rc == 2 and out == "", "missing input: rc %d" % rc)
    expect(err == "cregress: open missing.txt: no such file or directory\n",
           err)
    rc, out, err = run(["-filter", ".name:NoSuch", BASE, NEW])
    expect(rc == 2 and "nothing to compare" in err, "empty: %d %s" % (rc, err))
    rc, out, err = run(["-h"])
    expect(rc == 0 and "Exit status" in out and "-strict" in out, "help")


def write_config(text):
    fd, path = tempfile.mkstemp(suffix=".json")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


def test_config():
    path = write_config("""{
  "version": 1,
  "correction": "bh",
  "classes": {"time": "15%"},
  "units": {"B/s": {"threshold": "20%"}},
  "ignore": ["Hash*"]
}
""")
    try:
        doc = json.loads(run(["-config", path, "-format", "json",
                              BASE, NEW])[1])
        expect(doc["settings"]["correction"] == "bh", "correction")
        by = {(c["name"], c["unit"]): c for c in doc["comparisons"]}
        enc = by[("Encode/format=json-8", "sec/op")]
        expect(enc["verdict"] == "unchanged" and
               abs(enc["threshold"] - 0.15) < 1e-12, "class rule %r" % enc)
        expect(by[("Copy/size=64k-8", "B/s")]["verdict"] == "unchanged",
               "unit rule")
        expect(("Hash-8", "sec/op") not in by, "ignored")
        expect(doc["summary"]["ignored"] == 1, "ignored count")
        # Flags override the file.
        doc = json.loads(run(["-config", path, "-threshold", "class:time=5%",
                              "-format", "json", BASE, NEW])[1])
        enc = [c for c in doc["comparisons"]
               if c["name"] == "Encode/format=json-8"][0]
        expect(enc["verdict"] == "regression", "flag after config")
    finally:
        os.unlink(path)


def test_config_errors():
    cases = [
        ('{\n  "alpha": 0.05\n  "correction": "bh"\n}\n', ":3:3: "),
        ('{\n  "alpah": 0.05\n}\n', ':2: unknown key "alpah"'),
        ('{\n  "alpha": "0.05"\n}\n', ":2: "),
        ('{\n  "threshold": "5"\n}\n', ":2: "),
        ('{"version": 2}\n', ":1: "),
        ('[]\n', ""),
        ('', ""),
    ]
    for text, want in cases:
        path = write_config(text)
        try:
            rc, out, err = run(["-config", path, BASE, NEW])
        finally:
            os.unlink(path)
        expect(rc == 2 and out == "", "%r: rc %d" % (text, rc))
        expect(err.startswith(path) or err.startswith("cregress: " + path),
               "%r: message does not name the file: %r" % (text, err))
        expect(want in err, "%r: want %r in %r" % (text, want, err))
    rc, out, err = run(["-config", "nosuch.json", BASE, NEW])
    expect(rc == 2 and "nosuch.json" in err, "missing config: %r" % err)


def test_golden_text():
    golden("report.txt", report("text")[1])


def test_golden_markdown():
    out = report("markdown")[1]
    golden("report.md", out)
    expect("Query/sql=a\\|b-8" in out, "pipe not escaped")
    # Every table's separator row has as many cells as its header.
    lines = out.split("\n")
    for i, l in enumerate(lines):
        if l.startswith("|") and i + 1 < len(lines) and \
                lines[i + 1].startswith("|---"):
            cells = lambda s: len(s.replace("\\|", "").split("|")) - 2
            expect(cells(l) == cells(lines[i + 1]), "table at line %d" % i)


def test_golden_json():
    out = report("json")[1]
    golden("report.json", out)
    doc = json.loads(out)
    expect(doc["schema"] == "cregress/1", "schema")
    s = doc["summary"]
    expect((s["regression"], s["improvement"], s["inconclusive"]) ==
           (3, 1, 2), "summary %r" % s)


def validate_junit(xml):
    """Validates a JUnit report against testdata/cregress/junit.xsd (the
    de-facto format as Ant writes it and Jenkins reads it) with xmllint,
    and checks that no two test cases share a name: tools that key results
    by name alone must keep one result per comparison."""
    with tempfile.NamedTemporaryFile("w", suffix=".xml") as f:
        f.write(xml)
        f.flush()
        try:
            p = subprocess.run(["xmllint", "--noout", "--schema",
                                os.path.join(DATA, "junit.xsd"), f.name],
                               capture_output=True, timeout=60)
        except FileNotFoundError:
            raise AssertionError("xmllint not found: install libxml2-utils")
    expect(p.returncode == 0, "JUnit report does not validate:\n%s\n%s" %
           (p.stderr.decode(), xml))
    names = [c.get("name") for c in ET.fromstring(xml).iter("testcase")]
    dup = sorted(set(n for n in names if names.count(n) > 1))
    expect(not dup, "test case names repeat: %r" % dup)
    return ET.fromstring(xml)


def test_golden_junit():
    out = report("junit")[1]
    golden("report.xml", out)
    root = validate_junit(out)
    cases = root.findall(".//testcase")
    expect(len(cases) == 16, "%d test cases" % len(cases))
    # One test case per benchmark and unit, named "NAME UNIT"; the class
    # is the configuration without the machine's keys.
    names = {(c["name"], c["unit"]) for c in
             json.loads(report("json")[1])["comparisons"]}
    got = {c.get("name") for c in cases}
    expect(got == {n + " " + u for n, u in names}, "names %r" % sorted(got))
    expect({c.get("classname") for c in cases} ==
           {"pkg:example.com/codec"}, "classnames")
    fails = root.findall(".//failure")
    expect(len(fails) == 3, "failures")
    expect(any(f.get("message").startswith("sec/op +10.1% ") and
               f.get("message").endswith(", threshold 5%") for f in fails),
           "failure messages name the unit: %r" %
           [f.get("message") for f in fails])
    expect(len(root.findall(".//skipped")) == 2, "skipped")
    strict = validate_junit(report("junit", ["-strict"])[1])
    expect(len(strict.findall(".//failure")) == 5, "strict failures")
    # The schema is not a formality: it refuses a test case without a
    # classname.
    bad = out.replace(' classname="pkg:example.com/codec"', "", 1)
    try:
        validate_junit(bad)
    except AssertionError:
        pass
    else:
        raise AssertionError("the schema accepts a test case without "
                             "a classname")


def test_golden_github():
    out = report("github")[1]
    golden("report.github", out)
    # Encode/format=json-8 regresses in sec/op and B/op: one annotation,
    # a line (%0A) per unit.
    expect(sum(l.startswith("::error ") for l in out.splitlines()) == 2,
           "errors")
    expect("::error title=Regression in Encode/format=json-8 (sec/op%2C "
           "B/op)::Encode/format=json-8 sec/op: " in out and
           "%0AEncode/format=json-8 B/op: " in out, "grouped annotation")
    expect(sum(l.startswith("::warning ") for l in out.splitlines()) == 2,
           "warnings")


def write_many(d, n, slower, header=None, units=True):
    """Writes base.txt and new.txt of n benchmarks in d (10 runs each, 0.5%
    noise, seed 13), new.txt slower by the factor slower in sec/op and
    B/op: the issue's "10% slowdown across 300 benchmarks"."""
    rng = random.Random(13)
    header = header or ("goos: linux\ngoarch: amd64\npkg: example.com/big\n"
                        "cpu: Example CPU @ 3.00GHz   \n")
    for name, f in (("base.txt", 1.0), ("new.txt", slower)):
        with open(os.path.join(d, name), "w") as out:
            out.write(header)
            for i in range(n):
                for _ in range(10):
                    out.write("BenchmarkB%03d-8 1000 %.1f ns/op" %
                              (i, 1000 * f * rng.gauss(1, 0.005)))
                    out.write(" %d B/op 3 allocs/op\n" % int(512 * f)
                              if units else "\n")


def annotations(out):
    kinds = {}
    for l in out.splitlines():
        if l.startswith("::"):
            k = l[2:].split(" ", 1)[0]
            kinds[k] = kinds.get(k, 0) + 1
    return kinds


def test_annotation_cap():
    # GitHub shows 10 annotations of each kind per step and drops the
    # rest: 300 regressed benchmarks (600 comparisons) used to write 600
    # ::error lines.  Now 10, one per benchmark, and a notice that counts
    # the rest.
    with tempfile.TemporaryDirectory() as d:
        write_many(d, 300, 1.10)
        rc, out, err = run(["-format", "github", "base.txt", "new.txt"],
                           cwd=d)
        expect(rc == 1 and err == "", "rc %d %r" % (rc, err))
        kinds = annotations(out)
        # Two of the 600 cells of this random data have a value far out
        # (a strong finding): all the data-quality warnings are one
        # annotation, which takes none of the errors' ten.
        expect(kinds == {"error": 10, "notice": 1, "warning": 1},
               "annotations %r" % kinds)
        expect(out.count("outliers:") == 2 and
               "::warning title=Data quality::base.txt B096-8 sec/op n=10: "
               "outliers: " in out, out)
        rc, out, err = run(["-format", "github", "-no-diagnose", "base.txt",
                            "new.txt"], cwd=d)
        kinds = annotations(out)
        expect(kinds == {"error": 10, "notice": 1}, "annotations %r" % kinds)
        expect("::notice title=cregress::and 290 more benchmarks with "
               "regressions (580 comparisons) not annotated; see the job "
               "summary\n" in out, out[-400:])
        first = out.splitlines()[0]
        expect(first.startswith("::error title=Regression in B000-8 "
                                "(sec/op%2C B/op)::B000-8 sec/op: ") and
               first.count("%0A") == 1 and "\n" not in first and
               "%0AB000-8 B/op: 512.0 " in first, first)
        # Improvements and inconclusive ones have their own caps; the
        # counts of what is left out share the notices' cap.
        rc, out, err = run(["-format", "github", "new.txt", "base.txt"],
                           cwd=d)
        kinds = annotations(out)
        expect(kinds == {"notice": 10, "warning": 1},
               "improvements %r" % kinds)
        expect("and 291 more benchmarks with improvements (582 "
               "comparisons)" in out, out[-300:])
        write_many(d, 30, 1.10, units=False)
        with open(os.path.join(d, "new.txt"), "a") as f:
            f.write("".join("BenchmarkX%02d-8 1 5 ns/op\n" % i
                            for i in range(12)))
        rc, out, err = run(["-format", "github", "-strict", "new.txt",
                            "base.txt"], cwd=d)
        kinds = annotations(out)
        expect(kinds == {"error": 10, "notice": 10}, "strict %r" % kinds)
        expect("and 2 more benchmarks with regressions or inconclusive "
               "comparisons (2 comparisons)" in out, out[-600:])
        rc, out, err = run(["-format", "github", "new.txt", "base.txt"],
                           cwd=d)
        kinds = annotations(out)
        expect(kinds == {"warning": 10, "notice": 10}, "%r" % kinds)
        expect("and 2 more benchmarks with inconclusive comparisons" in out
               and "and 22 more benchmarks with improvements" in out,
               out[-600:])


def test_reports_distinct_and_trimmed():
    # Two packages with the same benchmark names, on two systems, in three
    # units, and Go's cpu line with trailing spaces: every JUnit test case
    # has a name of its own (a converter keyed by name used to collapse 38
    # test cases into 10), and no report shows the trailing spaces.
    with tempfile.TemporaryDirectory() as d:
        for name, f in (("base.txt", 1.0), ("new.txt", 1.1)):
            with open(os.path.join(d, name), "w") as out:
                for goos in ("linux", "darwin"):
                    for pkg in ("example.com/a", "example.com/b"):
                        out.write("goos: %s\ngoarch: amd64\npkg: %s\n"
                                  "cpu: Example CPU @ 3.00GHz  \t\n" %
                                  (goos, pkg))
                        for b in ("Encode-8", "Decode-8"):
                            for r in range(12):
                                out.write("Benchmark%s 1 %d ns/op %d B/op "
                                          "%d allocs/op\n" %
                                          (b, (1000 + r) * f, 64 * f,
                                           3 + r % 2))
        rc, out, err = run(["-format", "json", "base.txt", "new.txt"], cwd=d)
        comps = json.loads(out)["comparisons"]
        expect(len(comps) == 24, "%d comparisons" % len(comps))
        for fmt in ("text", "markdown", "json", "junit", "github"):
            rc, out, err = run(["-format", fmt, "base.txt", "new.txt"],
                               cwd=d)
            expect(rc == 1 and err == "", "%s: rc %d %r" % (fmt, rc, err))
            # The value was "3.00GHz  \t": two blanks or a tab (as
            # itself or as JSON's \t) would be what is left of it.
            expect(not re.search(r"GHz(\s\s|\s*\t|\s*\\t)", out),
                   "%s shows the cpu untrimmed" % fmt)
            if fmt != "junit":
                expect("cpu:Example CPU @ 3.00GHz" in out, fmt)
        root = validate_junit(run(["-format", "junit", "base.txt",
                                   "new.txt"], cwd=d)[1])
        cases = root.findall(".//testcase")
        names = {c.get("name") for c in cases}
        expect(len(cases) == 24 and len(names) == 24, "names")
        expect("Encode-8 sec/op [goos:darwin pkg:example.com/b]" in names,
               sorted(names))
        classes = {c.get("classname") for c in cases}
        expect(classes == {"pkg:example.com/a", "pkg:example.com/b"},
               "classnames %r" % classes)


def test_output_files():
    with tempfile.TemporaryDirectory() as d:
        md, js = os.path.join(d, "r.md"), os.path.join(d, "x.out")
        rc, out, err = run(["-o", md, "-o", "json:" + js, BASE, NEW])
        expect(rc == 1 and err == "", "rc %d %s" % (rc, err))
        expect(out == report("text")[1], "stdout is not the text report")
        with open(md) as f:
            expect(f.read() == report("markdown")[1], "-o r.md")
        with open(js) as f:
            expect(f.read() == report("json")[1], "-o json:")
        rc, out, err = run(["-o", os.path.join(d, "no", "such.md"),
                            BASE, NEW])
        expect(rc == 2 and "such.md" in err, "unwritable -o: %r" % err)


def test_explain():
    rc, out, err = run(["-threshold", "class:time=3%", "-explain",
                        "Encode/format=json-8", BASE, NEW])
    expect(rc == 1, "explain keeps the exit status: %d" % rc)
    golden("explain.txt", out)
    expect("* class:time=3%" in out, "applied rule not marked")
    rc, out, err = run(["-explain", "NoSuch*", BASE, NEW])
    expect(rc == 2 and "no benchmark matches" in err, "explain none")


def test_aa():
    rc, out, err = run(["-aa", NEW])
    expect(rc == 0 and err == "", "rc %d %s" % (rc, err))
    golden("aa.txt", out)
    doc = json.loads(run(["-aa", "-format", "json", NEW])[1])
    for c in doc["comparisons"]:
        expect(c["base"] == "A" and c["new"] == "B", "halves")
        if c["verdict"] != "inconclusive" and not c["exact"]:
            expect(c["detectable"] >= c["threshold"], "detectable %r" % c)
    expect(doc["summary"]["regression"] == 0, "A/A regression")


def test_ties_not_a_regression():
    # docs/cstat.md, "Where cstat differs from benchstat": throughput
    # 3 3 3 MB/s against 3 2 MB/s.  Hand: 3+2 values can never reach
    # p < 0.2, and with this tie pattern p = 2 * 4/10 = 0.8 in both orders
    # (benchstat's U test gives p = 0 one way round, which made this a
    # "regression" with p=0.000).
    base = "BenchmarkX 1 1 ns/op 3 MB/s\n" * 3
    new = "BenchmarkX 1 1 ns/op 3 MB/s\nBenchmarkX 1 1 ns/op 2 MB/s\n"
    with tempfile.TemporaryDirectory() as d:
        for name, text in (("base.txt", base), ("new.txt", new)):
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        for files in (["base.txt", "new.txt"], ["new.txt", "base.txt"]):
            rc, out, err = run(["-format", "json"] + files, cwd=d)
            expect(rc == 0 and err == "", "%s: rc %d %s" % (files, rc, err))
            got = {c["unit"]: c for c in json.loads(out)["comparisons"]}
            bs = got["B/s"]
            expect(bs["verdict"] == "inconclusive",
                   "%s: B/s is %s" % (files, bs["verdict"]))
            expect(abs(bs["p"] - 0.8) < 1e-12, "%s: p %r" % (files, bs["p"]))
            rc, out, err = run(files, cwd=d)
            expect(rc == 0 and "0 regressions" in out and "p=0.800" in out,
                   "%s: text report:\n%s" % (files, out))


def test_threshold_on():
    # Every change in the fixture is far past 5%, so the interval rule
    # gives the same verdicts; the mode shows in the reports and explain.
    rc, out, err = run(["-threshold-on", "interval", "-format", "json",
                        BASE, NEW])
    expect(rc == 1 and err == "", "rc %d %s" % (rc, err))
    doc = json.loads(out)
    expect(doc["settings"]["threshold_on"] == "interval", "json setting")
    for c in doc["comparisons"]:
        want = ANSWER.get((c["name"], c["unit"]))
        expect(want is None or c["verdict"] == want, "verdict %r" % c)
        expect(c["additive"] is False, "additive %r" % c)
        if c["change_lo"] is not None:
            expect(c["change_lo"] >= -1, "below -100%% %r" % c)
    out = run(["-threshold-on", "interval", BASE, NEW])[1]
    expect("(applied to the whole interval)" in out, "text: " + out)
    out = run(["-threshold-on", "interval", "-explain", "Hash-8",
               BASE, NEW])[1]
    expect("applied to the whole interval" in out, "explain: " + out)
    rc, out, err = run(["-threshold-on", "median", BASE, NEW])
    expect(rc == 2 and "want estimate or interval" in err, err)
    with tempfile.TemporaryDirectory() as d:
        cfg = os.path.join(d, "c.json")
        with open(cfg, "w") as f:
            f.write('{"threshold_on": "interval"}')
        out = run(["-config", cfg, BASE, NEW])[1]
        expect("(applied to the whole interval)" in out, "config: " + out)
        with open(cfg, "w") as f:
            f.write('{\n"threshold_on": 1}')
        rc, out, err = run(["-config", cfg, BASE, NEW])
        expect(rc == 2 and "c.json:2" in err and "must be a string" in err,
               err)
def write_history(path, series):
    """A cstat history (schema cstat-run/1, one run per line): series maps
    a benchmark name to its sec/op run medians (None: not in that run),
    each run holding the median three times, in base.txt's configuration."""
    nruns = max(len(v) for v in series.values())
    config = [["goos", "linux"], ["goarch", "amd64"],
              ["pkg", "example.com/codec"],
              ["cpu", "Example CPU @ 3.00GHz"]]
    with open(path, "w") as f:
        for r in range(nruns):
            benches = [{"name": name,
                        "units": [{"unit": "sec/op", "values": [v[r]] * 3}]}
                       for name, v in series.items()
                       if r < len(v) and v[r] is not None]
            f.write(json.dumps({"schema": "cstat-run/1", "name": "h",
                                "created": "2026-01-%02dT00:00:00Z" % (r + 1),
                                "groups": [{"config": config,
                                            "benchmarks": benches}]}) + "\n")


def test_history():
    import math
    with tempfile.TemporaryDirectory() as d:
        h = os.path.join(d, "h.jsonl")
        # Encode's run medians move by up to 6% from run to run: its
        # +10% is within what unchanged code does.  Decode has 3 runs.
        noisy = [1.41e-6 * math.exp(x)
                 for x in (0, .06, -.05, .04, -.06, .05, -.03, 0)]
        write_history(h, {"Encode/format=json-8": noisy,
                          "Decode/format=json-8": [None] * 5 + [2.4e-6] * 3})
        rc, out, err = run(["-history", h, BASE, NEW])
        expect(rc == 1 and err == "", "rc %d %s" % (rc, err))
        expect("; noise-aware thresholds from %s (8 runs) for 1 comparison, "
               "none for " % h in out, "settings line:\n" + out)
        expect("fewer than 5 runs" in out, "too few runs not said")
        expect("Encode/format=json-8   sec/op" not in out.split(
            "Improvements")[0], "noisy Encode still a regression:\n" + out)
        doc = json.loads(run(["-history", h, "-format", "json", BASE,
                              NEW])[1])
        expect(doc["settings"]["noise_history"] == h and
               doc["settings"]["noise_runs"] == 8 and
               doc["settings"]["noise_alpha"] == 0.005, "json settings")
        by = {(c["name"], c["unit"]): c for c in doc["comparisons"]}
        enc = by[("Encode/format=json-8", "sec/op")]
        expect(enc["verdict"] == "unchanged" and enc["noise"] > 0.2 and
               enc["noise_runs"] == 8 and enc["change"] < enc["noise"],
               "Encode with noise: %r" % enc)
        dec = by[("Decode/format=json-8", "sec/op")]
        expect(dec["noise"] is None and dec["noise_runs"] == 3 and
               dec["verdict"] == "improvement", "Decode: %r" % dec)
        expect(by[("Hash-8", "sec/op")]["noise_runs"] == 0, "absent")
        # -explain shows the spread, the runs and the bound.
        out = run(["-history", h, "-explain", "Encode/format=json-8",
                   BASE, NEW])[1]
        expect("  noise: " in out and "over 8 runs of " + h in out and
               "effective threshold: " in out, "explain:\n" + out)
        out = run(["-history", h, "-explain", "Decode/format=json-8",
                   BASE, NEW])[1]
        expect("noise: none: 3 usable runs" in out, "explain:\n" + out)
        # A quiet history keeps the regression, and the report says so.
        write_history(h, {"Encode/format=json-8":
                          [1.41e-6 * (1 + .001 * (i % 3)) for i in range(8)]})
        rc, out, err = run(["-history", h, BASE, NEW])
        expect(rc == 1 and "(noise " in out and
               "from 8 runs)" in out, "quiet history:\n" + out)
        expect(json.loads(run(["-history", h, "-format", "json", BASE, NEW])[1])
               ["summary"]["regression"] == 3, "quiet history verdicts")
        # Every report names it; -noise-alpha is checked; a bad file is 2.
        for fmt in ("markdown", "junit", "github"):
            out = report(fmt, ["-history", h])[1]
            expect("noise 0." in out, "%s lacks the noise:\n%s" % (fmt, out))
        rc, out, err = run(["-history", h, "-noise-alpha", "2", BASE, NEW])
        expect(rc == 2 and "noise-alpha" in err, "-noise-alpha 2: %r" % err)
        rc, out, err = run(["-history", os.path.join(d, "none.jsonl"),
                            BASE, NEW])
        expect(rc == 2 and out == "" and "none.jsonl" in err,
               "missing history: %d %r" % (rc, err))
        with open(os.path.join(d, "empty.jsonl"), "w"):
            pass
        rc, out, err = run(["-history", os.path.join(d, "empty.jsonl"),
                            BASE, NEW])
        expect(rc == 2 and out == "" and "no runs" in err,
               "empty history: %d %r" % (rc, err))
        # Without -history the report is the one without it.
        expect("noise" not in run([BASE, NEW])[1], "noise without history")


def test_history_window():
    """A history longer than the gate's window (CSTAT_GATE_HISTORY_RUNS,
    500 runs): only its last 500 records are read (a record before them
    that would be an error is never looked at), the verdicts and noise are
    those of a history of those 500 records alone, and the report says the
    history is longer."""
    import math
    with tempfile.TemporaryDirectory() as d:
        h = os.path.join(d, "long.jsonl")
        last = os.path.join(d, "last.jsonl")
        # Encode noisy (up to 6% a run) for the last 30 runs, quiet before
        # them: its noise comes from the window's end.
        wobble = (0, .06, -.05, .04, -.06, .05, -.03, 0)
        enc = [1.41e-6 * (math.exp(wobble[i % 8]) if i >= 490 else 1)
               for i in range(520)]
        write_history(h, {"Encode/format=json-8": enc,
                          "Decode/format=json-8": [2.4e-6] * 520})
        with open(h) as f:
            lines = f.read().splitlines(True)
        with open(last, "w") as f:
            f.write("".join(lines[-500:]))
        # A record of a schema the reader refuses, long before the window.
        lines[3] = '{"schema":"cstat-run/9","groups":[]}\n'
        with open(h, "w") as f:
            f.write("".join(lines))
        rc, out, err = run(["-history", h, BASE, NEW])
        rc2, out2, err2 = run(["-history", last, BASE, NEW])
        expect(rc == rc2 and err == "" and err2 == "", "rc %d %d %r %r" %
               (rc, rc2, err, err2))
        expect("noise-aware thresholds from %s (the last 500 of its runs) "
               "for 2 comparisons" % h in out, "settings line:\n" + out)
        expect("from %s (500 runs)" % last in out2, "whole:\n" + out2)
        expect(out.replace(h + " (the last 500 of its runs)",
                           last + " (500 runs)") == out2,
               "window differs from its records alone:\n%s\n%s" %
               (out, out2))
        doc = json.loads(run(["-history", h, "-format", "json", BASE,
                              NEW])[1])
        doc2 = json.loads(run(["-history", last, "-format", "json", BASE,
                               NEW])[1])
        expect(doc["settings"]["noise_runs"] == 500 and
               doc["settings"]["noise_runs_cut"] is True and
               "noise_runs_cut" not in doc2["settings"], "json settings")
        expect(doc["comparisons"] == doc2["comparisons"], "json comparisons")
        # Exactly 500 records: read whole, nothing said about a window.
        rc, out, err = run(["-history", last, "-format", "json", BASE, NEW])
        expect("noise_runs_cut" not in out, "500 runs cut")


def machine_copy(src, d, name, cpu, goarch=None):
    """src with another cpu line (and goarch): the same results as if
    measured on another runner."""
    out = []
    for line in open(os.path.join(DATA, src)):
        if line.startswith("cpu:"):
            line = "cpu: %s   \n" % cpu  # Go pads the line with spaces
        if goarch and line.startswith("goarch:"):
            line = "goarch: %s\n" % goarch
        out.append(line)
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write("".join(out))
    return path


def verdicts(out):
    return {(c["name"], c["unit"]): c["verdict"]
            for c in json.loads(out)["comparisons"]}


def test_runners_mixed():
    # One file with two machines' results (goos linux and darwin, as a CI
    # matrix merged into one file): goos has two values within one input,
    # so it keeps splitting tables (merging it would pool both machines'
    # values in one cell); a key that differs only between the inputs
    # (cpu) is still matched across.
    with tempfile.TemporaryDirectory() as d:
        def two_machines(name, cpu, slow):
            path = os.path.join(d, name)
            with open(path, "w") as f:
                for goos, base in (("linux", 1000), ("darwin", 5000)):
                    f.write("goos: %s\ngoarch: amd64\npkg: example.com/a\n"
                            "cpu: %s\n" % (goos, cpu))
                    for r in range(10):
                        f.write("BenchmarkEncode-8 1 %d ns/op\n" %
                                ((base + r) * slow))
            return path
        a = two_machines("a.txt", "Intel X", 1)
        b = two_machines("b.txt", "AMD Y", 1)
        rc, out, err = run(["-format", "json", "a.txt", "b.txt"], cwd=d)
        comps = json.loads(out)["comparisons"]
        expect(rc == 0 and len(comps) == 2, "two tables: %d %r" % (rc, out))
        confs = sorted(c["config"] for c in comps)
        expect(confs[0].startswith("goos:darwin") and
               confs[1].startswith("goos:linux"), "by goos: %r" % confs)
        expect(all(c["verdict"] == "unchanged" for c in comps),
               "not pooled: %r" % [c["verdict"] for c in comps])
        expect(err.count("\n") == 1 and 'cpu: "Intel X" (a.txt) vs "AMD Y"'
               in err and "goos" not in err, "warning names cpu: %r" % err)
        # Through standard input the file cannot be read twice: an error
        # that says what to do, never pooled values.
        with open(a, "rb") as f:
            rc, out, err = run(["-", "b.txt"], stdin=f.read(), cwd=d)
        expect(rc == 2 and "goos differs within one input" in err and
               "-fingerprint" in err, "stdin: %d %r" % (rc, err))


def test_runners():
    # The examples: a file and a copy with another cpu line, and
    # BASE and NEW from two runners, compare as from one machine, with one
    # warning that names what differs.
    with tempfile.TemporaryDirectory() as d:
        other = machine_copy(BASE, d, "other.txt", "AMD EPYC 7763")
        rc, out, err = run([BASE, other])
        expect(rc == 0 and "0 regressions" in out, "copy: %d %s" % (rc, out))
        want = ('cregress: warning: compared across machines: cpu: '
                '"Example CPU @ 3.00GHz" (base.txt) vs "AMD EPYC 7763" '
                '(%s); -strict makes this an error\n' % other)
        expect(err == want, "warning %r, want %r" % (err, want))
        new = machine_copy(NEW, d, "new.txt", "AMD EPYC 7763")
        rc, out, err = run(["-format", "json", BASE, new])
        expect(rc == 1 and verdicts(out) == verdicts(report("json")[1]),
               "across runners: not the same verdicts as on one machine")
        expect(err.count("\n") == 1 and "compared across machines" in err,
               "one warning: %r" % err)
        # A key that does not differ stays in the table's configuration.
        conf = json.loads(out)["comparisons"][0]["config"]
        expect(conf == "goos:linux goarch:amd64 pkg:example.com/codec",
               "config %r" % conf)
        # -strict: an error, exit 2, no report.
        rc, out, err = run(["-strict", BASE, new])
        expect(rc == 2 and out == "" and
               "compared across machines" in err and "-strict" in err,
               "-strict: %d %r" % (rc, err))
        # Several keys: one message names them all.
        arm = machine_copy(NEW, d, "arm.txt", "Apple M2", goarch="arm64")
        rc, out, err = run([BASE, arm])
        expect(rc == 1 and err.count("\n") == 1 and
               'cpu: "Example CPU @ 3.00GHz" (base.txt) vs "Apple M2"' in err
               and 'goarch: "amd64" (base.txt) vs "arm64"' in err,
               "two keys: %r" % err)
        # The fingerprint keys are a setting: none is benchstat's matching.
        for flags in (["-fingerprint", ""], ["-fingerprint", "goos,goarch"]):
            rc, out, err = run(flags + [BASE, new])
            expect(rc == 2 and "nothing to compare" in err and
                   "machines" not in err, "%r: %d %r" % (flags, rc, err))
        rc, out, err = run(["-fingerprint", "cpu", BASE, arm])
        expect(rc == 2 and "nothing to compare" in err, "goarch splits")
        # -ignore cpu merges as asked: no word.
        rc, out, err = run(["-ignore", "cpu", BASE, new])
        expect(rc == 1 and err == "", "-ignore cpu: %r" % err)
        rc, out, err = run(["-fingerprint", "cpu,goarch", BASE, arm])
        expect(rc == 1 and "goarch" in err, "-fingerprint cpu,goarch")
        # In the config file; the flag overrides it.
        path = write_config('{"fingerprint": []}\n')
        try:
            rc, out, err = run(["-config", path, BASE, new])
            expect(rc == 2 and "nothing to compare" in err, "config []")
            rc, out, err = run(["-config", path, "-fingerprint", "cpu",
                                BASE, new])
            expect(rc == 1 and "machines" in err, "flag over config")
        finally:
            os.unlink(path)
        path = write_config('{\n  "fingerprint": "cpu"\n}\n')
        try:
            rc, out, err = run(["-config", path, BASE, new])
            expect(rc == 2 and ':2: "fingerprint" must be an array' in err,
                   "bad fingerprint: %r" % err)
        finally:
            os.unlink(path)
        rc, out, err = run(["-fingerprint", ".file", BASE, new])
        expect(rc == 2 and "-fingerprint" in err, "bad key: %r" % err)
        # Another core count: /gomaxprocs in the list matches.
        four = os.path.join(d, "four.txt")
        with open(new) as f, open(four, "w") as g:
            g.write(f.read().replace("-8\t", "-4\t"))
        rc, out, err = run(["-format", "json", BASE, four])
        expect(set(verdicts(out).values()) == {"inconclusive"},
               "-4 against -8: %r" % verdicts(out))
        rc, out, err = run(["-fingerprint", "cpu,/gomaxprocs", "-format",
                            "json", BASE, four])
        expect(rc == 1 and '/gomaxprocs: "8" (base.txt) vs "4"' in err and
               ("Encode/format=json", "sec/op") in verdicts(out),
               "/gomaxprocs: %d %r" % (rc, err))


def threshold_of(out, name, unit="sec/op"):
    return [c for c in json.loads(out)["comparisons"]
            if c["name"] == name and c["unit"] == unit][0]["threshold"]


def test_glob_suffix():
    # Globs match a name with or without its -N suffix.
    for rule in ("bench:Encode/*=50%", "bench:Encode/format=json=50%",
                 "bench:Encode/format=json-8=50%", "bench:Enc*-8=50%"):
        rc, out, err = run(["-threshold", rule, "-format", "json",
                            BASE, NEW])
        expect(err == "" and
               threshold_of(out, "Encode/format=json-8") == 0.5,
               "%s did not apply: %r" % (rule, err))
    path = write_config('{"benchmarks": [{"match": "Copy/size=64k", '
                        '"threshold": "90%"}],\n "ignore": ["Hash"]}\n')
    try:
        rc, out, err = run(["-config", path, "-format", "json", BASE, NEW])
        expect(threshold_of(out, "Copy/size=64k-8", "B/s") == 0.9,
               "config rule without -8")
        expect(json.loads(out)["summary"]["ignored"] == 1, "ignore Hash")
    finally:
        os.unlink(path)
    rc, out, err = run(["-explain", "Decode/format=json", BASE, NEW])
    expect(out.startswith("Decode/format=json-8  sec/op"),
           "-explain without -8:\n" + out)


def test_unmatched_globs():
    rc, out, err = run(["-threshold", "bench:Encdoe/*=5%", BASE, NEW])
    want = ('cregress: warning: threshold rule "bench:Encdoe/*=5%" matches '
            'no benchmark; closest: Encode/format=json, '
            'Encode/format=gob\n')
    expect(rc == 1 and err == want, "rule: %r, want %r" % (err, want))
    path = write_config('{\n  "benchmarks": [\n    {"match": "Qeury/*", '
                        '"threshold": "9%"}\n  ]\n}\n')
    try:
        rc, out, err = run(["-config", path, BASE, NEW])
        expect('threshold rule "bench:Qeury/*=9%%" (%s:3) matches no '
               'benchmark; closest: Query/sql=a|b' % path in err,
               "config rule: %r" % err)
    finally:
        os.unlink(path)
    rc, out, err = run(["-explain", "Decode/format=jsno", BASE, NEW])
    expect(rc == 2 and err == "cregress: -explain: no benchmark matches "
           "Decode/format=jsno; closest: Decode/format=json, "
           "Encode/format=json, Decode/format=gob\n", "explain: %r" % err)


def test_scaling():
    # testdata/scaling/gen_planted.py: Sort is O(n) in planted-linear.txt
    # and planted-linear2.txt (other noise), O(n^2) in
    # planted-quadratic.txt; Lookup is O(1) in all three.  A huge
    # threshold for Sort's own comparisons leaves the exponent as the
    # only thing that can fail the gate.
    sd = os.path.join(DATA, "..", "scaling")
    lin, lin2, quad = (os.path.join(sd, "planted-%s.txt" % n)
                       for n in ("linear", "linear2", "quadratic"))
    quiet = ["-threshold", "bench:Sort/*=100000%", "-scaling", "/n"]
    rc, out, err = run(quiet + ["-format", "json", lin, quad])
    doc = json.loads(out)
    got = {e["family"]: e for e in doc["scaling"]["exponents"]}
    expect(rc == 1 and err == "", "rc %d %r" % (rc, err))
    expect(doc["summary"]["regression"] == 0 and
           doc["summary"]["status"] == 1, doc["summary"])
    expect(got["Sort-8"]["verdict"] == "regression" and
           0.9 < got["Sort-8"]["change_lo"] < 1 < got["Sort-8"]["change_hi"]
           < 1.1, got["Sort-8"])
    expect(got["Lookup-8"]["verdict"] == "unchanged", got["Lookup-8"])
    expect(doc["scaling"]["confidence"] == 0.975 and
           doc["scaling"]["allowed"] == 0.1, doc["scaling"])
    # The same class on both sides passes.
    rc, out, err = run(quiet + ["-format", "json", lin, lin2])
    doc = json.loads(out)
    expect(rc == 0 and all(e["verdict"] == "unchanged"
                           for e in doc["scaling"]["exponents"]), out)
    # A rise of 1 is allowed by exponent=1.5 (flag or config file).
    rc, out, err = run(quiet + ["-threshold", "exponent=1.5", lin, quad])
    expect(rc == 0 and "a rise above 1.5 fails (exponent=1.5, flag)" in out,
           out)
    with tempfile.TemporaryDirectory() as d:
        cfg = os.path.join(d, "c.json")
        with open(cfg, "w") as f:
            f.write('{"exponent": 1.5}\n')
        rc, out, err = run(quiet + ["-config", cfg, lin, quad])
        expect(rc == 0 and "(exponent=1.5, %s:1)" % cfg in out, out)
    # Every report says it.
    rc, out, err = run(quiet + [lin, quad])
    expect(rc == 1 and re.search(r"\n  Sort-8    sec/op  k 1\.00 \[[0-9.]+, "
                                 r"[0-9.]+\] -> 2\.00 .*  regression\n", out)
           and out.endswith("; exponents: 1 regression, 1 unchanged\n"),
           out)
    rc, out, err = run(quiet + ["-format", "markdown", lin, quad])
    expect(rc == 1 and "#### Scaling exponents" in out and
           re.search(r"\n\| Sort-8 \| sec/op \| k 1\.00 .* \| regression \|",
                     out), out)
    rc, out, err = run(quiet + ["-format", "junit", lin, quad])
    root = ET.fromstring(out)
    cases = {c.get("name"): c for c in root.iter("testcase")}
    expect(rc == 1 and root.get("failures") == "1" and
           cases["Sort-8 sec/op exponent"].find("failure") is not None and
           cases["Lookup-8 sec/op exponent"].find("failure") is None, out)
    rc, out, err = run(quiet + ["-format", "github", lin, quad])
    expect(rc == 1 and "::error title=Scaling exponent regression::Sort-8 "
           "sec/op: k 1.00 " in out, out)
    # Bad rules and keys exit 2; standard input cannot be read twice.
    for args in (["-threshold", "exponent=-1"], ["-threshold", "exponent=x"],
                 ["-scaling", "/a/b"]):
        rc, out, err = run(args + [lin, quad])
        expect(rc == 2 and out == "", "%r: rc %d %r" % (args, rc, err))
    with open(quad, "rb") as f:
        rc, out, err = run(["-scaling", "/n", lin, "-"], stdin=f.read())
    expect(rc == 2 and "standard input" in err, err)


def test_warnings():
    # A value far out in base.txt's runs (run 3: 2% off, 6 IQRs and more
    # beyond the quartile) is a strong finding, the only one: every report shows it as a
    # warning, -no-diagnose leaves it out, and the exit status is the
    # gate's.
    with tempfile.TemporaryDirectory() as d:
        rng = random.Random(5)
        for name, far in (("base.txt", True), ("new.txt", False)):
            with open(os.path.join(d, name), "w") as f:
                for i in range(10):
                    v = 102 if far and i == 2 else 100 + rng.gauss(0, 0.1)
                    f.write("BenchmarkX-8 1000 %.2f ns/op\n" % v)
        want = "base.txt  X-8  sec/op  n=10: outliers: 1 value beyond"
        rc, out, err = run([BASE, NEW], cwd=d)
        expect(rc == 0 and err == "" and
               "\nData-quality warnings (strong findings; -no-diagnose "
               "hides them):\n  " + want in out, out)
        rc, out, err = run(["-no-diagnose", BASE, NEW], cwd=d)
        expect(rc == 0 and "Data-quality" not in out, out)
        rc, out, err = run(["-format", "markdown", BASE, NEW], cwd=d)
        expect("#### Data-quality warnings" in out and
               "| base.txt | X-8 | sec/op | 10 | outliers: 1 value" in out,
               out)
        rc, out, err = run(["-format", "json", BASE, NEW], cwd=d)
        w = json.loads(out)["warnings"]
        expect(len(w) == 1 and w[0]["check"] == "outliers" and
               w[0]["input"] == "base.txt" and w[0]["n"] == 10 and
               "re-run" in w[0]["message"], w)
        rc, out, err = run(["-format", "json", "-no-diagnose", BASE, NEW],
                           cwd=d)
        expect("warnings" not in json.loads(out), out)
        rc, out, err = run(["-format", "junit", BASE, NEW], cwd=d)
        root = ET.fromstring(out)
        so = [e.text for e in root.find("testsuite").findall("system-out")]
        expect(len(so) == 1 and "Data-quality warnings" in so[0] and
               "base.txt X-8 sec/op n=10: outliers:" in so[0], out)
        rc, out, err = run(["-format", "github", BASE, NEW], cwd=d)
        expect("::warning title=Data quality::base.txt X-8 sec/op n=10: "
               "outliers: 1 value" in out, out)


def main():
    global CREGRESS, CSTAT, DATA
    CREGRESS = os.path.abspath(sys.argv[1])
    CSTAT = os.path.abspath(sys.argv[2])
    DATA = os.path.abspath(sys.argv[3])
    globals()["test_" + sys.argv[4]]()


if __name__ == "__main__":
    main()
