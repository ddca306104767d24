#!/usr/bin/env python3
"""The PostgreSQL store under processes, against the private cluster that
tests/pgcluster.py starts (its strings in CSTAT_TEST_PG and
CSTAT_TEST_PG_RUNNER):

  concurrent  32 processes record 50 runs each at once into one history of
              a fresh database (so their first opens race to migrate it):
              all 1,600 land, each once, each whole.
  retry       every run recorded twice: stored once, the second a success
              that says it added nothing.
  kill        a client recording in a loop is killed (SIGKILL) at a random
              time 0-100 ms after it starts recording, KILLS times (fixed
              seed): no half run is ever left, every run the client saw
              committed is there.
  password    the client's messages never show the password.
  cbaseline   cbaseline's commands with -store set to the database give
              the same output (stdout and exit status) as on a store
              directory, for the same inputs and times.

Usage: postgresql.py PG_RECORD TESTDATA CASE [CBASELINE]
"""
import json
import os
import random
import signal
import subprocess
import sys
import time

DRIVER, TESTDATA, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
OWNER = os.environ["CSTAT_TEST_PG"]
RUNNER = os.environ["CSTAT_TEST_PG_RUNNER"]
INPUT = os.path.join(TESTDATA, "conformance", "doc-01", "old.txt")
KILLS = 100
SEED = 17


def psql(sql):
    out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v",
                          "ON_ERROR_STOP=1", "-d", OWNER, "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def read_history(project, name):
    env = dict(os.environ, CSTAT_PROJECT=project)
    out = subprocess.run([DRIVER, "read", OWNER, name], env=env,
                         capture_output=True, check=True)
    return [json.loads(line) for line in out.stdout.decode().splitlines()]


def series_per_run():
    """Series in one run of INPUT (benchmark x unit x configuration)."""
    return int(psql("SELECT count(*) FROM cstat_values WHERE run_seq = "
                    "(SELECT min(seq) FROM cstat_runs)"))


def check_whole(project, name):
    """Every run of the history has all its values; returns the ids."""
    runs = read_history(project, name)
    ids = [r["id"] for r in runs]
    assert len(ids) == len(set(ids)), "a run id twice"
    k = series_per_run()
    bad = psql("SELECT count(*) FROM (SELECT r.seq FROM cstat_runs r "
               "LEFT JOIN cstat_values v ON v.run_seq = r.seq "
               "GROUP BY r.seq HAVING count(v.run_seq) <> %d) x" % k)
    assert bad == "0", "%s runs without all %d series" % (bad, k)
    return ids


def start(project, name, n, *extra):
    env = dict(os.environ, CSTAT_PROJECT=project)
    return subprocess.Popen([DRIVER, "record", RUNNER, name, str(n), INPUT]
                            + list(extra), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def grant():
    """The least-privilege runner role of docs/cbaseline.md."""
    subprocess.run([DRIVER, "read", OWNER, "none"], capture_output=True)
    psql("GRANT SELECT ON cstat_schema_version TO cstat_runner;"
         "GRANT SELECT, INSERT ON cstat_projects, cstat_histories,"
         " cstat_runs, cstat_series, cstat_values, cstat_baselines"
         " TO cstat_runner;"
         "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO cstat_runner;")


def case_concurrent():
    global RUNNER
    # A fresh database: the owner's 32 first opens race to migrate it.
    RUNNER = OWNER
    procs, n, per = [], 32, 50
    t0 = time.monotonic()
    for i in range(n):
        procs.append(start("conc", "main", per))
    seen = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
        seen += [l.split()[1] for l in out.decode().splitlines()
                 if l.startswith("done")]
    took = time.monotonic() - t0
    ids = check_whole("conc", "main")
    assert psql("SELECT count(*) FROM cstat_schema_version") == "1"
    assert sorted(ids) == sorted(seen), "lost or extra runs"
    assert len(ids) == n * per, len(ids)
    print("%d processes x %d runs: %d stored, each once and whole, "
          "in %.1f s (%.1f ms a record across the machine)"
          % (n, per, len(ids), took, 1000 * took / len(ids)))


def case_retry():
    grant()
    p = start("retry", "main", 20, "retry")
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err.decode()
    lines = [l.split() for l in out.decode().splitlines()
             if l.startswith("done")]
    assert [l[2] for l in lines] == ["added", "again"] * 20, lines
    ids = check_whole("retry", "main")
    assert ids == [l[1] for l in lines[::2]]
    print("20 runs recorded twice each as the runner role: 20 stored, "
          "every second attempt a success that added nothing")


def case_kill():
    grant()
    rng = random.Random(SEED)
    committed, inside = set(), 0
    t0 = time.monotonic()
    for k in range(KILLS):
        p = start("kill", "main", 0)
        # Once the client is connected and recording (its first "begin"),
        # whatever its start-up costs (a sanitizer build is slower).
        first = p.stdout.readline()
        assert first == b"begin\n", (first, p.stderr.read())
        time.sleep(rng.uniform(0.0, 0.1))
        p.send_signal(signal.SIGKILL)
        out, _ = p.communicate()
        lines = (first + out).decode().splitlines()
        committed |= {l.split()[1] for l in lines if l.startswith("done")}
        if lines and lines[-1] == "begin":
            inside += 1
    ids = set(check_whole("kill", "main"))
    assert committed <= ids, "a run the client saw stored is gone"
    # At most one run per kill may be stored without the client knowing.
    assert len(ids - committed) <= KILLS
    print("%d kills (seed %d, 0-100 ms into recording) in %.1f s: %d landed "
          "inside a record; %d runs stored, all whole, none lost; %d "
          "committed as the client died" % (KILLS, SEED,
                                            time.monotonic() - t0, inside,
                                            len(ids), len(ids - committed)))
    assert inside >= KILLS // 2, "too few kills inside a record"


def case_password():
    grant()
    secret = "runner-Secr3t-pw"
    assert secret in RUNNER
    wrong = RUNNER.replace(secret, "Wr0ng-" + secret)
    for loc in (wrong, wrong + " dbname=nosuchdb",
                "postgresql://cstat_runner:%s@/cstat_test?host=/nonexistent"
                % secret, "host=/nonexistent password='%s" % secret):
        r = subprocess.run([DRIVER, "read", loc, "main"],
                           capture_output=True, text=True)
        assert r.returncode == 1, r
        assert secret not in r.stderr and secret not in r.stdout, r.stderr
        print("refused without the password:", r.stderr.strip())


def case_cbaseline():
    cb = sys.argv[4]
    grant()
    uri = os.environ["CSTAT_TEST_PG_URI"]
    ex = os.path.join(TESTDATA, "examples")
    inputs = [os.path.join(ex, "old.txt"), os.path.join(ex, "new.txt")]
    steps = []
    for i in range(6):
        steps.append(("record", "-m", "created=2026-11-0%dT10:00:00Z" % (i + 1),
                      "-m", "commit=c%d" % i, "main", inputs[i % 2]))
    steps += [
        ("save", "-m", "created=2026-11-02T10:00:00Z", "main", inputs[0]),
        ("save", "-m", "created=2026-11-03T10:00:00Z", "other", inputs[1]),
        ("history", "main"), ("history", "-format", "markdown", "main"),
        ("history", "-format", "json", "main"),
        ("show", "main"), ("show", "-format", "csv", "other"),
        ("list",), ("list", "-format", "json"),
        ("compare", "main", inputs[1]), ("gate", "main", inputs[1]),
        ("detect", "main"), ("detect", "-format", "json", "main"),
        ("export", "-format", "csv", "main"),
        ("export", "-format", "json", "main"),
        ("export", "-format", "html", "main"),
        ("detect", "-format", "markdown", "main"),
        ("rm", "other"), ("rm", "other"), ("show", "other"), ("list",),
        ("prune", "-keep", "3", "main"), ("history", "main"),
        ("history", "none"), ("record", "bad name", inputs[0]),
    ]
    fs = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                      "cstat-pg-fs-%d" % os.getpid())
    same = 0
    try:
        for step in steps:
            out = []
            # A report may name the store (gate names its history).
            for store, named in ((fs, fs), (OWNER, "[%s]" % OWNER)):
                r = subprocess.run([cb, "-store", store] + list(step),
                                   capture_output=True)
                out.append((r.returncode, r.stdout.replace(
                    named.encode(), b"STORE")))
            assert out[0] == out[1], "%s: file store %r, database %r" % (
                step, out[0], out[1])
            same += 1
        # The runner role records by URI; its password shows nowhere.
        r = subprocess.run([cb, "-store", uri, "record", "main", inputs[0]],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert "Secr3t" not in r.stderr + r.stdout, r.stderr
        assert "recorded a run in [postgresql://cstat_runner@/" in r.stderr
        r = subprocess.run([cb, "-store", OWNER, "merge", fs],
                           capture_output=True, text=True)
        assert r.returncode == 2 and "not" in r.stderr, r
    finally:
        subprocess.run(["rm", "-rf", fs])
    print("%d cbaseline commands: the same exit status and stdout on a "
          "store directory and on PostgreSQL" % same)


{"cbaseline": case_cbaseline, "concurrent": case_concurrent, "retry": case_retry, "kill": case_kill,
 "password": case_password}[CASE]()
