#!/usr/bin/env python3
"""Command-line tests of cbaseline's store commands: save, list, show, rm,
compare, gate, record, history, prune; the baseline and history files as
inputs of cstat and cregress; the machine fingerprint warning; refusing
corrupt and newer files; exit codes.

usage: cbaseline_cli.py CBASELINE CSTAT CREGRESS TESTDATA NAME

Each test works in a fresh temporary directory with its own store.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

CB = CSTAT = CREGRESS = DATA = None


def run(exe, args, cwd, env=None):
    e = dict(os.environ)
    for k in ("GITHUB_SHA", "GITHUB_REF_NAME", "CI_COMMIT_SHA",
              "CI_COMMIT_REF_NAME", "CSTAT_STORE"):
        e.pop(k, None)
    e.update(env or {})
    p = subprocess.run([exe] + args, cwd=cwd, capture_output=True,
                       timeout=120, env=e)
    return (p.returncode, p.stdout.decode("utf-8", "surrogateescape"),
            p.stderr.decode("utf-8", "surrogateescape"))


# The store: .cstat in each test's directory, or, with
# CBASELINE_TEST_STORE=postgresql, the database tests/pgcluster.py started
# (CSTAT_TEST_PG) as $CSTAT_STORE.  The expected outputs are the same.
PG = (os.environ.get("CSTAT_TEST_PG")
      if os.environ.get("CBASELINE_TEST_STORE") == "postgresql" else None)


def psql(sql, *params):
    """Runs sql against the database of PG (psql's :'vN' are params)."""
    args = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
            "-d", PG]
    for i, v in enumerate(params):
        args += ["-v", "v%d=%s" % (i, v)]
    return subprocess.run(args, input=sql, capture_output=True, text=True,
                          check=True).stdout


# How messages name the store: a directory by its path, the database by
# its location in brackets (cbaseline-db.c names its private copy so).
WHERE = "[%s]" % PG if PG else ".cstat"


def history_text(d, name):
    """History name's bytes as the store holds them (project default)."""
    if not PG:
        with open(os.path.join(d, ".cstat", "history", name + ".jsonl")) as f:
            return f.read()
    return psql("SELECT r.record FROM cstat_runs r JOIN cstat_histories h"
                " ON h.id = r.history_id JOIN cstat_projects p"
                " ON p.id = h.project_id WHERE p.name = 'default'"
                " AND h.name = :'v0' ORDER BY r.seq", name)


def baseline_text(d, name):
    """Baseline name's bytes as the store holds them."""
    if not PG:
        with open(os.path.join(d, ".cstat", "baselines", name + ".json"),
                  encoding="utf-8") as f:
            return f.read()
    return psql("SELECT b.record FROM cstat_baselines b JOIN cstat_projects"
                " p ON p.id = b.project_id WHERE p.name = 'default'"
                " AND b.name = :'v0'", name)


def store_file(d, kind, name):
    """The path (relative to d) of a file holding baseline or history
    name's bytes, for cstat and cregress to read: the store's own file, or
    one written from the database's rows."""
    if not PG:
        ext = ".json" if kind == "baselines" else ".jsonl"
        return os.path.join(".cstat", kind, name + ext)
    text = baseline_text(d, name) if kind == "baselines" else \
        history_text(d, name)
    rel = "db-%s-%s.json%s" % (kind, name, "" if kind == "baselines"
                               else "l")
    with open(os.path.join(d, rel), "w", encoding="utf-8") as f:
        f.write(text)
    return rel


def put_baseline(d, name, text):
    """Stores text (what a baseline file would hold, damaged or not) as
    baseline name, bypassing cbaseline."""
    if not PG:
        base = os.path.join(d, ".cstat", "baselines")
        os.makedirs(base, exist_ok=True)
        with open(os.path.join(base, name + ".json"), "w") as f:
            f.write(text)
        return
    cb(["list"], d)  # the schema and the project
    psql("INSERT INTO cstat_baselines (project_id, name, record)"
         " SELECT id, :'v0', :'v1' FROM cstat_projects WHERE name = 'default'"
         " ON CONFLICT (project_id, name) DO UPDATE SET record = :'v1'",
         name, text)


def put_history(d, name, lines):
    """Stores lines (what a history file would hold) as history name,
    bypassing cbaseline: a file, or rows (each its own run id)."""
    if not PG:
        hist = os.path.join(d, ".cstat", "history")
        os.makedirs(hist, exist_ok=True)
        with open(os.path.join(hist, name + ".jsonl"), "w") as f:
            f.write("".join(l + "\n" for l in lines))
        return
    cb(["list"], d)
    psql("INSERT INTO cstat_histories (project_id, name) SELECT id, :'v0'"
         " FROM cstat_projects WHERE name = 'default' ON CONFLICT DO NOTHING",
         name)
    # One statement for every line, in order (a psql a line took a
    # minute for a history of 500): the lines as a JSON array in a
    # dollar-quoted literal, since a psql variable is one argument and an
    # argument is at most 128 KiB.
    data = json.dumps(lines)
    assert "$put$" not in data
    psql("INSERT INTO cstat_runs (history_id, run_id, metadata, record)"
         " SELECT h.id, :'v1' || l.k, '{}', l.line FROM cstat_histories h"
         " JOIN cstat_projects p ON p.id = h.project_id,"
         " json_array_elements_text($put$" + data + "$put$::json)"
         "  WITH ORDINALITY AS l(line, k)"
         " WHERE p.name = 'default' AND h.name = :'v0' ORDER BY l.k",
         name, "put-%d-" % time.time_ns())


def cb(args, cwd, env=None):
    if PG:
        env = dict(env or {}, CSTAT_STORE=PG)
    return run(CB, args, cwd, env)


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def inputs(d):
    for name in ("old.txt", "new.txt"):
        shutil.copy(os.path.join(DATA, "examples", name), d)
    for name in ("base.txt", "new.txt"):
        shutil.copy(os.path.join(DATA, "cregress", name),
                    os.path.join(d, "cr-" + name))


def test_round_trip(d):
    # save, show and compare say what cstat says on the original files.
    rc, out, err = cb(["save", "-m", "commit=abc123", "main", "old.txt"], d)
    expect(rc == 0 and "saved" in err, "save: %d %s" % (rc, err))
    doc = json.loads(baseline_text(d, "main"))
    expect(doc["schema"] == "cstat-run/1" and doc["commit"] == "abc123",
           "baseline metadata")
    expect(doc["environment"]["goos"] == "linux", "fingerprint")
    want = run(CSTAT, ["main=old.txt"], d)[1]
    rc, out, err = cb(["show", "main"], d)
    expect(rc == 0 and out == want, "show:\n%s\nwant:\n%s" % (out, want))
    want = run(CSTAT, ["main=old.txt", "new.txt"], d)[1]
    rc, out, err = cb(["compare", "main", "new.txt"], d)
    expect(rc == 0 and out == want, "compare:\n%s\nwant:\n%s" % (out, want))
    # cstat flags pass through.
    want = run(CSTAT, ["-format", "csv", "main=old.txt", "new.txt"], d)[1]
    rc, out, err = cb(["compare", "main", "-format", "csv", "new.txt"], d)
    expect(rc == 0 and out == want, "compare -format csv")
    # The other tools read the baseline as an input.
    want = run(CSTAT, ["old.txt", "new.txt"], d)[1].replace(
        "old.txt", "B")
    out = run(CSTAT, ["B=" + store_file(d, "baselines", "main"),
                      "new.txt"], d)[1]
    expect(out.replace(" ", "") == want.replace(" ", ""),
           "cstat on the baseline:\n%s\nwant:\n%s" % (out, want))


def test_gate(d):
    expect(cb(["save", "main", "cr-base.txt"], d)[0] == 0, "save")
    want = run(CREGRESS, ["-format", "json", "main=cr-base.txt",
                          "cr-new.txt"], d)
    rc, out, err = cb(["gate", "main", "-format", "json", "cr-new.txt"], d)
    expect(rc == 1 == want[0], "gate exit %d, cregress %d" % (rc, want[0]))
    expect(out == want[1], "gate report differs from cregress's")
    rc, out, err = cb(["gate", "main", "cr-base.txt"], d)
    expect(rc == 0, "gate of the same data: %d" % rc)


def scaled(src, dst, factor):
    """src with every ns/op value multiplied by factor: a run whose level
    moved."""
    out = []
    for line in open(src):
        f = line.split("\t")
        if line.startswith("Benchmark") and len(f) > 3 and f[3] == "ns/op":
            f[2] = "%.6g" % (float(f[2]) * factor)
        out.append("\t".join(f))
    with open(dst, "w") as fh:
        fh.write("".join(out))


def test_gate_history(d):
    # History main: 6 runs of cr-base.txt whose levels move by up to 6%.
    for i, f in enumerate((1, 1.06, .95, 1.04, .94, 1.05)):
        scaled(os.path.join(d, "cr-base.txt"), os.path.join(d, "r.txt"), f)
        expect(cb(["record", "-m", "created=2026-01-0%dT00:00:00Z" % (i + 1),
                   "main", "r.txt"], d)[0] == 0, "record")
    expect(cb(["save", "main", "cr-base.txt"], d)[0] == 0, "save")
    # The history as a file for cregress, and as gate's report names it
    # (the same path on a directory).
    hist = store_file(d, "history", "main")
    named = WHERE + "/history/main.jsonl"
    # gate uses the history of its name: what cregress -history says.
    want = run(CREGRESS, ["-format", "json", "-history", hist,
                          "main=cr-base.txt", "cr-new.txt"], d)
    want = (want[0], want[1].replace('"%s"' % hist, json.dumps(named)))
    rc, out, err = cb(["gate", "main", "-format", "json", "cr-new.txt"], d)
    expect(rc == want[0] and out == want[1],
           "gate with history differs from cregress -history:\n" + out)
    doc = json.loads(out)
    expect(doc["settings"]["noise_history"] == named and
           doc["settings"]["noise_runs"] == 6, "settings %r" % doc["settings"])
    enc = [c for c in doc["comparisons"]
           if c["name"] == "Encode/format=json-8" and c["unit"] == "sec/op"][0]
    expect(enc["verdict"] == "unchanged" and enc["noise"] > enc["change"],
           "noise did not apply: %r" % enc)
    rc, out, err = cb(["gate", "main", "cr-new.txt"], d)
    expect("noise-aware thresholds from " + named + " (6 runs)" in out,
           "text report does not say which history:\n" + out)
    # -history none: exactly cregress without one.
    want = run(CREGRESS, ["main=cr-base.txt", "cr-new.txt"], d)
    rc, out, err = cb(["gate", "main", "-history", "none", "cr-new.txt"], d)
    expect((rc, out) == want[:2] and "noise" not in out, "-history none")
    # -history OTHER: another of the store's histories; missing is 2.
    rc, out, err = cb(["gate", "main", "-history=other", "cr-new.txt"], d)
    expect(rc == 2 and "no history other" in err, "missing: %r" % err)
    put_history(d, "other", history_text(d, "main").splitlines())
    rc, out, err = cb(["gate", "main", "-history", "other", "cr-new.txt"], d)
    expect("from %s/history/other.jsonl (6 runs)" % WHERE in out,
           "other:\n" + out)
    # A baseline without a history of its name gates as before.
    expect(cb(["save", "solo", "cr-base.txt"], d)[0] == 0, "save solo")
    rc, out, err = cb(["gate", "solo", "cr-new.txt"], d)
    want = run(CREGRESS, ["solo=cr-base.txt", "cr-new.txt"], d)
    expect((rc, out) == want[:2], "no history: not cregress's report")


def test_gate_window(d):
    # A history longer than the gate's window (CSTAT_GATE_HISTORY_RUNS,
    # 500 runs): 505 runs (main's 6 over and over) after a record of a
    # schema no reader takes.  gate reads the last 500 only (a database
    # hands back those and one more), so the bad record is never read,
    # and its report is cregress's on the whole file, which reads the
    # same 500: "the last 500 of its runs".
    for i, f in enumerate((1, 1.06, .95, 1.04, .94, 1.05)):
        scaled(os.path.join(d, "cr-base.txt"), os.path.join(d, "r.txt"), f)
        expect(cb(["record", "-m", "created=2026-01-0%dT00:00:00Z" % (i + 1),
                   "main", "r.txt"], d)[0] == 0, "record")
    expect(cb(["save", "main", "cr-base.txt"], d)[0] == 0, "save")
    lines = history_text(d, "main").splitlines()
    put_history(d, "long", ['{"schema":"cstat-run/9","groups":[]}'] +
                [lines[k % 6] for k in range(505)])
    hist = store_file(d, "history", "long")
    named = WHERE + "/history/long.jsonl"
    want = run(CREGRESS, ["-format", "json", "-history", hist,
                          "main=cr-base.txt", "cr-new.txt"], d)
    want = (want[0], want[1].replace('"%s"' % hist, json.dumps(named)))
    rc, out, err = cb(["gate", "main", "-history", "long", "-format", "json",
                       "cr-new.txt"], d)
    expect(rc == want[0] and out == want[1] and err == "",
           "gate on a long history differs from cregress -history:\n" +
           out + err)
    doc = json.loads(out)
    expect(doc["settings"]["noise_runs"] == 500 and
           doc["settings"]["noise_runs_cut"] is True,
           "settings %r" % doc["settings"])
    rc, out, err = cb(["gate", "main", "-history", "long", "cr-new.txt"], d)
    expect("noise-aware thresholds from %s (the last 500 of its runs)" % named
           in out, "text report:\n" + out)


def test_fingerprint(d):
    expect(cb(["save", "main", "old.txt"], d)[0] == 0, "save")
    text = open(os.path.join(d, "new.txt")).read()
    with open(os.path.join(d, "arm.txt"), "w") as f:
        f.write(text.replace("goarch: amd64", "goarch: arm64"))
    rc, out, err = cb(["compare", "main", "arm.txt"], d)
    expect(rc == 0 and err.count("warning") == 1 and
           'goarch: "amd64" (main) vs "arm64" (arm.txt)' in err,
           "warning: %r" % err)
    rc, out, err = cb(["compare", "main", "-strict", "arm.txt"], d)
    expect(rc == 2 and out == "" and "error with -strict" in err,
           "-strict: %d" % rc)
    rc, out, err = cb(["compare", "main", "new.txt"], d)
    expect("machines" not in err, "same machine warned")
    # compare is cstat -ignore'ing what differs.
    want = run(CSTAT, ["-ignore", "goarch", "main=old.txt", "arm.txt"], d)
    rc, out, err = cb(["compare", "main", "arm.txt"], d)
    expect(out == want[1],
           "compare across machines:\n%s\nwant:\n%s" % (out, want[1]))
    # -fingerprint '': cstat's own matching, two tables, no warning.
    rc, out, err = cb(["compare", "main", "-fingerprint", "", "arm.txt"], d)
    expect(rc == 0 and out == run(CSTAT, ["main=old.txt", "arm.txt"], d)[1]
           and err == "", "-fingerprint '': %r" % err)
    rc, out, err = cb(["compare", "main", "-fingerprint", ".file",
                       "arm.txt"], d)
    expect(rc == 2 and out == "" and "-fingerprint" in err, "bad keys")
    # gate: the example, a baseline and a run on another CPU.
    expect(cb(["save", "cr", "cr-base.txt"], d)[0] == 0, "save cr")
    text = open(os.path.join(d, "cr-base.txt")).read()
    with open(os.path.join(d, "amd.txt"), "w") as f:
        f.write(text.replace("cpu: Example CPU @ 3.00GHz", "cpu: AMD EPYC"))
    rc, out, err = cb(["gate", "cr", "amd.txt"], d)
    want = ('cregress: warning: compared across machines: cpu: '
            '"Example CPU @ 3.00GHz" (cr) vs "AMD EPYC" (amd.txt); '
            '-strict makes this an error\n')
    expect(rc == 0 and "0 regressions" in out and err == want,
           "gate across machines: %d %r" % (rc, err))
    rc, out, err = cb(["gate", "cr", "-strict", "amd.txt"], d)
    expect(rc == 2 and out == "" and "error with -strict" in err,
           "gate -strict: %d %r" % (rc, err))
    rc, out, err = cb(["gate", "cr", "-fingerprint", "goos", "amd.txt"], d)
    expect(rc == 2 and "nothing to compare" in err, "gate -fingerprint")
    # The history's run-to-run noise applies across machines too: runs of
    # both CPUs in history cr make one series per benchmark.
    for i, f in enumerate((1, 1.02, .98, 1.01, .99, 1.03)):
        src = "cr-base.txt" if i % 2 else "amd.txt"
        scaled(os.path.join(d, src), os.path.join(d, "r.txt"), f)
        expect(cb(["record", "cr", "r.txt"], d)[0] == 0, "record")
    rc, out, err = cb(["gate", "cr", "-format", "json", "amd.txt"], d)
    runs = {c["noise_runs"] for c in json.loads(out)["comparisons"]
            if c["unit"] == "sec/op"}
    expect(rc == 0 and runs == {6}, "noise across machines: %r" % runs)


def test_list_rm(d):
    cb(["save", "-m", "commit=c1", "main", "old.txt"], d)
    cb(["record", "main", "old.txt"], d)
    cb(["record", "main", "new.txt"], d)
    rc, out, err = cb(["list"], d)
    expect(rc == 0 and "baseline  main" in out and "commit c1" in out and
           "history   main" in out and "2 runs" in out, out)
    expect(cb(["rm", "main"], d)[0] == 0, "rm")
    expect("baseline" not in cb(["list"], d)[1], "rm did not remove")
    expect(cb(["rm", "main"], d)[0] == 2, "rm of nothing")


def test_list_many(d):
    # A store of 5,000 baselines lists every one, sorted (the listing
    # once stopped at 4,096 names without a word).
    cb(["save", "main", "old.txt"], d)
    if PG:  # the rows in one statement
        psql("INSERT INTO cstat_baselines (project_id, name, record)"
             " SELECT project_id, 'b' || lpad(i::text, 4, '0'), record"
             " FROM cstat_baselines, generate_series(0, 4999) i"
             " WHERE name = 'main'")
    base = os.path.join(d, ".cstat", "baselines")
    for i in range(0 if PG else 5000):
        put_baseline(d, "b%04d" % i, baseline_text(d, "main"))
    rc, out, err = cb(["list", "-format", "json"], d)
    expect(rc == 0, "list: %d %s" % (rc, err))
    names = [e["name"] for e in json.loads(out)["entries"]]
    expect(len(names) == 5001 and names == sorted(names),
           "%d names listed" % len(names))


def test_history(d):
    env = {"GITHUB_SHA": "feedbeef", "GITHUB_REF_NAME": "main"}
    for f in ("old.txt", "old.txt", "new.txt"):
        expect(cb(["record", "main", f], d, env)[0] == 0, "record")
    recs = [json.loads(l) for l in history_text(d, "main").splitlines()]
    expect(len(recs) == 3 and recs[0]["commit"] == "feedbeef" and
           recs[0]["branch"] == "main", "history records")
    rc, out, err = cb(["history", "main"], d)
    expect(rc == 0 and "3 runs" in out, out)
    line = [l for l in out.splitlines() if l.startswith("Encode/format=json")]
    expect(line and "1.718µ" in line[0] and "1.423µ" in line[0] and
           line[0].rstrip().endswith("██▁"), "history line %r" % line)
    # A history as an input is its last run.
    out = run(CSTAT, ["X=" + store_file(d, "history", "main")], d)[1]
    expect(out.replace(" ", "") ==
           run(CSTAT, ["X=new.txt"], d)[1].replace(" ", ""), "last run")
    if PG:
        killed_mid_record(d)
    else:
        # A record cut short is skipped with a warning; the next one
        # lands.
        h = os.path.join(d, ".cstat", "history", "main.jsonl")
        with open(h, "a") as f:
            f.write('{"schema":"cstat-run/1","gro')
        rc, out, err = cb(["history", "main"], d)
        expect(rc == 0 and "3 runs" in out and "cut short" in err, err)
    expect(cb(["record", "main", "old.txt"], d)[0] == 0, "record after")
    rc, out, err = cb(["history", "main"], d)
    expect("4 runs" in out, out)
    # A count that is not a whole number in range is refused, and no
    # run is lost (-keep inf once pruned every run).
    for bad in ("inf", "1e300", "99999999999999999999", "-1", "2.5",
                "nan"):
        rc, out, err = cb(["prune", "-keep", bad, "main"], d)
        expect(rc == 2 and "whole number" in err, "-keep %s: %s" % (bad, err))
    expect("4 runs" in cb(["history", "main"], d)[1], "nothing pruned")
    rc, out, err = cb(["prune", "-keep", "2", "main"], d)
    expect(rc == 0 and "pruned 2 runs" in err, err)
    rc, out, err = cb(["history", "main"], d)
    expect("2 runs" in out and "cut short" not in err, out + err)
    # The order, NAME first, works too.
    rc, out, err = cb(["prune", "main", "-keep", "1"], d)
    expect(rc == 0 and "pruned 1 run from" in err, err)
    expect("1 run," in cb(["history", "main"], d)[1], "prune NAME -keep")


def settled():
    """Waits (up to 20 s) for the server to finish what killed clients
    sent: a statement received whole runs to its end (committed or not)
    after its client is gone."""
    for _ in range(200):
        if psql("SELECT count(*) FROM pg_stat_activity WHERE datname ="
                " current_database() AND pid <> pg_backend_pid()"
                " AND backend_type = 'client backend'").strip() == "0":
            return
        time.sleep(0.1)
    raise AssertionError("killed clients' sessions still open")


def killed_mid_record(d, kills=8, seed=5):
    """The database's counterpart of a record cut short by a crash (no
    file to cut short): a cbaseline record killed (SIGKILL) at a random
    time 0-400 ms after it starts (fixed seed) leaves no half run; the
    history reads without a warning, each run whole, and the next record
    lands.  History "killed", so main's counts stay the file case's."""
    import random
    import signal
    rng = random.Random(seed)
    with open(os.path.join(d, "big.txt"), "w") as f:
        f.write("goos: linux\n")
        for i in range(8000):
            f.write("BenchmarkK%d 1 %d ns/op\n" % (i, 100 + i % 7))
    # A $TMPDIR of its own: each killed client leaves its private copy
    # (in /dev/shm, for record, when $TMPDIR is not set).
    e = dict(os.environ, CSTAT_STORE=PG, **private_tmp(d))
    for _ in range(kills):
        p = subprocess.Popen([CB, "record", "killed", "big.txt"], cwd=d,
                             env=e, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, 0.4))
        p.send_signal(signal.SIGKILL)
        p.wait()
    settled()
    recs = [json.loads(l) for l in history_text(d, "killed").splitlines()]
    expect(len(recs) <= kills, "%d runs of %d kills" % (len(recs), kills))
    for r in recs:
        n = sum(len(g["benchmarks"]) for g in r["groups"])
        expect(n == 8000, "a half run: %d benchmarks" % n)
    expect(cb(["record", "killed", "big.txt"], d)[0] == 0, "record after")
    rc, out, err = cb(["history", "killed"], d)
    expect(rc == 0 and err == "" and "%d run" % (len(recs) + 1) in out,
           "after the kills: %d %s %r" % (len(recs), out[:80], err))
    print("%d kills (seed %d): %d whole runs stored, none half" %
          (kills, seed, len(recs)))


def test_history_golden(d):
    # history's report against a golden file (UPDATE_GOLDEN=1 rewrites
    # it): fixed times and commits, four runs of two input sets.
    runs = [("old.txt", "2026-11-01T10:00:00Z"),
            ("old.txt", "2026-11-02T10:00:00Z"),
            ("new.txt", "2026-11-03T10:00:00Z"),
            ("new.txt", "2026-11-04T10:00:00Z")]
    for i, (f, t) in enumerate(runs):
        rc, out, err = cb(["record", "-m", "created=" + t, "-m",
                           "commit=c%d" % i, "main", f], d)
        expect(rc == 0, "record: " + err)
    first = history_text(d, "main").splitlines()[0]
    expect(json.loads(first)["created"] ==
           "2026-11-01T10:00:00Z", "created= not kept")
    rc, out, err = cb(["history", "main"], d)
    expect(rc == 0, err)
    path = os.path.join(DATA, "cbaseline", "golden", "history.txt")
    if os.environ.get("UPDATE_GOLDEN"):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(out)
    want = open(path).read()
    expect(out == want, "history:\n%s\nwant:\n%s" % (out, want))


def test_refuses(d):
    # A baseline (a file, or a row) of a newer schema or corrupt.
    put_baseline(d, "main", '{\n  "schema": "cstat-run/2", "groups": []\n}\n')
    rc, out, err = cb(["save", "main", "old.txt"], d)
    expect(rc == 2 and "newer" in err and "not replacing" in err, err)
    expect("cstat-run/2" in baseline_text(d, "main"), "overwritten")
    rc, out, err = cb(["compare", "main", "new.txt"], d)
    expect(rc == 2 and "newer" in err, "compare: %d %s" % (rc, err))
    rc, out, err = run(CSTAT, [store_file(d, "baselines", "main")], d)
    expect(rc != 0 and out == "" and "main.json" in err, err)
    put_baseline(d, "main", '{\n  "schema": "cstat-run/1",\n  oops\n}\n')
    rc, out, err = cb(["compare", "main", "new.txt"], d)
    expect(rc == 2 and "main.json:3:" in err, err)
    put_history(d, "h", ['{"schema":"cstat-run/7","groups":[]}'])
    if not PG:
        rc, out, err = cb(["record", "h", "old.txt"], d)
        expect(rc == 2 and "newer" in err, err)
        expect(history_text(d, "h").count("\n") == 1,
               "appended to a newer file")
        return
    # The database's counterparts.  A history row of a newer schema is
    # refused where it is read, named (a record adds a row of its own
    # beside it, leaving it as it was: no file to mix versions in).
    rc, out, err = cb(["history", "h"], d)
    expect(rc == 2 and "newer" in err and "h.jsonl" in err, err)
    expect("cstat-run/7" in history_text(d, "h"), "newer row changed")
    # A database whose layout is newer than this cbaseline's: every
    # command refuses, naming the versions, and changes nothing.
    before = psql("SELECT count(*) FROM cstat_runs")
    psql("INSERT INTO cstat_schema_version (version) VALUES (999)")
    try:
        for args in (["record", "h2", "old.txt"], ["list"],
                     ["save", "x", "old.txt"], ["history", "h"]):
            rc, out, err = cb(args, d)
            expect(rc == 2 and out == "" and "999" in err and
                   "newer" in err, "%r: %d %s" % (args, rc, err))
        expect(psql("SELECT count(*) FROM cstat_runs") == before,
               "written to a newer layout")
    finally:
        psql("DELETE FROM cstat_schema_version WHERE version = 999")


def test_usage(d):
    for args in ([], ["nosuch"], ["save", "main"], ["save", "../x",
                 "old.txt"], ["show"], ["compare", "main"],
                 ["prune", "main"], ["prune", "-keep", "x", "main"],
                 ["save", "main", "missing.txt"], ["-store"]):
        rc, out, err = cb(args, d)
        expect(rc == 2 and out == "", "%r: %d %r" % (args, rc, out))
    rc, out, err = cb(["-h"], d)
    expect(rc == 0 and "Exit status" in out, "help")
    # -store and CSTAT_STORE pick the store: the directory, or the
    # database by its connection string.
    loc = PG or "elsewhere"
    expect(cb(["-store", loc, "save", "b", "old.txt"], d)[0] == 0,
           "-store")
    expect(baseline_text(d, "b") if PG else os.path.exists(
        os.path.join(d, "elsewhere", "baselines", "b.json")), "-store path")
    rc, out, err = cb(["list"], d, {"CSTAT_STORE": loc})
    expect("baseline  b" in out, "CSTAT_STORE")


def test_many_config(d):
    # The writer and the reader accept the same runs: 65 and 1,000
    # configuration lines (once refused on reading past 64, after the
    # file was written) go through save, show, record, history, prune.
    for n in (65, 1000):
        f = os.path.join(d, "conf%d.txt" % n)
        with open(f, "w") as o:
            for i in range(n):
                o.write("key%d: v\n" % i)
            for v in (100, 110, 105):
                o.write("BenchmarkX 1 %d ns/op\n" % v)
        name = "c%d" % n
        rc, out, err = cb(["save", name, f], d)
        expect(rc == 0, "save %d: %s" % (n, err))
        want = run(CSTAT, [name + "=" + f], d)[1]
        rc, out, err = cb(["show", name], d)
        expect(rc == 0 and out == want and "key64" in out,
               "show %d: %d %s\n%s" % (n, rc, err, out))
        rc, out, err = cb(["save", name, f], d)
        expect(rc == 0, "save again %d: %s" % (n, err))
        for _ in range(3):
            rc, out, err = cb(["record", name, f], d)
            expect(rc == 0, "record %d: %s" % (n, err))
        rc, out, err = cb(["history", name], d)
        expect(rc == 0 and "3 runs" in out, "history %d: %s" % (n, err))
        rc, out, err = cb(["prune", "-keep", "1", name], d)
        expect(rc == 0 and "pruned 2 runs" in err, "prune %d: %s" % (n, err))
        rc, out, err = cb(["history", name], d)
        expect(rc == 0 and "1 run," in out, "history after prune %d" % n)


def test_many_benchmarks(d):
    # 40,000 distinct benchmarks save and read back as cstat reads the
    # text they came from (storing them was once quadratic).
    f = os.path.join(d, "many.txt")
    with open(f, "w") as o:
        o.write("goos: linux\n")
        for i in range(40000):
            o.write("BenchmarkB%d 1 %d ns/op\n" % (i, 100 + i % 97))
    rc, out, err = cb(["save", "big", f], d)
    expect(rc == 0 and "40000 values" in err, "save: " + err)
    want = run(CSTAT, ["big=" + f], d)[1]
    rc, out, err = cb(["show", "big"], d)
    expect(rc == 0 and out == want and "B39999" in out, "show: " + err)
    rc, out, err = cb(["record", "big", f], d)
    expect(rc == 0 and "40000 values" in err, "record: " + err)
    doc = json.loads(history_text(d, "big").splitlines()[0])
    names = [b["name"] for b in doc["groups"][0]["benchmarks"]]
    expect(names == ["B%d" % i for i in range(40000)], "benchmark order")


def test_symlinks(d):
    if PG:
        return pg_symlinks(d)
    # A store may be committed to a repository, so its entries may be
    # links planted by a pull request: every command refuses them, names
    # the link, and leaves the file outside the store as it was.
    out_dir = os.path.join(d, "outside")
    os.makedirs(out_dir)
    hist = os.path.join(d, ".cstat", "history")
    base = os.path.join(d, ".cstat", "baselines")
    os.makedirs(hist)
    os.makedirs(base)
    victim = os.path.join(out_dir, "file")
    with open(victim, "w") as f:
        f.write("precious\n")

    def untouched(what):
        expect(open(victim).read() == "precious\n", what + ": outside "
               "file changed")

    def refused(args, link, what):
        rc, out, err = cb(args, d)
        expect(rc == 2 and link in err and "symbolic link" in err,
               "%s: %d %s" % (what, rc, err))

    # 1. history/main.jsonl -> the outside file: record, history, prune.
    os.symlink("../../outside/file", os.path.join(hist, "main.jsonl"))
    refused(["record", "main", "old.txt"], "main.jsonl", "record")
    refused(["history", "main"], "main.jsonl", "history")
    refused(["prune", "-keep", "0", "main"], "main.jsonl", "prune")
    untouched("history link")
    # 2. a dangling link: record must not create its target.
    os.symlink("../../outside/new", os.path.join(hist, "h2.jsonl"))
    refused(["record", "h2", "old.txt"], "h2.jsonl", "dangling")
    expect(not os.path.lexists(os.path.join(out_dir, "new")),
           "dangling link's target created")
    # 3. a link at the lock file.
    os.symlink("../../outside/lock", os.path.join(hist, "h3.jsonl.lock"))
    refused(["record", "h3", "old.txt"], "h3.jsonl.lock", "lock link")
    expect(not os.path.lexists(os.path.join(out_dir, "lock")),
           "lock link's target created")
    # 4. links at temporary names save might use (any process id: a
    # link at one is refused whatever id save runs as), and a baseline
    # that is a link.
    tmps = [1, 2, os.getpid() + 1, 4194303]
    for p in tmps:
        os.symlink("../../outside/file",
                   os.path.join(base, "main.json.tmp.%d" % p))
    rc, out, err = cb(["save", "main", "old.txt"], d)
    untouched("tmp links")
    expect(rc == 2 and "main.json.tmp." in err and "symbolic link" in err,
           "save over tmp links: %d %s" % (rc, err))
    expect(not os.path.lexists(os.path.join(base, "main.json")),
           "a link renamed into place")
    for p in tmps:
        os.unlink(os.path.join(base, "main.json.tmp.%d" % p))
    os.symlink("../../outside/file", os.path.join(base, "b.json"))
    refused(["save", "b", "old.txt"], "b.json", "save over a link")
    refused(["show", "b"], "b.json", "show")
    refused(["compare", "b", "new.txt"], "b.json", "compare")
    untouched("baseline link")
    rc, out, err = cb(["list"], d)
    expect("symbolic link" in out, "list: " + out)
    # The store's folders as links.
    for sub in ("history", "baselines"):
        shutil.rmtree(os.path.join(d, ".cstat", sub))
        os.symlink("../outside", os.path.join(d, ".cstat", sub))
    refused(["record", "main", "old.txt"], "history", "history folder")
    refused(["save", "x", "old.txt"], "baselines", "baselines folder")
    refused(["show", "x"], "baselines", "show, baselines folder")
    refused(["list"], "baselines", "list, baselines folder")
    refused(["rm", "x"], "baselines", "rm, baselines folder")
    expect(sorted(os.listdir(out_dir)) == ["file"], "files made outside: %r"
           % os.listdir(out_dir))
    untouched("folder links")


def test_snapshot(d):
    if PG:
        return pg_snapshot(d)
    # history, detect and export read a history through a snapshot in
    # cache/: written on the first read, used (not rewritten) while the
    # history is unchanged, rebuilt after a record or when damaged, never
    # through a link, and ignored by git.
    for f in ("old.txt", "old.txt", "new.txt"):
        expect(cb(["record", "main", f], d)[0] == 0, "record")
    snap = os.path.join(d, ".cstat", "cache", "main.snapshot")
    rc, first, err = cb(["history", "main"], d)
    expect(rc == 0 and os.path.isfile(snap), "snapshot written: " + err)
    ignore = open(os.path.join(d, ".cstat", "cache", ".gitignore")).read()
    expect("*" in ignore.splitlines(), ".gitignore: " + ignore)
    made = os.stat(snap)
    for cmd in (["history", "main"], ["detect", "main"],
                ["export", "-format", "json", "main"]):
        rc, out, err = cb(cmd, d)
        expect(rc == 0, "%s: %s" % (cmd, err))
    rc, again, err = cb(["history", "main"], d)
    expect(again == first, "history through the snapshot differs")
    now = os.stat(snap)
    expect((now.st_ino, now.st_mtime_ns) == (made.st_ino, made.st_mtime_ns),
           "snapshot rewritten although the history did not change")
    # A record: the next read sees the new run and writes a new snapshot.
    expect(cb(["record", "main", "new.txt"], d)[0] == 0, "record")
    rc, out, err = cb(["history", "main"], d)
    expect(rc == 0 and "4 runs" in out, out)
    expect(os.stat(snap).st_ino != made.st_ino, "snapshot not rebuilt")
    # A damaged snapshot: rebuilt, same answer.
    with open(snap, "r+b") as f:
        f.seek(100)
        f.write(b"\xff" * 64)
    rc, out2, err = cb(["history", "main"], d)
    expect(rc == 0 and out2 == out and err == "", "damaged: " + err)
    with open(snap, "wb") as f:
        f.write(b"garbage")
    expect(cb(["history", "main"], d)[1] == out, "garbage snapshot")
    # Through a cut-short record, the warning comes every time.
    h = os.path.join(d, ".cstat", "history", "main.jsonl")
    with open(h, "a") as f:
        f.write('{"schema":"cstat-run/1","gro')
    for _ in range(2):
        rc, out3, err = cb(["history", "main"], d)
        expect(rc == 0 and "cut short" in err and "4 runs" in out3, err)
    # git takes none of it.
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", d], check=True)
        st = subprocess.run(["git", "status", "--porcelain",
                             "--untracked-files=all", ".cstat"], cwd=d,
                            capture_output=True, text=True).stdout
        expect("cache" not in st and "history/main.jsonl" in st,
               "git status: " + st)
    # cache/ as a link: refused, nothing written outside.
    out_dir = os.path.join(d, "outside")
    os.makedirs(out_dir)
    shutil.rmtree(os.path.join(d, ".cstat", "cache"))
    os.symlink("../outside", os.path.join(d, ".cstat", "cache"))
    rc, out, err = cb(["history", "main"], d)
    expect(rc == 2 and "cache" in err and "symbolic link" in err, err)
    expect(os.listdir(out_dir) == [], "written outside: %r"
           % os.listdir(out_dir))



def test_failures(d):
    # Failures are failures, with a message: show of an empty or garbage
    # baseline, output that cannot be written, a created= that is no time.
    for name, text in (("empty", ""), ("garbage", "garbage\n")):
        put_baseline(d, name, text)
        rc, out, err = cb(["show", name], d)
        expect(rc == 2 and out == "" and name + ".json" in err,
               "show %s: %d %r" % (name, rc, err))
    expect(cb(["record", "main", "old.txt"], d)[0] == 0, "record")
    for args in (["list"], ["history", "main"]):
        with open("/dev/full", "w") as full:
            p = subprocess.run([CB] + args, cwd=d, stdout=full,
                               stderr=subprocess.PIPE, timeout=60,
                               env=dict(os.environ, CSTAT_STORE=PG)
                               if PG else None)
        err = p.stderr.decode()
        expect(p.returncode == 2 and "no space left on device" in err,
               "%r > /dev/full: %d %s" % (args, p.returncode, err))
    for bad in ("notatime", "2026-11-01T10:00:00", "2026-02-29T10:00:00Z",
                "2026-13-01T10:00:00Z", "2026-11-01T10:00:00Zjunk", ""):
        rc, out, err = cb(["record", "-m", "created=" + bad, "main",
                           "old.txt"], d)
        expect(rc == 2 and "RFC 3339" in err, "created=%s: %d %s"
               % (bad, rc, err))
    for good in ("2026-11-01T10:00:00Z", "2024-02-29t10:00:00.5+02:00",
                 "2026-11-01 10:00:00-07:00"):
        rc, out, err = cb(["save", "-m", "created=" + good, "main",
                           "old.txt"], d)
        expect(rc == 0, "created=%s: %s" % (good, err))
    expect("1 run," in cb(["list"], d)[1],
           "bad created= recorded")


def test_stale_tmps(d):
    if PG:
        return pg_stale_tmps(d)
    # save removes the temporary files of writers killed mid-write: one
    # of a process that is gone (idle over a minute), any idle over ten
    # minutes; a fresh one of a live process stays.
    base = os.path.join(d, ".cstat", "baselines")
    os.makedirs(base)
    dead = subprocess.Popen(["true"])
    dead.wait()
    old = time.time() - 11 * 60
    # name: its modification time (None: now); kept are the live fresh
    # one and the names of no temporary file of main.json.
    files = {"main.json.tmp.%d" % dead.pid: time.time() - 120,
             "main.json.tmp.%d" % os.getpid(): old,
             "main.json.tmp.%d.x" % dead.pid: old,
             "other.json.tmp.%d" % dead.pid: old}
    fresh = "main.json.tmp.%d" % os.getppid()
    files[fresh] = None
    for name, mtime in files.items():
        path = os.path.join(base, name)
        with open(path, "w") as f:
            f.write("partial")
        if mtime:
            os.utime(path, (mtime, mtime))
    rc, out, err = cb(["save", "main", "old.txt"], d)
    expect(rc == 0, "save: " + err)
    left = set(os.listdir(base))
    want = {"main.json", fresh, "main.json.tmp.%d.x" % dead.pid,
            "other.json.tmp.%d" % dead.pid}
    expect(left == want, "left %r, want %r" % (sorted(left), sorted(want)))


def test_disk_full(d):
    if PG:
        return pg_disk_full(d)
    # A record or save that fails on a full disk (a 64 KiB tmpfs) says
    # "no space left on device" and leaves the store as it was: no stub
    # that every later read warns of, no temporary file.
    mnt = os.path.join(d, "mnt")
    os.makedirs(mnt)
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt],
            capture_output=True).returncode != 0:
        print("SKIP: mounting a small tmpfs needs root (CI runs this as "
              "root)")
        sys.exit(77)
    try:
        big = os.path.join(d, "big.txt")
        with open(big, "w") as f:
            for i in range(3000):
                f.write("BenchmarkB%d 1 %d ns/op\n" % (i, 100 + i))
        store = ["-store", os.path.join(mnt, "st")]
        expect(cb(store + ["record", "main", "old.txt"], d)[0] == 0,
               "record")
        expect(cb(store + ["save", "main", "old.txt"], d)[0] == 0, "save")
        h = os.path.join(mnt, "st", "history", "main.jsonl")
        b = os.path.join(mnt, "st", "baselines", "main.json")
        hist, base = open(h).read(), open(b).read()
        rc, out, err = cb(store + ["record", "main", big], d)
        expect(rc == 2 and "no space left on device" in err,
               "record: %d %s" % (rc, err))
        expect(out == "", "record printed %r" % out)
        expect(open(h).read() == hist, "a partial record stayed")
        rc, out, err = cb(store + ["history", "main"], d)
        expect(rc == 0 and "cut short" not in err, "history: " + err)
        rc, out, err = cb(store + ["save", "main", big], d)
        expect(rc == 2 and "no space left on device" in err,
               "save: %d %s" % (rc, err))
        expect(out == "", "save printed %r" % out)
        expect(open(b).read() == base, "baseline changed")
        expect(os.listdir(os.path.dirname(b)) == ["main.json"],
               "temporary files left")
    finally:
        subprocess.run(["umount", mnt])


def test_invalid_utf8(d):
    # Names, configuration and metadata with bytes that are not UTF-8 are
    # stored as U+FFFD, so a strict JSON reader (Python's) reads the files.
    with open(os.path.join(d, "bad.txt"), "wb") as f:
        f.write(b"goos: linux\nbad\xfekey: v\xff\n")
        for v in (10, 11, 12):
            f.write(b"BenchmarkBad\xffName-8 1000 %d ns/op\n" % v)
            f.write(b"BenchmarkCut\xe2\x82-8 1000 %d ns/op\n" % v)
    env = {"GITHUB_SHA": "feedbeef", "GITHUB_REF_NAME": "br\udcffanch"}
    expect(cb(["save", "-m", "who=x\udcfe", "main", "bad.txt"], d)[0] == 0,
           "save")
    expect(cb(["record", "main", "bad.txt"], d, env)[0] == 0, "record")
    doc = json.loads(baseline_text(d, "main"))
    names = [b["name"] for g in doc["groups"] for b in g["benchmarks"]]
    expect(names == ["Bad\ufffdName-8", "Cut\ufffd\ufffd-8"], names)
    expect(["bad\ufffdkey", "v\ufffd"] in doc["groups"][0]["config"],
           doc["groups"][0]["config"])
    expect(doc["meta"] == {"who": "x\ufffd"}, doc["meta"])
    recs = [json.loads(l) for l in history_text(d, "main").splitlines()]
    expect(recs[0]["branch"] == "br\ufffdanch", recs[0]["branch"])
    # The repaired file is still a baseline.
    rc, out, err = cb(["show", "main"], d)
    expect(rc == 0 and "Bad\ufffdName-8" in out, out + err)
    # The exports are UTF-8 too (a lone surrogate here is a raw byte).
    for fmt in ("json", "html", "csv"):
        rc, out, err = cb(["export", "-format", fmt, "main"], d)
        expect(rc == 0 and "Bad\ufffdName-8" in out, fmt + err)
        out.encode("utf-8")


def test_csv_formula(d):
    # Text cells a spreadsheet would run as formulas get a "'" and quotes
    # (OWASP's advice); numbers, deltas and a name that is a plain number
    # stay as benchstat writes them.
    import csv
    import io
    names = ["=cmd|'/Ccalc'!A0", "+x", "@SUM(1)", "-y", "-5", "Plain"]
    for f, scale in (("old.csv.txt", 1.0), ("new.csv.txt", 0.8)):
        with open(os.path.join(d, f), "w") as out:
            for n in names:
                for v in range(10, 18):
                    out.write("Benchmark%s 1000 %g ns/op\n" % (n, v * scale))
    rc, out, err = run(CSTAT, ["-format", "csv", "old.csv.txt",
                               "new.csv.txt"], d)
    expect(rc == 0, err)
    for n in names[:4]:
        expect('"\'%s"' % n in out, "cstat csv %s:\n%s" % (n, out))
    rows = {r[0]: r for r in csv.reader(io.StringIO(out)) if r}
    expect(rows["-5"][5] == "-20.00%" and rows["Plain"][5] == "-20.00%",
           "numbers changed:\n%s" % out)
    expect("'=cmd|'/Ccalc'!A0" in rows, "field %r" % list(rows))
    env = {"GITHUB_SHA": "-abc", "GITHUB_REF_NAME":
           '=HYPERLINK("http://x","y")'}
    for f in ("old.csv.txt", "new.csv.txt"):
        expect(cb(["record", "main", f], d, env)[0] == 0, "record")
    rc, out, err = cb(["export", "-format", "csv", "main"], d)
    expect(rc == 0, err)
    recs = list(csv.DictReader(io.StringIO(out)))
    expect(len(recs) == 2 * len(names), out)
    for r in recs:
        expect(r["branch"] == '\'=HYPERLINK("http://x","y")' and
               r["commit"] == "'-abc", "branch/commit %r" % r)
        want = r["benchmark"].lstrip("'")
        expect(r["benchmark"] == ("'" + want if want in names[:4]
                                  else want), "benchmark %r" % r)


def test_syntax(d):
    # The examples: flags before or after NAME, -h on every
    # command, NAME never a flag, unknown flags named with the usage.
    expect(cb(["save", "main", "old.txt"], d)[0] == 0, "save")
    # compare -format markdown main new.txt opened
    # .cstat/baselines/-format.json; now cstat's flag goes to cstat.
    rc, md1, err = cb(["compare", "-format", "markdown", "main", "new.txt"], d)
    expect(rc == 0 and "-format.json" not in err, "compare: %d %s" % (rc, err))
    want = run(CSTAT, ["-format", "markdown",
                       "main=" + store_file(d, "baselines", "main"),
                       "new.txt"], d)[1]
    expect(md1 == want and md1.count("| ") > 5, "markdown:\n" + md1)
    for args in (["compare", "main", "-format", "markdown", "new.txt"],
                 ["compare", "main", "new.txt", "-format=markdown"],
                 ["compare", "--format", "markdown", "main", "--", "new.txt"]):
        expect(cb(args, d)[1] == md1, "%r differs" % (args,))
    # A value flag of cstat before NAME: its value is not NAME.
    rc, out, err = cb(["compare", "-filter", ".name:Encode", "main",
                       "new.txt"], d)
    expect(rc == 0 and "Encode" in out and "Decode" not in out, out + err)
    # record -m before and after NAME, and after FILES.
    for k, args in enumerate((["record", "-m", "k=1", "main", "old.txt"],
                              ["record", "main", "-m", "k=2", "old.txt"],
                              ["record", "main", "new.txt", "-m=k=3"])):
        rc, out, err = cb(args, d)
        expect(rc == 0, "%r: %d %s" % (args, rc, err))
    metas = [json.loads(l)["meta"]["k"]
             for l in history_text(d, "main").splitlines()]
    expect(metas == ["1", "2", "3"], "metas %r" % metas)
    # gate: cregress's flags wherever they are, -history a value of
    # gate's own.
    ref = cb(["gate", "-history", "none", "-threshold", "1%", "main",
              "new.txt"], d)
    expect(ref[0] == 0 and "threshold 1%" in ref[1], "gate: %r" % (ref,))
    for args in (["gate", "main", "-threshold", "1%", "new.txt",
                  "-history", "none"],
                 ["gate", "main", "new.txt", "-history=none",
                  "-threshold", "1%"]):
        rc, out, err = cb(args, d)
        expect((rc, out) == ref[:2], "%r: %d %s" % (args, rc, err))
    # -store after the command.
    expect(cb(["list", "-store", "other"], d)[1] == "", "-store after list")
    expect(cb(["save", "b", "old.txt", "-store", "other"], d)[0] == 0,
           "save -store")
    expect(os.path.exists(os.path.join(d, "other", "baselines", "b.json")),
           "-store after NAME")
    # -h, -help and --help on every command: its usage, exit 0.
    cmds = ("save", "list", "show", "rm", "compare", "gate", "record",
            "history", "detect", "prune", "export")
    for c in cmds:
        for h_ in ("-h", "-help", "--help"):
            rc, out, err = cb([c, h_], d)
            expect(rc == 0 and out.startswith("Usage: cbaseline " + c) and
                   err == "", "%s %s: %d %r %r" % (c, h_, rc, out, err))
    rc, out, err = cb(["history", "main", "-h"], d)
    expect(rc == 0 and "-format" in out, "history NAME -h")
    expect(not has(d, "history", "-h"), "-h.jsonl")
    rc, out, err = cb(["-h"], d)
    expect(rc == 0 and all(c in out for c in cmds), "overview")
    # An unknown flag: exit 2, named, with the command's usage.
    for c in cmds:
        rc, out, err = cb([c, "-nosuch", "main"], d)
        expect(rc == 2 and out == "" and "-nosuch" in err and
               "Usage: cbaseline " + c in err, "%s -nosuch: %d %s" % (c, rc, err))
    # A NAME starting with "-" is never a name, even after "--".
    rc, out, err = cb(["history", "--", "-h"], d)
    expect(rc == 2 and "-h.jsonl" not in err, "history -- -h: " + err)
    rc, out, err = cb(["save", "--", "-x", "old.txt"], d)
    expect(rc == 2 and not has(d, "baselines", "-x"), "save -x")
    # "--" ends the flags: a file named like a flag is a file.
    shutil.copy(os.path.join(d, "old.txt"), os.path.join(d, "-old.txt"))
    rc, out, err = cb(["record", "main", "--", "-old.txt"], d)
    expect(rc == 0, "record -- -old.txt: " + err)
    # A flag without its value.
    rc, out, err = cb(["history", "main", "-format"], d)
    expect(rc == 2 and "needs an argument" in err, err)
    rc, out, err = cb(["list", "extra"], d)
    expect(rc == 2 and "unexpected argument" in err, err)


def has(d, kind, name):
    """Whether the store has baseline or history name."""
    if not PG:
        ext = ".json" if kind == "baselines" else ".jsonl"
        return os.path.exists(os.path.join(d, ".cstat", kind, name + ext))
    table = "cstat_baselines" if kind == "baselines" else "cstat_histories"
    return psql("SELECT count(*) FROM %s WHERE name = :'v0'" % table,
                name).strip() != "0"


def gfm_tables(md):
    """The number of <table>s cmark-gfm renders md into (None without
    cmark-gfm)."""
    if not shutil.which("cmark-gfm"):
        return None
    p = subprocess.run(["cmark-gfm", "-e", "table"], input=md.encode(),
                       capture_output=True, check=True)
    return p.stdout.decode().count("<table>")


def numbers_are_numbers(doc, where="$"):
    """Fails when a JSON value that should be a number is a string that
    reads as one."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            numbers_are_numbers(v, where + "." + k)
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            numbers_are_numbers(v, "%s[%d]" % (where, i))
    elif isinstance(doc, str):
        try:
            float(doc)
        except ValueError:
            return
        raise AssertionError("%s is the string %r" % (where, doc))


def test_formats(d):
    # history and list in text (unchanged), Markdown that renders as
    # tables, and JSON whose numbers are numbers.
    with open(os.path.join(d, "pipe.txt"), "w") as f:
        f.write("goos: linux\n")
        for v in (10, 11, 12):
            f.write("BenchmarkA|B-8 1000 %d ns/op\n" % v)
    cb(["save", "-m", "commit=c1", "main", "old.txt"], d)
    for f, t in (("old.txt", "2026-11-01T10:00:00Z"),
                 ("new.txt", "2026-11-02T10:00:00Z"),
                 ("pipe.txt", "2026-11-03T10:00:00Z")):
        expect(cb(["record", "-m", "created=" + t, "main", f], d)[0] == 0,
               "record")
    text = cb(["history", "main"], d)[1]
    expect(cb(["history", "-format", "text", "main"], d)[1] == text, "text")
    rc, md, err = cb(["history", "main", "-format", "markdown"], d)
    expect(rc == 0 and "A\\|B-8" in md and "## History main" in md, md)
    tables = gfm_tables(md)
    expect(tables in (None, 2), "history tables: %r\n%s" % (tables, md))
    rc, js, err = cb(["history", "-format=json", "main"], d)
    doc = json.loads(js)
    expect(doc["schema"] == "cstat-history-summary/1" and doc["runs"] == 3,
           js)
    numbers_are_numbers(doc)
    enc = [x for x in doc["series"] if x["name"] == "Encode/format=json-48"]
    expect(enc and enc[0]["runs"] == 2 and abs(enc[0]["first"] - 1.718e-06) < 1e-15 and
           enc[0]["better"] == "lower", enc)
    # list
    rc, md, err = cb(["list", "-format", "markdown"], d)
    expect(rc == 0 and "| baseline | main |" in md, md)
    expect(gfm_tables(md) in (None, 1), "list table:\n" + md)
    rc, js, err = cb(["list", "-format", "json"], d)
    doc = json.loads(js)
    numbers_are_numbers(doc)
    expect(doc["entries"][0] == {"kind": "baseline", "name": "main",
                                 "error": None, "values": 20,
                                 "created": doc["entries"][0]["created"],
                                 "commit": "c1"} and
           doc["entries"][1]["runs"] == 3 and
           doc["entries"][1]["last_created"] == "2026-11-03T10:00:00Z", js)
    rc, out, err = cb(["list", "-format", "xml"], d)
    expect(rc == 2 and "unknown format" in err, err)


def column_starts(line, words):
    """Where each word starts in line, in characters as displayed (µ and
    ▁ one column each; every character here is one column)."""
    return [line.index(w) for w in words]


def test_display_width(d):
    # history pads by display width: a row whose medians print with µ
    # lines up with the header like the others (padding by bytes put
    # every µ row one column short per µ).
    for f in ("old.txt", "new.txt"):
        expect(cb(["record", "main", f], d)[0] == 0, "record")
    rc, out, err = cb(["history", "main"], d)
    expect(rc == 0, err)
    lines = out.splitlines()
    head = [l for l in lines if l.rstrip().endswith("trend")][0]
    # Each right-aligned column ends where its heading ends.
    ends = [head.index(w) + len(w) for w in ("runs", "first", "last",
                                              "median")]
    rows = [l for l in lines if "µ" in l]
    expect(rows, "no row with µ:\n" + out)
    for row in rows:
        cells = row[40:].split()
        pos, got = 40, []
        for c in cells[:4]:
            pos = row.index(c, pos)
            got.append(pos + len(c))
            pos += len(c)
        expect(got == ends, "columns end at %s, headings at %s:\n%s\n%s" %
               (got, ends, head, row))
    # list: the same for names of one width.
    rc, out, err = cb(["list"], d)
    expect(rc == 0 and out.startswith("history   main ") and
           out.index("2 runs") == 35, out)


def test_singular(d):
    # "1 run", "1 value": counts of one are singular (list said "1 runs").
    with open(os.path.join(d, "one.txt"), "w") as f:
        f.write("BenchmarkOne 1 100 ns/op\n")
    rc, out, err = cb(["save", "one", "one.txt"], d)
    expect(rc == 0 and err.endswith(": 1 value\n"), err)
    rc, out, err = cb(["record", "one", "one.txt"], d)
    expect(rc == 0 and err.endswith(": 1 value\n"), err)
    rc, out, err = cb(["list"], d)
    expect(rc == 0, err)
    base, hist = out.splitlines()
    expect("  1 value" in base and "1 values" not in base, base)
    expect(" 1 run, last " in hist and "1 runs" not in hist, hist)
    rc, out, err = cb(["history", "one"], d)
    expect(rc == 0 and "history one: 1 run, " in out, out)
    cb(["record", "one", "one.txt"], d)
    rc, out, err = cb(["list"], d)
    expect(" 2 runs, last " in out, out)
    rc, out, err = cb(["save", "two", "old.txt"], d)
    expect(rc == 0 and re.search(r": \d+ values\n$", err), err)


# ----------------------------------------------------------------------------
# The database's counterparts of the cases about the store's files: the
# same promise to the user, checked where the database keeps its data.

def private_tmp(d):
    """A $TMPDIR of the test's own: cbaseline makes its private copy of
    what a command reads there, and removes it."""
    tmp = os.path.join(d, "tmp")
    os.makedirs(tmp, exist_ok=True)
    return {"TMPDIR": tmp}


def pg_symlinks(d):
    # Stands for test_symlinks: a store committed to a repository may hold
    # links a pull request planted, so that a command writes outside it.
    # A database has no paths to plant a link at; the way out left is a
    # name, and the private copy each command makes in $TMPDIR (made anew
    # with mkdtemp, so no link can wait there).  Names that lead out are
    # refused, nothing is written outside, and no copy is left behind.
    out_dir = os.path.join(d, "outside")
    os.makedirs(out_dir)
    victim = os.path.join(out_dir, "file")
    with open(victim, "w") as f:
        f.write("precious\n")
    env = private_tmp(d)
    for name in ("../../outside/file", "../outside", "a/b", ".hidden", ".."):
        for args in (["record", name, "old.txt"], ["save", name, "old.txt"],
                     ["show", name], ["history", name],
                     ["prune", "-keep", "0", name], ["rm", name],
                     ["compare", name, "new.txt"]):
            rc, out, err = cb(args, d, env)
            expect(rc == 2 and out == "", "%r: %d %s" % (args, rc, err))
    expect(open(victim).read() == "precious\n", "outside file changed")
    expect(sorted(os.listdir(out_dir)) == ["file"], "files made outside")
    expect(os.listdir(env["TMPDIR"]) == [], "left in $TMPDIR: %r"
           % os.listdir(env["TMPDIR"]))
    expect(psql("SELECT count(*) FROM cstat_histories").strip() == "0" and
           psql("SELECT count(*) FROM cstat_baselines").strip() == "0",
           "a name that leads out was stored")


def write_runs(d, n, first=0):
    """Files r0.txt.. of n runs: two packages, four benchmarks with
    sub-benchmarks, two units, a step in Op1 from run 12 on."""
    names = []
    for i in range(first, first + n):
        name = "r%d.txt" % i
        with open(os.path.join(d, name), "w") as f:
            f.write("goos: linux\n")
            for pkg in ("a", "b"):
                f.write("pkg: %s\n" % pkg)
                for b in range(4):
                    for size in (10, 100):
                        for k in range(3):
                            ns = 1000 * (b + 1) + size + (i * 7 + k * 3) % 11
                            if b == 1 and i >= 12:
                                ns += 400
                            f.write("BenchmarkOp%d/size=%d-8 100 %d ns/op"
                                    " %d B/op\n"
                                    % (b, size, ns, 64 * (b + 1) + k % 2))
        names.append(name)
    return names


# Filters of every kind: a name, a full name, a configuration key, a unit
# (which cuts each cell's values), boolean combinations, and the runs'
# numbers (.file), which a read of appended runs must number as the whole
# history does.
SNAP_FILTERS = [".name:Op1", ".fullname:Op2/size=10-8", "pkg:b",
                ".unit:B/op", "(.name:Op0 OR .name:Op3) -pkg:a",
                ".name:Op1 .unit:sec/op", ".file:/^(2|1[0-9]|2[0-9])$/"]
SNAP_CMDS = [["history"], ["detect"], ["export", "-format", "csv"],
             ["export", "-format", "json"], ["export", "-format", "html"]]


def filtered_same(d, env, what, filters=SNAP_FILTERS, cmds=SNAP_CMDS,
                  times=1):
    """Each filtered command's output through the store (and its filter
    snapshots), times times, is a fresh streamed read's: that of a copy of
    the history in a store directory that can keep no snapshot (a file
    where cache/ would be)."""
    ref = os.path.join(d, "ref")
    shutil.rmtree(ref, ignore_errors=True)
    os.makedirs(os.path.join(ref, "history"))
    with open(os.path.join(ref, "history", "main.jsonl"), "w") as f:
        f.write(history_text(d, "main"))
    open(os.path.join(ref, "cache"), "w").close()
    for flt in filters:
        for cmd in cmds:
            args = cmd + ["-filter", flt, "main"]
            want = run(CB, ["-store", ref] + args, d)
            expect(want[0] == 0, "%r: %s" % (args, want[2]))
            for _ in range(times):
                got = cb(args, d, env)
                expect(got == want, "%s: %r differs:\n%s\nwant:\n%s"
                       % (what, args, got[1] + got[2], want[1] + want[2]))


def filter_snapshots(d, env):
    """The filter snapshots' files: a store directory's, or those of the
    cache folder on the client."""
    if not PG:
        top = os.path.join(d, ".cstat", "cache", "main.filters")
    else:
        top = env["CSTAT_CACHE"]
    found = []
    for root, dirs, files in os.walk(top):
        if os.path.basename(root) == "main.filters":
            found += [os.path.join(root, f) for f in files]
    return sorted(found)


def test_filter_snapshot(d):
    # history, detect and export with -filter keep a snapshot of the
    # filtered read (cache/main.filters/ of a store directory; the cache
    # folder on the client for a database), whose outputs are a fresh
    # read's byte for byte: cold, from the snapshot, after record (its
    # runs joined), after prune and merge (read again), with the snapshot
    # damaged; at most 16 of them.
    env = dict(private_tmp(d), CSTAT_CACHE=os.path.join(d, "cc"))
    for f in write_runs(d, 20):
        expect(cb(["record", "main", f], d, env)[0] == 0, "record")
    # Cold, then from the snapshots.
    filtered_same(d, env, "cold", times=2)
    snaps = filter_snapshots(d, env)
    expect(len(snaps) == len(SNAP_FILTERS),
           "one snapshot per filter: %r" % snaps)
    inodes = [os.stat(p).st_ino for p in snaps]
    filtered_same(d, env, "from the snapshots", cmds=SNAP_CMDS[:1])
    expect([os.stat(p).st_ino for p in snaps] == inodes,
           "snapshots rewritten although the history did not change")
    for f in write_runs(d, 2, 20):
        expect(cb(["record", "main", f], d, env)[0] == 0, "record")
    filtered_same(d, env, "after record", cmds=SNAP_CMDS[:3])
    rc, out, err = cb(["prune", "-keep", "18", "main"], d, env)
    expect(rc == 0, "prune: " + err)
    # Fewer commands from here on: the outputs are the tables'.
    some = dict(filters=SNAP_FILTERS[2:], cmds=SNAP_CMDS[1:3])
    filtered_same(d, env, "after prune", **some)
    other = os.path.join(d, "other")
    for f in write_runs(d, 3, 30):
        expect(run(CB, ["-store", other, "record", "main", f], d)[0] == 0,
               "record")
    rc, out, err = cb(["merge", "main",
                       os.path.join(other, "history", "main.jsonl")], d, env)
    expect(rc == 0, "merge: " + err)
    filtered_same(d, env, "after merge", **some)
    # Damaged: cut short, or garbage; rebuilt, never trusted.
    for i, p in enumerate(filter_snapshots(d, env)):
        with open(p, "r+b") as f:
            if i % 2:
                f.truncate(os.path.getsize(p) // 2)
            else:
                f.seek(40)
                f.write(b"\xff" * 64)
    filtered_same(d, env, "damaged", **some)
    # At most 16 filters' snapshots per history.
    for k in range(20):
        rc, out, err = cb(["history", "-filter", ".name:Op1 .file:%d" % k,
                           "main"], d, env)
        expect(rc == 0, "history: " + err)
    snaps = filter_snapshots(d, env)
    expect(len(snaps) == 16, "%d snapshots kept" % len(snaps))
    for p in snaps:
        expect(os.stat(p).st_mode & 0o077 == 0 or not PG,
               "%s: mode %o" % (p, os.stat(p).st_mode))
    filtered_same(d, env, "after the bound", **some)
    expect(os.listdir(env["TMPDIR"]) == [], "left in $TMPDIR: %r"
           % os.listdir(env["TMPDIR"]))


def pg_snapshot(d):
    # Stands for test_snapshot: the file store keeps a snapshot of a
    # history's tables in cache/ and must never answer from a stale or
    # damaged one.  The database keeps no snapshot (cbaseline-db.c puts a
    # file where cache/ would be in its private copy): the promise left is
    # the same answer every time, a record seen by the next read, and
    # nothing written or left behind outside the database.
    env = private_tmp(d)
    for f in ("old.txt", "old.txt", "new.txt"):
        expect(cb(["record", "main", f], d, env)[0] == 0, "record")
    rc, first, err = cb(["history", "main"], d, env)
    expect(rc == 0 and "3 runs" in first, "history: " + err)
    for cmd in (["history", "main"], ["detect", "main"],
                ["export", "-format", "json", "main"]):
        rc, out, err = cb(cmd, d, env)
        expect(rc == 0, "%s: %s" % (cmd, err))
    rc, again, err = cb(["history", "main"], d, env)
    expect(again == first and err == "", "history differs the second time")
    expect(cb(["record", "main", "new.txt"], d, env)[0] == 0, "record")
    rc, out, err = cb(["history", "main"], d, env)
    expect(rc == 0 and "4 runs" in out, out)
    expect(os.listdir(env["TMPDIR"]) == [], "left in $TMPDIR: %r"
           % os.listdir(env["TMPDIR"]))
    expect(sorted(os.listdir(d)) == sorted(["old.txt", "new.txt",
                                            "cr-base.txt", "cr-new.txt",
                                            "tmp"]),
           "written in the working directory: %r" % os.listdir(d))


def pg_stale_tmps(d, kills=8, seed=11):
    # Stands for test_stale_tmps: save writes a temporary file and renames
    # it, and removes those of writers killed mid-write.  On the database
    # a save is one statement: a save killed at a random time 0-300 ms
    # after it starts (SIGKILL, fixed seed) leaves the baseline as it was
    # or as the killed save had it, whole, never in between; the next
    # save replaces it.  (A killed client's private copy stays in $TMPDIR,
    # which is the system's to clean: nothing reads it again.)
    import random
    import signal
    rng = random.Random(seed)
    with open(os.path.join(d, "big.txt"), "w") as f:
        f.write("goos: linux\n")
        for i in range(4000):
            f.write("BenchmarkS%d 1 %d ns/op\n" % (i, 100 + i % 7))
    expect(cb(["save", "main", "old.txt"], d)[0] == 0, "save")
    old = baseline_text(d, "main")
    e = dict(os.environ, CSTAT_STORE=PG)
    e.update(private_tmp(d))
    got_new = 0
    for _ in range(kills):
        p = subprocess.Popen([CB, "save", "main", "big.txt"], cwd=d, env=e,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, 0.3))
        p.send_signal(signal.SIGKILL)
        p.wait()
        settled()
        now = baseline_text(d, "main")
        if now != old:
            doc = json.loads(now)
            n = sum(len(g["benchmarks"]) for g in doc["groups"])
            expect(n == 4000, "a half baseline: %d benchmarks" % n)
            got_new += 1
            old = now
    rc, out, err = cb(["save", "main", "old.txt"], d)
    expect(rc == 0, "save after the kills: " + err)
    want = run(CSTAT, ["main=old.txt"], d)[1]
    expect(cb(["show", "main"], d)[1] == want, "show after the kills")
    print("%d saves killed (seed %d): the baseline whole each time "
          "(%d of them had replaced it); %d private copies left in $TMPDIR"
          % (kills, seed, got_new, len(os.listdir(e["TMPDIR"]))))


def pg_disk_full(d):
    # Stands for test_disk_full: a record or save the store cannot write
    # says so, exits 2 and leaves the store as it was.  On a database that
    # is the server refusing writes; here the database turned read-only
    # (default_transaction_read_only, as a full disk's server or a
    # standby does).
    big = os.path.join(d, "big.txt")
    with open(big, "w") as f:
        for i in range(3000):
            f.write("BenchmarkB%d 1 %d ns/op\n" % (i, 100 + i))
    expect(cb(["record", "main", "old.txt"], d)[0] == 0, "record")
    expect(cb(["save", "main", "old.txt"], d)[0] == 0, "save")
    hist, base = history_text(d, "main"), baseline_text(d, "main")
    db = psql("SELECT current_database()").strip()
    psql('ALTER DATABASE "%s" SET default_transaction_read_only = on' % db)
    try:
        for args in (["record", "main", big], ["save", "main", big],
                     ["rm", "main"], ["prune", "-keep", "0", "main"]):
            rc, out, err = cb(args, d)
            expect(rc == 2 and "read-only transaction" in err,
                   "%r: %d %s" % (args, rc, err))
            # Nothing was stored, so nothing says it was: the error
            # alone, as on a directory that cannot be written.
            said = [ln for ln in err.splitlines() if re.match(
                r"cbaseline: (recorded|saved|pruned|removed)", ln)]
            expect(out == "" and not said,
                   "%r printed %r %r" % (args, out, said))
        rc, out, err = cb(["history", "main"], d)
        expect(rc == 0 and "1 run," in out and err == "", "history: " + err)
    finally:
        psql('SET default_transaction_read_only = off;'
             ' ALTER DATABASE "%s" RESET default_transaction_read_only' % db)
    expect(history_text(d, "main") == hist, "a partial record stayed")
    expect(baseline_text(d, "main") == base, "baseline changed")


def test_list_prune_records(d):
    # list and prune find a history's records without parsing each one
    # (docs/cbaseline.md, "list"): stubs cut short in the middle and at the
    # end and blank lines are not runs, as for history's full read; an
    # unknown schema in the middle is an error for both, and prune then
    # writes nothing.
    for day, f in ((1, "old.txt"), (2, "new.txt"), (3, "old.txt")):
        cb(["record", "-m", "created=2026-01-0%dT00:00:00Z" % day, "main",
            f], d)
    recs = history_text(d, "main").splitlines()
    expect(len(recs) == 3, "records: %d" % len(recs))
    # A database stores whole records, each in one transaction: no stubs
    # or blank lines there (its prune keeps the last N rows).
    put_history(d, "h", [recs[0], recs[1], recs[2]] if PG else
                [recs[0], recs[1][:len(recs[1]) // 2], "", recs[1], "  ",
                 recs[2], recs[2][:40]])
    rc, out, err = cb(["list"], d)
    expect(rc == 0 and re.search(
        r"history +h +3 runs, last 2026-01-03T00:00:00Z", out), out + err)
    rc, out, err = cb(["history", "h"], d)
    expect(rc == 0 and "3 runs" in out, "history: " + out + err)
    rc, out, err = cb(["list", "-format", "json"], d)
    h = [e for e in json.loads(out)["entries"] if e["name"] == "h"]
    expect(rc == 0 and h and h[0]["runs"] == 3 and
           h[0]["last_created"] == "2026-01-03T00:00:00Z", out)
    rc, out, err = cb(["prune", "-keep", "2", "h"], d)
    expect(rc == 0 and re.match(r"cbaseline: pruned 1 run from ", err),
           "prune: %d %s" % (rc, err))
    expect(history_text(d, "h").splitlines() == recs[1:], "kept records")
    rc, out, err = cb(["list"], d)
    expect(re.search(r"history +h +2 runs, last 2026-01-03", out), out)
    # An unknown schema in the middle.  Only a file can hold one: a
    # database's runs were each parsed when record or merge stored them,
    # and list and prune there count and delete rows without reading
    # their records again (docs/cbaseline.md, "On PostgreSQL").
    if PG:
        return
    other = '{"schema":"other/1","groups":[]}'
    put_history(d, "u", [recs[0], other, recs[1]])
    rc, out, err = cb(["list"], d)
    expect(re.search(r"history +u +.*other/1", out), "list: " + out + err)
    rc, out, err = cb(["prune", "-keep", "1", "u"], d)
    expect(rc == 2 and "other/1" in err and "pruned" not in err,
           "prune: %d %s" % (rc, err))
    expect(history_text(d, "u").splitlines() == [recs[0], other, recs[1]],
           "prune wrote")


def main():
    global CB, CSTAT, CREGRESS, DATA
    CB, CSTAT, CREGRESS = (os.path.abspath(a) for a in sys.argv[1:4])
    DATA = os.path.abspath(sys.argv[4])
    print("store:", "PostgreSQL" if PG else "a directory")
    with tempfile.TemporaryDirectory() as d:
        inputs(d)
        globals()["test_" + sys.argv[5]](d)


if __name__ == "__main__":
    main()
