#!/usr/bin/env python3
"""Tests of cbaseline's detect and export commands.

usage: cbaseline.py CBASELINE CSTAT TESTDATA NAME  (NAME: a test_* function)

Histories are made here, deterministically: Go benchmark text files drawn
from a seeded random.Random, recorded one run at a time with
'cbaseline record -m commit=cN -m created=...' into a temporary store.
The known answers are planted: a 10% step in one benchmark of a history
of 60 runs, none in a stationary one.  The golden files of the exports
and of detect's report are in TESTDATA/golden/ (TESTDATA is
testdata/cbaseline); UPDATE_GOLDEN=1 rewrites them from the current
binary (then read the diff before committing).  The host name the store
records is replaced with HOST before comparing.
"""
import csv
import datetime
import html.parser
import io
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile

CBASELINE = CSTAT = DATA = None

# Variables the store would take metadata from: the tests set it all.
SCRUB = ("GITHUB_SHA", "CI_COMMIT_SHA", "GITHUB_REF_NAME",
         "CI_COMMIT_REF_NAME", "CSTAT_STORE", "GITHUB_SERVER_URL",
         "GITHUB_REPOSITORY")

HEADER = ("goos: linux\ngoarch: amd64\npkg: example.com/cstat/hist\n"
          "cpu: Test CPU @ 2.00GHz\n")


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def run(args, cwd=None, extra_env=None):
    env = {k: v for k, v in os.environ.items() if k not in SCRUB}
    env.update(extra_env or {})
    p = subprocess.run([CBASELINE] + args, capture_output=True, cwd=cwd,
                       env=env, stdin=subprocess.DEVNULL, timeout=300)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def created(k):
    """The creation time of run k (1-based): a day apart, from 2026."""
    t = datetime.datetime(2026, 1, 1, 8, 10) + datetime.timedelta(days=k - 1)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def record(store, name, texts, branch="main", first=1, commit="c%d"):
    """Records each text as one run of history name: run k gets commit
    cK (commit % k) and created(k)."""
    with tempfile.TemporaryDirectory(prefix="cbaseline-gen-") as tmp:
        for k, text in enumerate(texts, first):
            path = os.path.join(tmp, "run%d.txt" % k)
            with open(path, "w") as f:
                f.write(text)
            b = branch(k) if callable(branch) else branch
            rc, _, err = run(["-store", store, "record",
                              "-m", "commit=" + commit % k,
                              "-m", "created=" + created(k),
                              "-m", "branch=" + b, name, path])
            expect(rc == 0, "record run %d: %s" % (k, err))


def bench_lines(rng, name, count, ns, sd, extra=""):
    """count lines of benchmark name around ns ns/op (relative sd)."""
    out = []
    for _ in range(count):
        v = ns * (1 + rng.gauss(0, sd))
        out.append("Benchmark%s \t 1000\t %.1f ns/op%s\n" % (name, v, extra))
    return "".join(out)


def planted(nruns=60, step_at=31, step=0.10, seed=1, step2_at=None):
    """A history of nruns runs of four benchmarks, each with sec/op, B/op
    and allocs/op; Encode's sec/op goes up by step from run step_at on
    (never, when step_at is None), and by step again from step2_at on."""
    rng = random.Random(seed)
    texts = []
    for k in range(1, nruns + 1):
        text = HEADER
        up = step_at is not None and k >= step_at
        for name, ns in (("Encode-8", 1718.0), ("Decode-8", 2404.0),
                         ("Parse/small-8", 312.5), ("Parse/large-8", 9120.0)):
            if name == "Encode-8" and up:
                ns *= 1 + step
            if name == "Encode-8" and step2_at and k >= step2_at:
                ns *= 1 + step
            text += bench_lines(rng, name, 10, ns, 0.02,
                                "\t 512 B/op\t 4 allocs/op")
        texts.append(text)
    return texts


def detect(store, name, *flags):
    rc, out, err = run(["-store", store, "detect"] + list(flags) + [name])
    expect(rc == 0, "detect exit %d: %s" % (rc, err))
    return out


def changes_of(out):
    """The report lines of detect's output: (benchmark, unit, run, commit,
    change text)."""
    rows = []
    lines = out.split("\n")
    for line in lines[3:]:
        if not line.strip():
            break
        f = line.split()
        rows.append((f[0], f[1], int(f[2]), f[3], f[-2]))
    return rows


def summary(out):
    m = re.search(r"^(\d+) change points? in (\d+) series over (\d+) runs?$",
                  out, re.M)
    expect(m, "no summary line in:\n" + out)
    return tuple(int(g) for g in m.groups())


# The store the tests run on: a temporary directory, or, with
# CBASELINE_TEST_STORE=postgresql, the database tests/pgcluster.py started
# (CSTAT_TEST_PG), each Store a project of its own.  The expected outputs
# are the same.
PG = (os.environ.get("CSTAT_TEST_PG")
      if os.environ.get("CBASELINE_TEST_STORE") == "postgresql" else None)


def psql(sql, *params):
    """Runs sql against the database of PG (psql's :'vN' are params)."""
    args = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
            "-d", PG]
    for i, v in enumerate(params):
        args += ["-v", "v%d=%s" % (i, v)]
    p = subprocess.run(args, input=sql, capture_output=True, text=True,
                       check=True)
    return p.stdout


def history_text(store, name):
    """History name's bytes as the store holds them."""
    if not PG:
        with open(os.path.join(store, "history", name + ".jsonl")) as f:
            return f.read()
    return psql("SELECT r.record FROM cstat_runs r JOIN cstat_histories h"
                " ON h.id = r.history_id JOIN cstat_projects p"
                " ON p.id = h.project_id WHERE p.name = :'v0'"
                " AND h.name = :'v1' ORDER BY r.seq",
                os.environ["CSTAT_PROJECT"], name)


def put_history(store, name, lines):
    """Stores lines (what a history file would hold, damaged or not) as
    history name, bypassing cbaseline."""
    if not PG:
        with open(os.path.join(store, "history", name + ".jsonl"), "w") as f:
            f.write("".join(l + "\n" for l in lines))
        return
    project = os.environ["CSTAT_PROJECT"]
    psql("INSERT INTO cstat_histories (project_id, name) SELECT id, :'v1'"
         " FROM cstat_projects WHERE name = :'v0'", project, name)
    for k, line in enumerate(lines):
        psql("INSERT INTO cstat_runs (history_id, run_id, metadata, record)"
             " SELECT h.id, :'v2', '{}', :'v3' FROM cstat_histories h"
             " JOIN cstat_projects p ON p.id = h.project_id"
             " WHERE p.name = :'v0' AND h.name = :'v1'",
             project, name, "bad-%d" % k, line)


class Store:
    made = 0

    def __enter__(self):
        self.dir = None
        if PG:
            Store.made += 1
            os.environ["CSTAT_PROJECT"] = "test-%d" % Store.made
            return PG
        self.dir = tempfile.mkdtemp(prefix="cbaseline-test-")
        return self.dir

    def __exit__(self, *exc):
        if self.dir:
            shutil.rmtree(self.dir)


# ----------------------------------------------------------------------------
# detect

def test_detect_step():
    with Store() as store:
        record(store, "h", planted())
        out = detect(store, "h")
        got = changes_of(out)
        expect(len(got) == 1, "want one change, got:\n" + out)
        bench, unit, run_, commit, pct = got[0]
        expect((bench, unit, run_, commit) == ("Encode-8", "sec/op", 31,
                                               "c31"),
               "change at %r" % (got[0],))
        expect(created(31) in out, "created time of run 31 missing")
        change = float(pct.rstrip("%"))
        expect(8 < change < 12, "change %s, want about +10%%" % pct)
        # 4 benchmarks x 3 units; the allocs and B/op series are constant.
        expect(summary(out) == (1, 12, 60), "summary %r" % (summary(out),))
        # before -> after, as benchstat scales: about 1.72µ -> 1.89µ.
        m = re.search(r"(\d+\.\d+)µ → (\d+\.\d+)µ", out)
        expect(m and abs(float(m.group(1)) - 1.718) < 0.02 and
               abs(float(m.group(2)) - 1.890) < 0.02,
               "before/after in:\n" + out)


def test_detect_stationary():
    with Store() as store:
        record(store, "h", planted(step_at=None, seed=2))
        out = detect(store, "h")
        expect(summary(out) == (0, 12, 60), "stationary:\n" + out)
        expect(changes_of(out) == [], "stationary:\n" + out)


def test_detect_since():
    with Store() as store:
        record(store, "h", planted())
        # The last 20 runs (41..60) are all after the step.
        out = detect(store, "h", "-since", "20")
        expect(summary(out) == (0, 12, 20), "-since 20:\n" + out)
        expect("runs 41 to 60" in out, "-since 20 header:\n" + out)
        # The last 40 (21..60) hold it: still reported as run 31.
        out = detect(store, "h", "-since=40")
        got = changes_of(out)
        expect(len(got) == 1 and got[0][2] == 31 and got[0][3] == "c31",
               "-since 40:\n" + out)
        expect(summary(out) == (1, 12, 40), "-since 40:\n" + out)
        # More than there are: all of them.
        out = detect(store, "h", "-since", "1000")
        expect(summary(out) == (1, 12, 60), "-since 1000:\n" + out)
        # A smaller alpha still finds a 10% step; alpha 1 finds noise too.
        out = detect(store, "h", "-alpha", "1e-12")
        expect(summary(out)[0] == 1, "-alpha 1e-12:\n" + out)
        out = detect(store, "h", "-alpha", "1")
        expect(summary(out)[0] >= 1, "-alpha 1:\n" + out)


def test_detect_usage():
    with Store() as store:
        record(store, "h", planted(nruns=3))
        for args, want in (
                (["detect"], "need a history NAME"),
                (["detect", "-since", "1.5", "h"], "whole number"),
                (["detect", "-since", "-3", "h"], "whole number"),
                (["detect", "-alpha", "0", "h"], None),
                (["detect", "-alpha", "2", "h"], "-alpha"),
                (["detect", "-nope", "h"], "not defined"),
                (["detect", "../h"], "bad history name"),
                (["detect", "missing"], "missing.jsonl"),
                (["detect", "h", "extra"], "unexpected argument"),
                (["export", "h"], "need -format"),
                (["export", "-format", "xml", "h"], "unknown format"),
                (["export", "-format", "csv", "-o", "/nonexistent/x", "h"],
                 "/nonexistent/x")):
            rc, out, err = run(["-store", store] + args)
            if want is None:
                expect(rc == 0, "%r: exit %d: %s" % (args, rc, err))
                continue
            expect(rc == 2, "%r: exit %d, want 2" % (args, rc))
            expect(want in err, "%r: stderr %r lacks %r" % (args, err, want))
        rc, out, _ = run(["detect", "-h"])
        expect(rc == 0 and "Usage: cbaseline detect" in out, "detect -h")
        rc, out, _ = run(["export", "-help"])
        expect(rc == 0 and "Usage: cbaseline export" in out, "export -h")
        # A history that is not JSON lines is an error, not a crash.
        put_history(store, "bad", ["not json", "{}"])
        rc, _, err = run(["-store", store, "detect", "bad"])
        expect(rc == 2 and err, "corrupt history: exit %d %s" % (rc, err))


def alerts_along(texts, since_run, *flags):
    """Records texts one run at a time and runs 'detect -fail-on new' after
    each record from run since_run on, as CI would: {run: (exit status,
    JSON report)}."""
    got = {}
    with Store() as store:
        for k, text in enumerate(texts, 1):
            record(store, "h", [text], first=k)
            if k < since_run:
                continue
            rc, out, err = run(["-store", store, "detect", "-fail-on", "new",
                                "-format", "json", "h"] + list(flags))
            expect(rc in (0, 1), "run %d: exit %d: %s" % (k, rc, err))
            got[k] = (rc, json.loads(out))
    return got


def test_detect_alert():
    # A 10% slowdown of Encode from run 31 on, detect after every record
    # (seed 1): the first run that makes the step detectable exits 1, every
    # later one 0 (the change was reported), and the report says why.
    got = alerts_along(planted(nruns=40, step_at=31), 25)
    alerting = [k for k, (rc, _) in got.items() if rc == 1]
    expect(len(alerting) == 1, "alerting runs %r" % alerting)
    k = alerting[0]
    expect(31 <= k <= 36, "alert at run %d, want just after 31" % k)
    doc = got[k][1]
    expect(doc["schema"] == "cstat-changes/1" and doc["alerts"] == 1 and
           doc["fail_on"] == "new" and doc["to_run"] == k and
           doc["to_commit"] == "c%d" % k, "report %r" % doc)
    c = [c for c in doc["changes"] if c["alert"]]
    expect(len(c) == 1 and c[0]["name"] == "Encode-8" and
           c[0]["unit"] == "sec/op" and c[0]["direction"] == "regression" and
           abs(c[0]["run"] - 31) <= 3 and 0.08 < c[0]["change"] < 0.12,
           "alerting change %r" % c)
    for j in range(k + 1, 41):
        rc, later = got[j]
        expect(rc == 0 and later["alerts"] == 0 and
               len(later["changes"]) == 1 and
               later["changes"][0]["direction"] == "regression",
               "run %d after the alert: %r" % (j, later))
    # Before the step is detectable nothing alerts.
    expect(all(got[j][0] == 0 for j in range(25, k)), "alert before %d" % k)
    # A second slowdown of the same benchmark, 20 runs later, alerts
    # again, once.
    got = alerts_along(planted(nruns=60, step_at=31, step2_at=51), 25)
    alerting = [k for k, (rc, _) in got.items() if rc == 1]
    expect(len(alerting) == 2 and 31 <= alerting[0] <= 36 and
           51 <= alerting[1] <= 56, "alerting runs %r" % alerting)


def test_detect_alert_improvement():
    # A 10% speed-up is a change point but never an alert; nor is noise.
    got = alerts_along(planted(nruns=40, step_at=31, step=-0.10), 30)
    expect(all(rc == 0 for rc, _ in got.values()), "improvement alerted")
    expect(any(d["changes"] and d["changes"][0]["direction"] ==
               "improvement" for _, d in got.values()), "no change found")
    got = alerts_along(planted(nruns=40, step_at=None, seed=2), 30)
    expect(all(rc == 0 for rc, _ in got.values()), "stationary alerted")


def test_detect_alert_report():
    # One history, the step's first detectable run last: exit 1 in every
    # format; a few more runs at the new level: exit 0.  -new N looks N
    # runs back (detect after every N records).
    texts = planted(nruns=40, step_at=31)
    first = min(k for k, (rc, _) in alerts_along(texts, 31).items()
                if rc == 1)
    with Store() as store:
        record(store, "h", texts[:first])
        for fmt in ("text", "markdown", "json"):
            rc, out, err = run(["-store", store, "detect", "h", "-fail-on",
                                "new", "-format", fmt])
            expect(rc == 1, "%s: exit %d: %s" % (fmt, rc, err))
            expect("new regression" in out or '"alerts":\t1' in out,
                   fmt + ":\n" + out)
            if fmt == "markdown" and shutil.which("cmark-gfm"):
                html = subprocess.run(["cmark-gfm", "-e", "table"],
                                      input=out.encode(), check=True,
                                      capture_output=True).stdout.decode()
                expect(html.count("<table>") == 1 and
                       ">new regression</td>" in html, html)
        rc, out, _ = run(["-store", store, "detect", "h"])
        expect(rc == 0 and "alert" not in out, "without -fail-on:\n" + out)
        record(store, "h", texts[first:first + 3], first=first + 1)
        rc, out, err = run(["-store", store, "detect", "-fail-on", "new",
                            "h"])
        expect(rc == 0 and "0 new regressions" in out, out + err)
        rc, out, err = run(["-store", store, "detect", "-fail-on", "new",
                            "-new", "4", "h"])
        expect(rc == 1 and "1 new regression" in out, out + err)
        for args, want in ((["-fail-on", "always"], "none or new"),
                           (["-new", "0"], "whole number"),
                           (["-format", "csv"], "unknown format")):
            rc, out, err = run(["-store", store, "detect", "h"] + args)
            expect(rc == 2 and want in err, "%r: %d %s" % (args, rc, err))


def test_detect_alert_recipe():
    # The alert recipe of docs/cbaseline.md, run as it is written there,
    # with gh and curl replaced by stubs that keep what they were given.
    doc = open(os.path.join(DATA, "..", "..", "docs", "cbaseline.md"),
               encoding="utf-8").read()
    start = doc.index("```sh\n", doc.index("**Opening an issue or posting"))
    block = doc[start + 6:doc.index("```", start + 6)]
    texts = planted(nruns=40, step_at=31)
    first = min(k for k, (rc, _) in alerts_along(texts, 31).items()
                if rc == 1)
    # On PostgreSQL the recipe, unchanged, reads the database through
    # $CSTAT_STORE (a team's runners set it once); the files it writes go
    # in a folder of the test's own.
    with Store() as store, tempfile.TemporaryDirectory() as tmp:
        d = tmp if PG else store
        where = PG or os.path.join(d, ".cstat")
        record(where, "main", texts[:first])
        bin_ = os.path.join(d, "bin")
        os.mkdir(bin_)
        os.symlink(CBASELINE, os.path.join(bin_, "cbaseline"))
        stubs = {
            "gh": 'while [ $# -gt 0 ]; do [ "$1" = --body-file ] && '
                  'cp "$2" "$OUT/issue.md"; shift; done',
            "curl": 'while [ $# -gt 0 ]; do [ "$1" = -d ] && '
                    'cp "${2#@}" "$OUT/payload.json"; shift; done',
        }
        for name, body in stubs.items():
            path = os.path.join(bin_, name)
            with open(path, "w") as f:
                f.write("#!/bin/sh\n" + body + "\n")
            os.chmod(path, 0o755)
        out_dir = os.path.join(d, "out")
        os.mkdir(out_dir)
        env = {k: v for k, v in os.environ.items() if k not in SCRUB}
        env.update(PATH=bin_ + os.pathsep + env["PATH"], OUT=out_dir,
                   SLACK_WEBHOOK_URL="https://hooks.example/x")
        if PG:
            env["CSTAT_STORE"] = PG
        if not shutil.which("jq", path=env["PATH"]):
            print("jq not installed: skipped")
            sys.exit(77)
        p = subprocess.run(["bash", "-euc", block], cwd=d, env=env,
                           capture_output=True, timeout=120)
        expect(p.returncode == 0, "recipe: %r" % (p,))
        body = open(os.path.join(out_dir, "issue.md")).read()
        expect(body.startswith("New performance regressions in history "
                               "main at commit c%d:\n\n- Encode-8 sec/op: "
                               "+10." % first) and body.count("\n- ") == 1,
               "issue body:\n" + body)
        payload = json.load(open(os.path.join(out_dir, "payload.json")))
        expect(payload == {"text": body}, "payload %r" % payload)
        # The next run at the new level: no alert, no issue, exit 0.
        os.remove(os.path.join(out_dir, "issue.md"))
        record(where, "main", texts[first:first + 1], first=first + 1)
        p = subprocess.run(["bash", "-euc", block], cwd=d, env=env,
                           capture_output=True, timeout=120)
        expect(p.returncode == 0 and
               not os.path.exists(os.path.join(out_dir, "issue.md")),
               "recipe on the next run: %r" % (p,))


# ----------------------------------------------------------------------------
# export

def golden_history():
    """A small history with every feature the formats show: a step in
    sec/op and in allocs/op at run 9 (worse), a throughput step up at run
    11 (better), a benchmark missing from two runs, unbounded intervals
    (4 values), a name that needs escaping, and a branch that needs CSV
    quoting."""
    rng = random.Random(7)
    texts = []
    for k in range(1, 17):
        text = HEADER
        up = k >= 9
        text += bench_lines(rng, "Encode/size=1k-8", 6,
                            2000.0 * (1.12 if up else 1), 0.01,
                            "\t 1024 B/op\t %d allocs/op" % (4 if up else 3))
        if k not in (4, 5):
            text += bench_lines(rng, "Decode-8", 6, 52.5, 0.02)
        for _ in range(4):
            mbs = 800.0 * (1.25 if k >= 11 else 1) * (1 + rng.gauss(0, 0.01))
            text += ("BenchmarkParse/<a&b>-8 \t 100\t %.1f ns/op\t"
                     " %.2f MB/s\n" % (rng.uniform(900, 1100), mbs))
        texts.append(text)
    return texts


def normalise(text):
    """The output with this machine's host name replaced by HOST."""
    return text.replace('"host": ' + json.dumps(socket.gethostname()),
                        '"host": "HOST"')


def golden(name, got):
    got = normalise(got)
    path = os.path.join(DATA, "golden", name)
    if os.environ.get("UPDATE_GOLDEN"):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(got)
    with open(path, encoding="utf-8") as f:
        want = f.read()
    if got != want:
        sys.stdout.write("--- want %s\n%s\n--- got\n%s\n" % (path, want, got))
        raise AssertionError("%s differs from its golden file" % name)


def export(store, fmt, name="g"):
    rc, out, err = run(["-store", store, "export", "-format", fmt, name])
    expect(rc == 0 and err == "", "export %s: exit %d: %s" % (fmt, rc, err))
    return out


def branch_of(k):
    return 'release, "v1"' if k >= 13 else "main"


def test_export_golden():
    with Store() as store:
        record(store, "g", golden_history(), branch=branch_of)
        for fmt in ("csv", "json", "html"):
            golden("export." + fmt, export(store, fmt))
        golden("detect.txt", detect(store, "g"))


def test_config_trimmed():
    # Go pads its cpu: line with spaces: history, detect and the exports
    # show the value trimmed, in every format, while the store keeps it
    # as read (cstat reads the history back to the original results).
    padded = "goos: linux\ngoarch: amd64\npkg: x\ncpu: Intel X  \t\n"
    texts = [padded + "BenchmarkA-8 1 %d ns/op\nBenchmarkA-8 1 %d ns/op\n"
             % (100 + k, 101 + k) for k in range(3)]
    with Store() as store:
        record(store, "g", texts)
        outs = [export(store, f) for f in ("csv", "json")]
        for fmt in ("text", "markdown", "json"):
            for cmd in ("history", "detect"):
                rc, out, err = run(["-store", store, cmd, "-format", fmt,
                                    "g"])
                expect(rc == 0, "%s %s: %s" % (cmd, fmt, err))
                outs.append(out)
        for out in outs:
            expect(not re.search(r"Intel X(\s|\\t)", out),
                   "untrimmed: %r" % out[:400])
        expect(any("Intel X" in o for o in outs), "the cpu is shown")
        expect('"Intel X  \\t"' in history_text(store, "g"),
               "the store keeps it")


class Dashboard(html.parser.HTMLParser):
    """Counts the charts and change marks of the dashboard."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.charts = []  # per chart: [caption, svg title, marks, dots]
        self.stack = []
        self.text = None
        self.forbidden = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag in ("script", "img", "link", "iframe", "object", "embed"):
            self.forbidden.append(tag)
        if tag == "figure" and "chart" in cls:
            self.charts.append({"caption": "", "title": None, "marks": [],
                                "dots": 0, "role": None})
        elif tag == "figcaption" and self.charts:
            self.text = "caption"
        elif tag == "svg" and self.charts:
            self.charts[-1]["role"] = a.get("role")
        elif tag == "title" and self.charts and \
                self.charts[-1]["title"] is None:
            self.charts[-1]["title"] = ""
            self.text = "title"
        elif tag == "g" and "cp" in cls:
            self.charts[-1]["marks"].append({"class": cls, "label": ""})
        elif tag == "text" and self.charts and self.charts[-1]["marks"] \
                and self.stack and self.stack[-1] == "g":
            self.text = "label"
        elif tag == "circle":
            self.charts[-1]["dots"] += 1
        if tag not in ("circle", "line", "path", "wbr", "meta"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        if tag in ("figcaption", "title", "text"):
            self.text = None

    def handle_data(self, data):
        if self.text == "caption":
            self.charts[-1]["caption"] += data
        elif self.text == "title":
            self.charts[-1]["title"] += data
        elif self.text == "label":
            self.charts[-1]["marks"][-1]["label"] += data


def parse_dashboard(page):
    d = Dashboard()
    d.feed(page)
    d.close()
    expect(not d.forbidden, "forbidden elements: %r" % d.forbidden)
    return d.charts


def test_export_consistency():
    with Store() as store:
        record(store, "g", golden_history(), branch=branch_of)
        recs = list(csv.DictReader(io.StringIO(export(store, "csv"))))
        doc = json.loads(export(store, "json"))
        expect(doc["schema"] == "cstat-history/1" and doc["name"] == "g",
               "schema and name")
        expect([r["run"] for r in doc["runs"]] == list(range(1, 17)),
               "runs")
        expect(doc["runs"][12]["branch"] == 'release, "v1"', "branch")
        # Every point of the JSON is a CSV record with the same numbers.
        def num(s):
            return float(s)

        def null_or(v, s):
            return (v is None and s in ("+Inf", "-Inf", "NaN")) or \
                (v is not None and float(s) == v)

        points = [(s["name"], s["unit"], p)
                  for s in doc["series"] for p in s["points"]]
        expect(len(points) == len(recs), "%d points, %d CSV records" % (
            len(points), len(recs)))
        for (name, unit, p), r in zip(points, recs):
            expect((r["benchmark"], r["unit"], int(r["run"]), int(r["n"]))
                   == (name, unit, p["run"], p["n"]), "record %r" % r)
            expect(num(r["median"]) == p["median"] and
                   null_or(p["lo"], r["lo"]) and null_or(p["hi"], r["hi"]),
                   "numbers of %r vs %r" % (r, p))
            run_ = doc["runs"][p["run"] - 1]
            expect(r["commit"] == run_["commit"] and
                   r["created"] == run_["created"] and
                   r["branch"] == run_["branch"], "metadata of %r" % r)
        # The changes: at run 9 (sec/op, allocs/op) and 11 (B/s), each
        # once in the CSV's change column.
        got = sorted((s["name"], s["unit"], c["run"])
                     for s in doc["series"] for c in s["changes"])
        expect(got == [("Encode/size=1k-8", "allocs/op", 9),
                       ("Encode/size=1k-8", "sec/op", 9),
                       ("Parse/<a&b>-8", "B/s", 11)], "changes %r" % got)
        marked = sorted((r["benchmark"], r["unit"], int(r["run"]))
                        for r in recs if r["change"])
        expect(marked == got, "CSV change column %r" % marked)
        for s in doc["series"]:
            for c in s["changes"]:
                expect(abs(c["after"] / c["before"] - 1 - c["change"]) <
                       1e-12 and 0 <= c["p"] <= 0.005, "change %r" % c)
        # Decode is missing from runs 4 and 5.
        dec = [s for s in doc["series"] if s["name"] == "Decode-8"][0]
        expect([p["run"] for p in dec["points"]] ==
               [k for k in range(1, 17) if k not in (4, 5)], "gap")
        # Unbounded intervals (4 values) are null.
        par = [s for s in doc["series"] if s["unit"] == "B/s"][0]
        expect(par["better"] == "higher" and par["points"][0]["lo"] is None,
               "throughput series %r" % par["points"][0])

        # The page: a chart per series but the unchanged one (1024 B/op
        # in every run, folded into a table), a mark per change, a dot per
        # point.
        page = export(store, "html")
        charts = parse_dashboard(page)
        charted = [s for s in doc["series"] if s["unit"] != "B/op"]
        expect(len(charts) == len(charted) == len(doc["series"]) - 1,
               "%d charts, %d series" % (len(charts), len(doc["series"])))
        expect(page.count('<tr id="s') == 1 and
               '<td class="txt">B/op</td><td>1.000Ki</td><td>16</td>' in page,
               "the unchanged series folded")
        for ch, s in zip(charts, charted):
            expect(ch["role"] == "img" and ch["title"].startswith(
                "%s (%s)" % (s["name"], s["unit"])), "chart %r" % ch)
            expect(len(ch["marks"]) == len(s["changes"]),
                   "%s: %d marks, %d changes" % (s["name"],
                                                 len(ch["marks"]),
                                                 len(s["changes"])))
            expect(ch["dots"] == len(s["points"]), "dots of " + s["name"])
            for m, c in zip(ch["marks"], s["changes"]):
                want = "%+.1f%%" % (c["change"] * 100)
                expect(m["label"] == want, "label %r, want %r" % (
                    m["label"], want))
                word = "better" if (c["change"] > 0) == (
                    s["better"] == "higher") else "worse"
                expect(word in m["class"], "mark %r for %r" % (m, c))

        # -o FILE and flags after NAME.
        with tempfile.TemporaryDirectory(prefix="cbaseline-o-") as tmp:
            path = os.path.join(tmp, "out.json")
            rc, out, err = run(["-store", store, "export", "g", "-format",
                                "json", "-o", path])
            expect(rc == 0 and out == "" and err == "",
                   "-o: %d %s" % (rc, err))
            with open(path) as f:
                expect(json.load(f) == doc, "-o writes the same document")


def test_export_medians_are_cstat_medians():
    """The export's median of a run is cstat's center of that run's file."""
    texts = golden_history()
    with Store() as store, tempfile.TemporaryDirectory() as tmp:
        record(store, "g", texts, branch=branch_of)
        recs = list(csv.DictReader(io.StringIO(export(store, "csv"))))
        for k in (1, 9, 16):
            path = os.path.join(tmp, "r.txt")
            with open(path, "w") as f:
                f.write(texts[k - 1])
            p = subprocess.run([CSTAT, "-format", "json", path],
                               capture_output=True, timeout=60)
            expect(p.returncode == 0, "cstat: " + p.stderr.decode())
            doc = json.loads(p.stdout)
            for t in doc["tables"]:
                for row in t["rows"]:
                    want = row["cells"][0]["center"]
                    got = [float(r["median"]) for r in recs
                           if r["benchmark"] == row["name"] and
                           r["unit"] == t["unit"] and int(r["run"]) == k]
                    expect(got == [want], "%s %s run %d: %r vs %r" % (
                        row["name"], t["unit"], k, got, want))


class Axes(html.parser.HTMLParser):
    """Per chart of the dashboard: its title, the y-axis labels (text
    anchored at the end), the change marks' ids and the medians' y; the
    rows of the table of unchanged series; the commit links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.charts, self.flat, self.links, self.changes = [], [], [], []
        self.where = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "figure":
            self.charts.append({"title": "", "ticks": [], "marks": [],
                                "ys": []})
        elif tag == "title" and self.charts and not self.charts[-1]["title"]:
            self.where = "title"
        elif tag == "text" and a.get("text-anchor") == "end" and \
                a.get("x") == "74":
            self.charts[-1]["ticks"].append("")
            self.where = "tick"
        elif tag == "g" and "cp" in cls:
            self.charts[-1]["marks"].append(a.get("id"))
        elif tag == "circle":
            self.charts[-1]["ys"].append(float(a["cy"]))
        elif tag == "table" and "flat" in cls:
            self.where = "flat"
        elif tag == "tr" and self.where == "flat" and "id" in a:
            self.flat.append(a["id"])
        elif tag == "a" and "commit" in cls:
            self.links.append(a["href"])
        elif tag == "table" and "changes" in cls:
            self.where = "changes"
        elif tag == "tr" and self.where == "changes":
            self.changes.append(None)

    def handle_endtag(self, tag):
        if tag in ("title", "text"):
            self.where = None if self.where in ("title", "tick") \
                else self.where
        elif tag == "table":
            self.where = None

    def handle_data(self, data):
        if self.where == "title":
            self.charts[-1]["title"] += data
        elif self.where == "tick":
            self.charts[-1]["ticks"][-1] += data


PREFIX = {"": 1, "n": 1e-9, "\u00b5": 1e-6, "m": 1e-3, "k": 1e3, "M": 1e6,
          "G": 1e9, "T": 1e12, "Ki": 1024.0, "Mi": 1024.0 ** 2,
          "Gi": 1024.0 ** 3, "Ti": 1024.0 ** 4}


def tick_value(label):
    m = re.fullmatch(r"(-?[0-9.]+)(\w*|\u00b5)", label)
    expect(m and m.group(2) in PREFIX, "tick label %r" % label)
    return float(m.group(1)) * PREFIX[m.group(2)], m.group(1)


def axes_history():
    """20 runs: Slow-8 at 20\u00b5s for runs 1-5, 4ms for 6-12, 8.137ms
    from 13 (two changes, the second "4.003m" to "8.130m" though the
    series holds 20\u00b5); Ramp-8 from 5ns in run 1
    to 290\u00b5s (the old axis read "300000n"); Noise-8 at 6.05Ki B/s with 0.3%
    noise (the old axis zoomed on it); Const-8 with 512 B/op and 0
    allocs/op in every run (unchanged: folded); Once-8 in the last run
    only, 0 B/op (an all-zero series that is charted)."""
    rng = random.Random(11)
    texts = []
    for k in range(1, 21):
        slow = 20e3 if k <= 5 else 4e6 if k <= 12 else 8.137e6
        text = HEADER + bench_lines(rng, "Slow-8", 6, slow, 0.005)
        ramp = 5.0 if k == 1 else 290e3 * k / 20
        text += bench_lines(rng, "Ramp-8", 6, ramp, 0.005)
        for _ in range(6):
            text += ("BenchmarkNoise-8 \t 1000\t 100 ns/op\t %.6f MB/s\n" %
                     (6.05 * 1024 * (1 + rng.gauss(0, 0.003)) / 1e6))
        text += bench_lines(rng, "Const-8", 6, 700, 0.01,
                            "\t 512 B/op\t 0 allocs/op")
        if k == 20:
            text += bench_lines(rng, "Once-8", 6, 90, 0.01, "\t 0 B/op")
        texts.append(text)
    return texts


def test_dashboard_axes():
    """The dashboard's axes and layout (docs/cbaseline.md, "The
    dashboard"): tick labels scaled as cstat's tables scale a row, the
    y-axis spanning at least 10% of the level, unchanged series folded
    into one table, all-zero series on 0 to 1, a mark per change point,
    and commit links with the address escaped."""
    with Store() as store:
        record(store, "g", axes_history(), commit="c%d&x=\"<y>'")
        doc = json.loads(export(store, "json"))
        page = export(store, "html")
        ax = Axes()
        ax.feed(page)
        ax.close()
        charts = {c["title"].split(":")[0]: c for c in ax.charts}
        series = {"%s (%s)" % (s["name"], s["unit"]): s
                  for s in doc["series"]}
        # Folded: the series with the same median in every run and no
        # change, and only those; every other series has a chart.
        flat = sorted(k for k, s in series.items() if not s["changes"] and
                      len(s["points"]) >= 2 and
                      len({p["median"] for p in s["points"]}) == 1)
        expect(flat == ["Const-8 (B/op)", "Const-8 (allocs/op)",
                        "Noise-8 (sec/op)"], "unchanged series %r" % flat)
        expect(len(ax.flat) == 3 and sorted(charts) ==
               sorted(k for k in series if k not in flat),
               "charts %r, folded rows %r" % (sorted(charts), ax.flat))
        expect('<td class="txt">allocs/op</td><td>0</td><td>20</td>' in page
               and '<td class="txt">B/op</td><td>512.0</td><td>20</td>'
               in page, "the folded rows' medians and runs")
        # Tick labels: scaled as a row of cstat's tables, so no label
        # needs more than 4 digits before the point; values are even steps.
        for name, c in charts.items():
            vals = [tick_value(t) for t in c["ticks"]]
            for v, digits in vals:
                expect(len(digits.lstrip("-").split(".")[0]) <= 4,
                       "%s: tick %r" % (name, c["ticks"]))
        expect(charts["Ramp-8 (sec/op)"]["ticks"] ==
               ["0", "100\u00b5", "200\u00b5", "300\u00b5"],
               "Ramp ticks %r" % charts["Ramp-8 (sec/op)"]["ticks"])
        # The y-range: at least 10% of the largest median, not below 0
        # for positive values.
        for name, c in charts.items():
            vals = [tick_value(t)[0] for t in c["ticks"]]
            level = max(abs(p["median"]) for p in series[name]["points"])
            expect(vals[-1] - vals[0] >= 0.1 * level * (1 - 1e-9) and
                   vals[0] >= 0, "%s: ticks %r for level %g" % (
                       name, c["ticks"], level))
        noise = [tick_value(t)[0] for t in charts["Noise-8 (B/s)"]["ticks"]]
        expect(noise[-1] - noise[0] >= 605, "Noise-8 ticks %r" % noise)
        # An all-zero series: 0 at the bottom, 1 at the top, the median
        # on the bottom line.
        once = charts["Once-8 (B/op)"]
        expect(once["ticks"][0] == "0" and
               tick_value(once["ticks"][-1])[0] == 1 and
               once["ys"] == [230.0], "Once-8 %r" % once)
        # The changes: each number with its own scale, as detect prints
        # them (detect's "20.05\u00b5 \u2192 4.003m").
        rc, out, err = run(["-store", store, "detect", "g"])
        pairs = re.findall(r"([0-9.]+\w*) \u2192 ([0-9.]+\w*)", out)
        expect(len(pairs) >= 2, "detect: %r" % out)
        for b, a in pairs:
            expect("<td>%s</td><td>%s</td>" % (b, a) in page,
                   "change %s \u2192 %s in the table" % (b, a))
        expect("<td>4.003m</td><td>8.130m</td>" in page, "Slow-8 at 13")
        # A mark per change point, on its series' chart, ids in the
        # table's order.
        want = {}
        k = 0
        for name, s in series.items():
            for c in s["changes"]:
                k += 1
                want.setdefault(name, []).append("c%d" % k)
        expect(k >= 2 and len(ax.changes) == k + 1, "%d changes" % k)
        for name, c in charts.items():
            expect(c["marks"] == want.get(name, []), "%s: marks %r" % (
                name, c["marks"]))
        expect(not ax.links, "no links without a repository")

        # Commit links: -repo-url, then the environment; escaped.
        commit = "c13&x=\"<y>'"
        quoted = "c13%26x%3D%22%3Cy%3E%27"
        rc, out, err = run(["-store", store, "export", "-format", "html",
                            "-repo-url", "https://git.example/o/r?a&b\"<",
                            "g"])
        expect(rc == 0, "export -repo-url: " + err)
        ax = Axes()
        ax.feed(out)
        expect("https://git.example/o/r?a&b\"<" not in out and
               'href="https://git.example/o/r?a&amp;b&quot;&lt;/commit/'
               + quoted + '"' in out, "escaped link")
        expect(len(ax.links) == k and
               "https://git.example/o/r?a&b\"</commit/" + quoted in ax.links,
               "links %r" % ax.links)
        expect(">c13&amp;x=&quot;&lt;y&gt;&#39;</a>" in out or
               ">c13&amp;x=&quot;&lt;y&gt;&#x27;</a>" in out,
               "link text: " + out[out.find(quoted):][:200])
        env = {"GITHUB_SERVER_URL": "https://github.com",
               "GITHUB_REPOSITORY": "o/r"}
        rc, out, err = run(["-store", store, "export", "-format", "html",
                            "g"], extra_env=env)
        ax = Axes()
        ax.feed(out)
        expect(rc == 0 and "https://github.com/o/r/commit/" + quoted
               in ax.links, "links from the environment %r" % ax.links)
        rc, out, err = run(["-store", store, "export", "-format", "html",
                            "-repo-url", "https://x.example/y", "g"],
                           extra_env=env)
        ax = Axes()
        ax.feed(out)
        expect(ax.links and all(h.startswith("https://x.example/y/commit/")
                                for h in ax.links), "the flag wins")
        for bad in ("javascript:alert(1)", "https://a b", "https://"):
            rc, out, err = run(["-store", store, "export", "-format",
                                "html", "-repo-url", bad, "g"])
            expect(rc == 2 and out == "" and "-repo-url" in err,
                   "-repo-url %r: %d %r" % (bad, rc, err))
        expect(commit not in page, "commit text escaped")


def test_browser():
    """The dashboard in headless Chromium (tests/browser.py's harness): no
    console errors or requests, no sideways scrolling at 1280 and 390
    pixels, screenshots in the build directory."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import browser
    chromium = browser.find_chromium()
    if not chromium:
        print("no chromium: skipped")
        sys.exit(browser.SKIP)
    outdir = os.path.abspath(os.environ.get(
        "CBASELINE_BROWSER_DIR", os.path.join("browser", "cbaseline")))
    os.makedirs(outdir, exist_ok=True)
    with Store() as store:
        record(store, "h", planted())
        page = os.path.join(outdir, "dashboard.html")
        rc, _, err = run(["-store", store, "export", "-format", "html",
                          "-o", page, "h"])
        expect(rc == 0, "export: " + err)
    url = "file://" + page
    problems, requests, widths = browser.load_and_listen(
        chromium, url, os.path.join(outdir, "chromium.log"))
    for name, (w, got) in widths.items():
        if got > w:
            problems.append("at %s width %d the page is %d wide" % (
                name, w, got))
    dom, _ = browser.run_chromium(chromium, ["--virtual-time-budget=5000",
                                             "--dump-dom", url])
    charts = parse_dashboard(dom.decode("utf-8"))
    # Four sec/op charts; B/op and allocs/op never change: folded.
    if len(charts) != 4:
        problems.append("%d charts in the DOM, want 4" % len(charts))
    if dom.decode("utf-8").count('<tr id="s') != 8:
        problems.append("want 8 folded series")
    problems += browser.screenshots(chromium, url, outdir)
    browser.report(outdir, problems, requests, widths)
    for p in problems:
        print("FAIL:", p)
    print("dashboard, DOM and screenshots in", outdir)
    expect(not problems, "%d problems" % len(problems))


def main():
    global CBASELINE, CSTAT, DATA
    CBASELINE = os.path.abspath(sys.argv[1])
    CSTAT = os.path.abspath(sys.argv[2])
    DATA = os.path.abspath(sys.argv[3])
    print("store:", "PostgreSQL" if PG else "a directory")
    globals()["test_" + sys.argv[4]]()


if __name__ == "__main__":
    main()
