#!/usr/bin/env python3
"""Command-line tests of cstat: flag syntax, inputs, exit codes, messages.

usage: cli.py CSTAT TESTDATA NAME   (NAME is one of the test_* functions)

Each test runs the real binary and asserts on its exit status, stdout and
stderr.  The behaviours come from ../docs/cstat.md (flag syntax as Go's flag
package; exit codes 0, 1, 2).
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile

CSTAT = None
DATA = None


def run(args, stdin=None, cwd=None):
    p = subprocess.run([CSTAT] + args, input=stdin, capture_output=True,
                       cwd=cwd or DATA, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


A = os.path.join("edge-mismatch", "a.txt")
B = os.path.join("edge-mismatch", "b.txt")


def test_flag_forms():
    # -alpha 0.5, -alpha=0.5 and --alpha 0.5 mean the same.
    outs = [run(f + [A, B])[1] for f in
            (["-alpha", "0.5"], ["-alpha=0.5"], ["--alpha", "0.5"],
             ["--alpha=0.5"])]
    expect(outs[0] and all(o == outs[0] for o in outs), "flag forms differ")


def test_flags_stop_at_first_file():
    rc, out, err = run([A, "-alpha", "0.5"])
    expect(rc == 1, "rc %d" % rc)
    expect(out == "", "stdout not empty")
    expect(err == "cstat: open -alpha: no such file or directory\n", err)


def test_double_dash_ends_flags():
    rc, out, err = run(["--", A])
    expect(rc == 0 and "a.txt" in out, "-- not honoured")


def test_help_exits_zero():
    for f in ("-h", "-help", "--help"):
        rc, out, err = run([f])
        expect(rc == 0, "%s: rc %d" % (f, rc))
        expect(out.startswith("Usage: cstat"), "%s: no usage" % f)
        expect("Exit status" in out, "usage lacks exit codes")


def test_usage_errors_exit_two():
    for args, msg in ((["-nosuch", A], "flag provided but not defined: -nosuch"),
                      (["-alpha"], "flag needs an argument: -alpha"),
                      (["-alpha", "x", A], 'invalid value "x" for flag -alpha'),
                      (["-confidence", "1.5", A], "-confidence must be in range [0, 1]"),
                      (["-alpha", "-0.1", A], "-alpha must be in range [0, 1]"),
                      ([], "Usage: cstat")):
        rc, out, err = run(args)
        expect(rc == 2, "%s: rc %d" % (args, rc))
        expect(out == "", "%s: stdout not empty" % args)
        expect(msg in err, "%s: stderr %r" % (args, err))


def test_help_lists_formats_and_v1():
    # The issue: -h did not name -v1 or the formats benchstat lacks, and
    # -v1 -h pointed at docs/v1.md, which is not installed.
    rc, out, err = run(["-h"])
    expect(rc == 0, "rc %d" % rc)
    flags = out[out.index("Flags:"):out.index("Input formats")]
    for f in ("text", "csv", "html", "markdown", "json"):
        expect("      %s " % f in flags, "-h lacks format %s" % f)
    for f in ("\n  -v1\n", "\n  -version\n"):
        expect(f in flags, "-h lacks %r" % f)
    rc, out, err = run(["-v1", "-h"])
    expect(rc == 0 and "docs/v1.md" not in out and
           "man cstat (section V1)" in out and
           "/doc/cstat/v1.md" in out, out)


def test_errors_list_values():
    # Every enumerated flag's error names every value it accepts, but
    # -format's, which keeps benchstat's words as the conformance corpus
    # pins them (edge-badformat); -h names all five formats.
    for args, msg in (
            (["-format", "htm", A],
             "cstat: -format must be text or csv\n"),
            (["-v1", "-delta-test", "z", A],
             "cstat: unknown -delta-test z: must be one of utest, ttest, "
             "none\n"),
            (["-v1", "-sort", "z", A],
             "cstat: unknown -sort z: must be one of none, name, -name, "
             "delta, -delta\n")):
        rc, out, err = run(args)
        expect(rc == 2 and out == "", "%s: rc %d" % (args, rc))
        expect(err.startswith(msg), "%s: stderr %r" % (args, err))
    rc, out, err = run(["-input-format", "nosuch", A])
    expect(rc == 2, "rc %d" % rc)
    for f in ("go", "cstat", "test2json", "gbench", "hyperfine", "pytest",
              "dotnet", "csv", "criterion"):
        expect(re.search(r"[ ,]%s(,|$)" % f, err.strip()),
               "-input-format error lacks %s: %r" % (f, err))


def test_stdin_input():
    with open(os.path.join(DATA, A), "rb") as f:
        data = f.read()
    rc, out, err = run(["-", B], stdin=data)
    expect(rc == 0, "rc %d" % rc)
    expect("│      -      │" in out, "stdin column not named '-': " + out)
    expect("+47.62%" in out, "comparison missing")


def test_unreadable_file():
    # An input that opens but cannot be read (a read error) fails with
    # exit 1 and nothing on stdout; as root, chmod cannot make a file
    # unreadable, so the read error comes from /proc/self/mem.
    if os.geteuid() == 0:
        rc, out, err = run(["/proc/self/mem"])
        expect(rc == 1 and out == "", "rc %d" % rc)
        expect(err == "cstat: /proc/self/mem:0: read /proc/self/mem: "
               "input/output error\n", err)
        return
    with tempfile.NamedTemporaryFile() as f:
        os.chmod(f.name, 0)
        rc, out, err = run([f.name])
        expect(rc == 1 and out == "", "rc %d" % rc)
        expect(err == "cstat: open %s: permission denied\n" % f.name, err)


def test_fatal_error_prints_nothing():
    # a.txt reads fine, the second input is missing: no partial output.
    rc, out, err = run([A, "missing.txt"])
    expect(rc == 1 and out == "", "partial output")
    expect(err == "cstat: open missing.txt: no such file or directory\n", err)


def test_directory_input():
    rc, out, err = run([A, "."])
    expect(rc == 1 and out == "", "rc %d" % rc)
    expect(err == "cstat: .:0: read .: is a directory\n", err)


def test_syntax_errors_name_file_and_line():
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("BenchmarkA 1 5 ns/op\nBenchmarkB x 5 ns/op\n"
                "BenchmarkC 1 5\n")
    try:
        rc, out, err = run([f.name])
        expect(rc == 0, "rc %d" % rc)
        expect(err == "%s:2: parsing iteration count: invalid syntax\n"
               "%s:3: missing units\n" % (f.name, f.name), err)
        expect("A " in out or "A  " in out, out)
    finally:
        os.unlink(f.name)


def test_long_line():
    # benchstat fails on lines over 64 KiB; cstat reads them.
    name = "X" * 200000
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for v in (10, 11, 12, 10, 11, 12):
            f.write("Benchmark%s 1 %d ns/op\n" % (name, v))
    try:
        rc, out, err = run(["-format", "csv", f.name])
        expect(rc == 0 and err == "", err)
        expect(("\n%s,1.1000000000000001e-08,9%%\n" % name) in out,
               "long name row missing")
    finally:
        os.unlink(f.name)


def test_empty_inputs():
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
        rc, out, err = run([f.name])
        expect(rc == 0 and out == "" and err == "", "empty file")


def test_never_silent():
    # docs/formats.md, "Never silent".  Standard input that held no
    # benchmark results (a pipe from a failed build) gets a warning naming
    # it, and the table still prints.
    rc, out, err = run([A, "-"], stdin=b"")
    expect(rc == 0 and "a.txt" in out, "rc %d: %s" % (rc, out))
    expect(err == "-: standard input held no benchmark results\n", err)
    rc, out, err = run([A, "new=-"], stdin=b"ok  \tpkg\t0.1s\n")
    expect(err == "new: standard input held no benchmark results\n", err)
    with tempfile.TemporaryDirectory() as d:
        # JSON that is no format cstat reads: exit 1, nothing on stdout,
        # the file and the formats it could have been named.
        p = os.path.join(d, "new.json")
        with open(p, "w") as f:
            f.write('{"Time": 1, "unknown": [1, 2]}\n')
        rc, out, err = run([A, p])
        expect(rc == 1 and out == "", "rc %d: %r" % (rc, out))
        expect(err.startswith("cstat: %s: JSON, but not a format cstat "
                              "reads (expected " % p), err)
        # -input-format takes the formats' names, and lists them when
        # given another; NAME:path forces one input.
        rc, out, err = run(["-input-format", "nosuch", A])
        expect(rc == 2 and out == "" and
               err.startswith("cstat: -input-format must be one of go, "),
               "rc %d: %r" % (rc, err))
        # (Read as Go text it holds no benchmarks: a file stays silent,
        # as in benchstat.)
        rc, out, err = run(["-input-format", "go", A, p])
        expect(rc == 0 and "a.txt" in out and err == "",
               "forced go: rc %d %r" % (rc, err))
        rc, out, err = run([A, "go:" + p])
        expect(rc == 0 and "a.txt" in out and err == "",
               "go:path: rc %d %r" % (rc, err))
        # -v1 reads Go text only, as the pre-2023 benchstat did, and says
        # so instead of reading JSON as text without benchmarks.
        rc, out, err = run(["-v1", A, p])
        expect(rc == 1 and out == "" and
               "JSON, but cstat -v1 reads Go benchmark text only" in err,
               "-v1: rc %d %r" % (rc, err))
    # -h lists every input format by name.
    rc, out, err = run(["-h"])
    expect("Input formats" in out and "\n  go " in out and
           "\n  cstat " in out and "-v1" in out, out)


def test_mixed_formats():
    # docs/formats.md: inputs of different formats meet in one table when
    # their names and units do.  The same ten values as Go text, as
    # cstat's long CSV and as a go test -json stream compare as equal
    # (p = 1); Go text against the CSV scaled by 1.5 is a change of +50%.
    vals = [100 + 3 * i for i in range(10)]
    go = "goos: linux\n" + "".join(
        "BenchmarkX-8 1000 %d ns/op\n" % v for v in vals)
    csv = "name,value,unit,goos\n" + "".join(
        "X-8,%d,ns/op,linux\n" % v for v in vals)
    slow = "name,value,unit,goos\n" + "".join(
        "X-8,%g,ns/op,linux\n" % (v * 1.5) for v in vals)
    events = ['{"Action":"start","Package":"p"}']
    for line in go.splitlines(True):
        events.append(json.dumps({"Action": "output", "Package": "p",
                                  "Output": line}))
    events.append('{"Action":"pass","Package":"p"}')
    with tempfile.TemporaryDirectory() as d:
        for name, text in (("a.txt", go), ("b.csv", csv), ("c.json",
                           "\n".join(events) + "\n"), ("s.csv", slow)):
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        for other in ("b.csv", "c.json"):
            rc, out, err = run(["a.txt", other], cwd=d)
            expect(rc == 0 and err == "" and "~ (p=1.000 n=10)" in out,
                   "%s: rc %d %r %s" % (other, rc, err, out))
        rc, out, err = run(["a.txt", "s.csv"], cwd=d)
        expect(rc == 0 and "+50.00% (p=0.000 n=10)" in out, out + err)
        cregress = os.path.join(os.path.dirname(CSTAT), "cregress")
        p = subprocess.run([cregress, "c.json", "s.csv"], cwd=d,
                           capture_output=True, timeout=60)
        out = p.stdout.decode()
        expect(p.returncode == 1 and "1 regression" in out, out)


def write_pair(d, a_text, b_text):
    for name, text in (("a.txt", a_text), ("b.txt", b_text)):
        with open(os.path.join(d, name), "w") as f:
            f.write(text)


def test_tie_p_either_order():
    # docs/cstat.md, "Where cstat differs from benchstat": {1,1,1} vs
    # {1,0.5} ns/op.  Hand: the {1,1,1} sample has U = 4.5 in 4 of the
    # C(5,3) = 10 arrangements of the pooled values and U = 2 in the other
    # 6, so p = 2 * 0.4 = 0.8 in both orders.  benchstat prints
    # "-25.00% (p=0.000 n=3+2)" one way round (the wrong tail) and
    # "~ (p=0.800 n=2+3)" the other; the same holds for -v1.
    a = "BenchmarkX 1 1 ns/op\n" * 3
    b = "BenchmarkX 1 1 ns/op\nBenchmarkX 1 0.5 ns/op\n"
    with tempfile.TemporaryDirectory() as d:
        write_pair(d, a, b)
        for flags in ([], ["-v1"]):
            for files, n in ((["a.txt", "b.txt"], "3+2"),
                             (["b.txt", "a.txt"], "2+3")):
                rc, out, err = run(flags + files, cwd=d)
                expect(rc == 0 and err == "", "%s: rc %d %s" %
                       (flags + files, rc, err))
                expect("(p=0.800 n=%s)" % n in out,
                       "%s: want p=0.800 n=%s:\n%s" % (flags + files, n, out))
                row = [l for l in out.split("\n") if "(p=" in l][0]
                expect(row.split("(p=")[0].rstrip().endswith("~"),
                       "%s: a delta is shown: %s" % (flags + files, row))


def test_v1_html_group_rows():
    # The old benchstat's HTML template (golang.org/x/perf at 91a0461,
    # benchstat/html.go) heads each run of rows of one configuration group
    # with <tr class='group'><th colspan=N>, N = configs + 1, plus 1 when
    # there is a delta column (htmlColspan), and none with -split=.  The
    # 2-file layout is pinned by the v1-real-groups-html case; this checks
    # 1 and 3 files on its input.
    d = os.path.join(DATA, "v1-real-groups-html")
    head = "<tr class='group'><th colspan='%d'>pkg:github.com/alessiosavi/" \
           "GoGPUtils/helper goos:linux goarch:amd64<tr><td>RandomIntn-8<td>"
    for files, span in ((["a.txt"], 2), (["a.txt", "b.txt", "a.txt"], 4)):
        rc, out, err = run(["-v1", "-html"] + files, cwd=d)
        expect(rc == 0 and err == "", "%s: rc %d %s" % (files, rc, err))
        expect(head % span in out, "%s: no group row of colspan %d" %
               (files, span))
        expect(out.count("<tr class='group'>") == 21,
               "%s: %d group rows, want 21 (7 groups x 3 tables)" %
               (files, out.count("<tr class='group'>")))
    rc, out, err = run(["-v1", "-html", "-split=", "a.txt", "b.txt"], cwd=d)
    expect(rc == 0 and "class='group'" not in out, "-split= shows groups")


def test_diagnose():
    # docs/analyses.md: the report instead of the tables, in text,
    # Markdown and JSON; CSV and HTML refused with exit 2.  mkvdup's
    # baseline has a real 4-run warm-up (testdata/diagnose/README.md).
    f = os.path.join("..", "diagnose", "mkvdup_baseline.txt")
    rc, out, err = run(["-diagnose", f])
    expect(rc == 0 and err == "", "text: rc %d %r" % (rc, err))
    expect(out.startswith("data-quality diagnostics: 170 cells, "),
           "text: %r" % out[:80])
    expect("Parser_Parse_Small-4  sec/op  n=10\n  trend: values fall over "
           "the first 4 runs" in out, "text: no warm-up finding")
    rc, out, err = run(["-diagnose", "-format", "json", f])
    doc = json.loads(out)
    expect(rc == 0 and doc["schema"] == "cstat-diagnose/1" and
           len(doc["cells"]) == 170, "json: rc %d" % rc)
    rc, out, err = run(["-diagnose", "-format", "markdown", f])
    expect(rc == 0 and out.startswith("| input | benchmark |"),
           "markdown: %r" % out[:80])
    # CSV: a header row and a line per cell (170), every number.
    rc, out, err = run(["-diagnose", "-format", "csv", f])
    rows = list(csv.reader(io.StringIO(out)))
    expect(rc == 0 and rows[0][:4] == ["input", "name", "unit", "n"] and
           len(rows) == 171 and all(len(r) == len(rows[0]) for r in rows),
           "csv: rc %d %r" % (rc, out[:200]))
    small = [r for r in rows if r[1] == "Parser_Parse_Small-4" and
             r[2] == "sec/op"]
    # p = 0.0022: a finding, not a strong one (p <= 0.001).
    expect(len(small) == 1 and small[0][-2] == "trend" and
           small[0][-1] == "", "csv: %r" % small)
    rc, out, err = run(["-diagnose", "-format", "html", f])
    expect(rc == 0 and out.startswith("<!DOCTYPE html>") and
           "<td>Parser_Parse_Small-4</td><td>sec/op</td><td>10</td>"
           "<td>trend</td><td>values fall over the first 4 runs" in out,
           "html: rc %d" % rc)


def main():
    global CSTAT, DATA
    CSTAT, DATA, name = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    try:
        globals()["test_" + name]()
    except AssertionError as e:
        print("FAIL:", e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
