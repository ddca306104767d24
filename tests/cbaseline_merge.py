#!/usr/bin/env python3
"""Tests of cbaseline merge and the CI recipes built on it (docs/cbaseline.md,
"Merging stores" and "Keeping the store in CI").

usage: cbaseline_merge.py CBASELINE SOURCE_ROOT NAME

diverged      two stores grown from one ancestor (1 run) by 20 runs each
              merge into one with all 41 runs, either way round, twice,
              byte for byte the same; baselines too
ids           1,000 records by 4 concurrent writers: 1,000 distinct ids
old_records   records written before ids (none) merge idempotently
refusals      links in the other store, unknown schemas, not a store,
              usage; cut-short records left out
git_recipe    tools/cbaseline-git-store.sh with local bare repositories: two
              clones record and push, the second push is rejected, it
              fetches, merges and pushes; then 2 x 5 concurrent pushes
cache_recipe  tools/cbaseline-cache-records.sh with a stand-in for gh: two
              jobs restore one cache at once, the next job has both runs

Each test works in a fresh temporary directory.  With
CBASELINE_TEST_STORE=postgresql (and tests/pgcluster.py's CSTAT_TEST_PG),
diverged, ids, old_records and refusals merge into and record into
databases (each store merged into a database of its own in the cluster)
with the same expectations, the stores read back through a merge into an
empty directory.  The two CI recipes keep copies of a store directory in a
git branch or a CI cache and merge them; a shared database is what
replaces them (docs/cbaseline.md), so they have no database form.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

CB = ROOT = None
OLD = NEW = None


def run(args, cwd, env=None, check=True):
    e = dict(os.environ)
    for k in ("GITHUB_SHA", "GITHUB_REF_NAME", "CI_COMMIT_SHA",
              "CI_COMMIT_REF_NAME", "CSTAT_STORE"):
        e.pop(k, None)
    e.update(env or {})
    p = subprocess.run(args, cwd=cwd, capture_output=True, timeout=300,
                       env=e)
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    if check and p.returncode != 0:
        raise AssertionError("%s: exit %d\n%s%s" %
                             (" ".join(args), p.returncode, out, err))
    return p.returncode, out, err


def cb(args, cwd, check=True):
    return run([CB] + args, cwd, check=check)


PG = (os.environ.get("CSTAT_TEST_PG")
      if os.environ.get("CBASELINE_TEST_STORE") == "postgresql" else None)
DBS = {}


def db(name):
    """The location of store name as a database of its own (made on first
    use) in the cluster of PG."""
    if name not in DBS:
        dbname = "cstat_merge_%d" % len(DBS)
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d",
                        PG, "-c", "CREATE DATABASE " + dbname], check=True,
                       capture_output=True)
        DBS[name] = re.sub(r"dbname=\S+", "dbname=" + dbname, PG)
    return DBS[name]


def dump(d, loc):
    """A new directory holding what the store at loc holds (merged into
    it, which writes a history in its order and a baseline as it is)."""
    out = tempfile.mkdtemp(dir=d, prefix="dump-")
    cb(["-store", out, "merge", loc], d)
    return out


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def doc():
    return open(os.path.join(ROOT, "docs", "cbaseline.md"),
                encoding="utf-8").read()


def yaml_run(name):
    """The shell of the docs' workflow step called name (its run:)."""
    text = doc()
    lines = text[text.index("- name: " + name + "\n"):].split("\n")[1:]
    for i, l in enumerate(lines):
        if l.strip().startswith("run:"):
            break
    else:
        raise AssertionError("step %s has no run" % name)
    if l.strip() != "run: |":
        return l.strip()[len("run:"):].strip() + "\n"
    indent = len(lines[i + 1]) - len(lines[i + 1].lstrip())
    out = []
    for l in lines[i + 1:]:
        if len(l) - len(l.lstrip()) < indent or not l.strip():
            break
        out.append(l[indent:])
    return "\n".join(out) + "\n"


def sh_block(after):
    """The first ```sh block of the docs after the text after."""
    text = doc()
    at = text.index("```sh\n", text.index(after)) + len("```sh\n")
    return text[at:text.index("```", at)]


def check_quoted(script):
    """The docs quote tools/SCRIPT whole, as the test runs it."""
    body = open(os.path.join(ROOT, "tools", script)).read()
    expect(sh_block("The script (`tools/%s`):" % script) == body,
           "docs/cbaseline.md does not quote tools/%s as it is" % script)


def ci_env(d, extra=None):
    """cbaseline on PATH, as in a workflow."""
    bindir = os.path.join(d, "bin")
    if not os.path.exists(os.path.join(bindir, "cbaseline")):
        os.makedirs(bindir, exist_ok=True)
        os.symlink(CB, os.path.join(bindir, "cbaseline"))
    e = {"PATH": bindir + os.pathsep + os.environ["PATH"]}
    e.update(extra or {})
    return e


def read(p):
    with open(p, "rb") as f:
        return f.read()


def ids(store, name="main"):
    p = os.path.join(store, "history", name + ".jsonl")
    return [json.loads(l).get("id") for l in read(p).decode().splitlines()]


def snapshot(store):
    """Every file of a store with its bytes (locks aside)."""
    out = {}
    for base, _, files in os.walk(store):
        for f in files:
            if not f.endswith(".lock"):
                p = os.path.join(base, f)
                out[os.path.relpath(p, store)] = read(p)
    return out


def record(d, store, n, src, t0):
    """n runs of src into store, each with its own creation time."""
    for i in range(n):
        cb(["-store", store, "record", "-m",
            "created=2026-02-%02dT%02d:00:00Z" % (1 + (t0 + i) // 24,
                                                  (t0 + i) % 24),
            "main", src], d)


def test_diverged(d):
    record(d, "anc", 1, OLD, 0)
    cb(["-store", "anc", "save", "-m", "created=2026-02-01T00:00:00Z",
        "main", OLD], d)
    shutil.copytree(os.path.join(d, "anc"), os.path.join(d, "a"))
    shutil.copytree(os.path.join(d, "anc"), os.path.join(d, "b"))
    # Interleaved times: a's runs at even hours, b's at odd ones.
    for i in range(20):
        record(d, "a", 1, OLD, 2 + 2 * i)
        record(d, "b", 1, NEW, 3 + 2 * i)
    cb(["-store", "a", "save", "-m", "created=2026-02-03T00:00:00Z",
        "main", OLD], d)
    cb(["-store", "b", "save", "-m", "created=2026-02-04T00:00:00Z",
        "main", NEW], d)
    for s in ("a", "b"):
        shutil.copytree(os.path.join(d, s), os.path.join(d, s + "0"))
    a_ids, b_ids = set(ids(os.path.join(d, "a0"))), set(
        ids(os.path.join(d, "b0")))
    expect(len(a_ids) == 21 and len(b_ids) == 21 and
           len(a_ids & b_ids) == 1, "41 distinct runs before merging")
    # b into a, and a into b, each twice.
    for _ in range(2):
        rc, _, err = cb(["-store", "a", "merge", "b0"], d)
        cb(["-store", "b", "merge", "a0"], d)
    expect("0 new runs, 41 in all" in err, "the second merge: " + err)
    sa, sb = snapshot(os.path.join(d, "a")), snapshot(os.path.join(d, "b"))
    expect(sa == sb, "a+b and b+a differ: %s" % sorted(
        k for k in sa if sa.get(k) != sb.get(k)))
    got = ids(os.path.join(d, "a"))
    expect(len(got) == 41 and set(got) == a_ids | b_ids,
           "merged: %d runs, want the 41 of both" % len(got))
    # The history's order: by creation time (the runs interleave).
    times = [json.loads(l)["created"] for l in
             read(os.path.join(d, "a", "history", "main.jsonl")).decode()
             .splitlines()]
    expect(times == sorted(times), "not in time order")
    expect(read(os.path.join(d, "a", "baselines", "main.json")) ==
           read(os.path.join(d, "b0", "baselines", "main.json")),
           "the newer baseline (b's) stays")
    # The ancestor merged with each in turn, in either order, too.
    for order in (("a0", "b0"), ("b0", "a0")):
        c = "c-" + order[0]
        shutil.copytree(os.path.join(d, "anc"), os.path.join(d, c))
        for s in order:
            cb(["-store", c, "merge", s], d)
        expect(snapshot(os.path.join(d, c)) == sa, "order %s" % (order,))
    # One history by file, into a store that has none.
    cb(["-store", "e", "merge", "main", "b0/history/main.jsonl"], d)
    cb(["-store", "e", "merge", "main", "a0/history/main.jsonl"], d)
    expect(read(os.path.join(d, "e", "history", "main.jsonl")) ==
           sa[os.path.join("history", "main.jsonl")], "merge NAME FILE")
    # One baseline by file: the newer (b's) stays, either way round.
    cb(["-store", "e", "merge", "main", "b0/baselines/main.json"], d)
    rc, _, err = cb(["-store", "e", "merge", "main",
                     "a0/baselines/main.json"], d)
    expect("kept ours" in err and snapshot(os.path.join(d, "e")) == sa,
           "merge NAME FILE.json: " + err)
    # A merge that changes nothing leaves the file alone.
    p = os.path.join(d, "a", "history", "main.jsonl")
    before = os.stat(p)
    cb(["-store", "a", "merge", "b"], d)
    after = os.stat(p)
    expect((before.st_ino, before.st_mtime_ns) ==
           (after.st_ino, after.st_mtime_ns), "rewritten unchanged")
    rc, out, _ = cb(["-store", "a", "history", "main"], d)
    expect("41 runs" in out, "history of the merged store: " + out[:80])
    print("41 runs (1 + 20 + 20), merged both ways twice: identical")


def test_ids(d):
    procs = [subprocess.Popen(
        ["sh", "-c", "for i in $(seq 250); do \"$0\" -store s record "
         "main \"$1\" 2>/dev/null || exit 1; done", CB, OLD], cwd=d)
        for _ in range(4)]
    expect(all(p.wait() == 0 for p in procs), "a record failed")
    got = ids(os.path.join(d, "s"))
    expect(len(got) == 1000, "%d records" % len(got))
    expect(all(re.fullmatch(r"[0-9a-f]{32}", i) for i in got),
           "an id is not 32 hex digits")
    expect(len(set(got)) == 1000, "%d distinct ids" % len(set(got)))
    cb(["-store", "s", "save", "main", OLD], d)
    b = json.load(open(os.path.join(d, "s", "baselines", "main.json")))
    expect(re.fullmatch(r"[0-9a-f]{32}", b["id"]) and b["id"] not in got,
           "the baseline's id")
    print("1000 records by 4 concurrent writers: 1000 distinct ids")


def strip_ids(src, dst, lines):
    """History dst: the records lines of src as written before ids."""
    text = read(src).decode().splitlines()
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, "w") as f:
        for i in lines:
            f.write(re.sub(r'"id":"[0-9a-f]{32}",', "", text[i]) + "\n")


def test_old_records(d):
    record(d, "s", 20, OLD, 0)
    src = os.path.join(d, "s", "history", "main.jsonl")
    strip_ids(src, os.path.join(d, "o1", "history", "main.jsonl"),
              range(0, 15))
    strip_ids(src, os.path.join(d, "o2", "history", "main.jsonl"),
              range(5, 20))
    expect(b'"id"' not in read(os.path.join(d, "o1", "history",
                                            "main.jsonl")), "ids stripped")
    # o2 also has new runs, with ids.
    record(d, "o2", 3, NEW, 30)
    for s in ("o1", "o2"):
        shutil.copytree(os.path.join(d, s), os.path.join(d, s + "x"))
    for _ in range(2):
        cb(["-store", "o1", "merge", "o2x"], d)
        cb(["-store", "o2", "merge", "o1x"], d)
    a = read(os.path.join(d, "o1", "history", "main.jsonl"))
    expect(a == read(os.path.join(d, "o2", "history", "main.jsonl")),
           "old records: either way round")
    expect(len(a.splitlines()) == 23, "%d records, want 20 + 3" %
           len(a.splitlines()))
    # Old records are copied as they were, not given ids.
    expect(a.count(b'"id"') == 3, "old records changed")
    rc, _, err = cb(["-store", "o1", "merge", "main",
                     "o1x/history/main.jsonl"], d)
    expect("0 new runs, 23 in all" in err, err)
    print("20 old records without ids + 3 new: 23, idempotent")


def test_refusals(d):
    record(d, "ours", 2, OLD, 0)
    record(d, "other", 2, NEW, 10)
    ours = snapshot(os.path.join(d, "ours"))
    bad = os.path.join(d, "bad")
    # A link to a history, then a link as the history folder, then the
    # store itself a link: refused, nothing written (not even the
    # history that is fine).
    shutil.copytree(os.path.join(d, "other"), bad)
    with open(os.path.join(d, "outside.jsonl"), "w") as f:
        f.write(open(os.path.join(bad, "history", "main.jsonl")).read())
    os.symlink(os.path.join(d, "outside.jsonl"),
               os.path.join(bad, "history", "x.jsonl"))
    for src in ("bad", "bad-dir", "bad-store"):
        if src == "bad-dir":
            os.makedirs(os.path.join(d, src))
            os.symlink(os.path.join(d, "other", "history"),
                       os.path.join(d, src, "history"))
        if src == "bad-store":
            os.symlink(os.path.join(d, "other"), os.path.join(d, src))
        rc, _, err = cb(["-store", "ours", "merge", src], d, check=False)
        expect(rc == 2 and "symbolic link" in err,
               "%s: exit %d: %s" % (src, rc, err))
        expect(snapshot(os.path.join(d, "ours")) == ours,
               "%s: our store changed" % src)
    rc, _, err = cb(["-store", "ours", "merge", "main", "outside.jsonl"], d)
    os.symlink("outside.jsonl", os.path.join(d, "link.jsonl"))
    rc, _, err = cb(["-store", "ours", "merge", "main", "link.jsonl"], d,
                    check=False)
    expect(rc == 2 and "symbolic link" in err, "a linked file: " + err)
    ours = snapshot(os.path.join(d, "ours"))
    # A record of a newer schema: refused, nothing written.
    with open(os.path.join(d, "newer.jsonl"), "w") as f:
        f.write('{"schema":"cstat-run/2","groups":[]}\n')
    rc, _, err = cb(["-store", "ours", "merge", "main", "newer.jsonl"], d,
                    check=False)
    expect(rc == 2 and "newer" in err, "newer schema: " + err)
    expect(snapshot(os.path.join(d, "ours")) == ours, "changed by newer")
    # A record cut short: said, and left out.
    with open(os.path.join(d, "cut.jsonl"), "w") as f:
        f.write(open(os.path.join(d, "other", "history",
                                  "main.jsonl")).read())
        f.write('{"schema":"cstat-run/1","gro')
    rc, _, err = cb(["-store", "ours", "merge", "main", "cut.jsonl"], d)
    expect("cut short" in err and "0 new runs, 4 in all" in err, err)
    expect(b"gro\n" not in read(os.path.join(d, "ours", "history",
                                              "main.jsonl")), "stub kept")
    # Not a store, usage, help.
    os.makedirs(os.path.join(d, "empty"))
    for args in (["empty"], ["nowhere"], [], ["a", "b", "c"],
                 ["bad/name", "cut.jsonl"]):
        rc, _, err = cb(["-store", "ours", "merge"] + args, d, check=False)
        expect(rc == 2 and err, "merge %s: exit %d" % (args, rc))
    for args in (["-h"], ["other", "--help"], ["main", "x.jsonl", "-help"]):
        rc, out, _ = cb(["merge"] + args, d)
        expect(rc == 0 and out.startswith("Usage: cbaseline"),
               "merge %s" % args)
    rc, _, err = cb(["-store", "ours", "merge", "other", "-x"], d,
                    check=False)
    expect(rc == 2 and "-x" in err, "an unknown flag: " + err)
    print("links, a newer schema, not a store, usage: refused; stubs "
          "left out")


# ---------------------------------------------------------------------------
# The CI recipes

def git(args, cwd, env=None):
    return run(["git"] + args, cwd, env)


def clone(d, bare, name, branch=None):
    git(["clone", "-q"] + (["-b", branch] if branch else []) + [bare, name],
        d)
    c = os.path.join(d, name)
    git(["config", "user.name", "t"], c)
    git(["config", "user.email", "t@t"], c)
    return c


def git_store(c, run_store, tree, env=None):
    e = {"CBASELINE": CB, "CSTAT_PUSH_WAIT": "0"}
    e.update(env or {})
    return run(["sh", os.path.join(ROOT, "tools", "cbaseline-git-store.sh"),
                run_store, tree], c, e)


def branch_ids(d, bare):
    if os.path.exists(os.path.join(d, "check")):
        shutil.rmtree(os.path.join(d, "check"))
    git(["clone", "-q", "-b", "cstat-store", bare, "check"], d)
    return ids(os.path.join(d, "check"))


def test_git_recipe(d):
    bare = "file://" + os.path.join(d, "store.git")
    git(["init", "-q", "--bare", "store.git"], d)
    seed = clone(d, bare, "seed")
    with open(os.path.join(seed, "README"), "w") as f:
        f.write("code\n")
    git(["add", "README"], seed)
    git(["commit", "-q", "-m", "code"], seed)
    git(["push", "-q", "origin", "HEAD:refs/heads/main"], seed)
    a, b = clone(d, bare, "a", "main"), clone(d, bare, "b", "main")
    check_quoted("cbaseline-git-store.sh")
    # Each job runs the docs' step: record into a store of its own, save,
    # publish with the script (copied into the repository, as the docs
    # say), detect.
    step = yaml_run("Record the run on branch cstat-store")
    for c, src in ((a, OLD), (b, NEW)):
        os.makedirs(os.path.join(c, "tools"))
        shutil.copy(os.path.join(ROOT, "tools", "cbaseline-git-store.sh"),
                    os.path.join(c, "tools"))
        shutil.copy(src, os.path.join(c, "bench.txt"))
        os.makedirs(os.path.join(c, "tmp"))
        with open(os.path.join(c, "job.sh"), "w") as f:
            f.write(step)
    env = lambda c: ci_env(d, {"RUNNER_TEMP": os.path.join(c, "tmp"),
                               "CSTAT_PUSH_WAIT": "0"})
    # b fetches and commits; before its push lands, a pushes (a pre-push
    # hook runs a's job), so b's push is rejected and b goes again.
    hook = os.path.join(b, ".git", "hooks", "pre-push")
    with open(hook, "w") as f:
        f.write("#!/bin/sh\n[ -e '%s/a-done' ] && exit 0\n"
                "touch '%s/a-done'\n"
                "unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX\n"
                "cd '%s' && RUNNER_TEMP='%s' sh job.sh >'%s/a.log' 2>&1\n" %
                (d, d, a, os.path.join(a, "tmp"), d))
    os.chmod(hook, 0o755)
    rc, _, err = run(["sh", "job.sh"], b, env(b))
    expect("push rejected" in err and "pushed to cstat-store (try 2)" in
           err, "b: " + err)
    expect("pushed to cstat-store (try 1)" in
           open(os.path.join(d, "a.log")).read(), "a pushed first")
    want = set(ids(os.path.join(a, "tmp", "run"))) | set(
        ids(os.path.join(b, "tmp", "run")))
    got = branch_ids(d, bare)
    expect(set(got) == want and len(got) == 2, "branch: %s" % got)
    expect(not [f for f in snapshot(os.path.join(d, "check"))
                if f.endswith(".lock") or ".tmp." in f],
           "locks or temporaries committed")
    # The branch's worktree is the merged store.
    rc, out, _ = cb(["-store", "tmp/store", "history", "main"], b)
    expect("2 runs" in out, "b's tree: " + out[:60])
    # Again, now: nothing to push.
    rc, _, err = git_store(b, os.path.join(b, "tmp", "run"),
                           os.path.join(b, "tmp", "store"))
    expect("already has these runs" in err, err)
    # A pull request reads the branch, as the docs show.
    pr = clone(d, bare, "pr", "main")
    shutil.copy(NEW, os.path.join(pr, "bench.txt"))
    os.makedirs(os.path.join(pr, "tmp"))
    rc, out, err = run(["sh", "-c", sh_block("A pull request reads the "
                                             "branch")], pr,
                       ci_env(d, {"RUNNER_TEMP": os.path.join(pr, "tmp")}),
                       check=False)
    expect(rc in (0, 1) and "cregress:" in out + err,
           "the pull request's gate: exit %d\n%s%s" % (rc, out, err))
    # Real races: both clones, 5 jobs each, at the same time.
    os.remove(hook)
    script = ("for i in 1 2 3 4 5; do rm -rf run; "
              "\"$0\" -store run record -m created=2026-03-0${i}T00:00:0$1Z "
              "main \"$2\" 2>/dev/null && CBASELINE=\"$0\" "
              "CSTAT_PUSH_WAIT=0 CSTAT_PUSH_TRIES=30 sh \"$3\" run "
              ".cstat-branch 2>>../race-$1.log || exit 1; "
              "cat run/history/main.jsonl >>../race-$1.jsonl; done")
    procs = [subprocess.Popen(
        ["sh", "-c", script, CB, str(k), src,
         os.path.join(ROOT, "tools", "cbaseline-git-store.sh")], cwd=c)
        for k, (c, src) in enumerate(((a, OLD), (b, NEW)))]
    expect(all(p.wait() == 0 for p in procs), "a racing job failed")
    raced = set()
    rejected = 0
    for k in range(2):
        raced |= {json.loads(l)["id"] for l in
                  open(os.path.join(d, "race-%d.jsonl" % k))}
        rejected += open(os.path.join(d, "race-%d.log" % k)).read().count(
            "push rejected")
    got = branch_ids(d, bare)
    expect(set(got) == want | raced and len(got) == 12,
           "after the race: %d runs, want 12" % len(got))
    print("git branch: 2 jobs, b rejected once and merged; then 2 x 5 "
          "racing jobs (%d rejected pushes): all 12 runs" % rejected)


FAKE_GH = r'''#!/usr/bin/env python3
# gh api, as the recipe uses it, served from $FAKE_GH_DIR.
import json, os, subprocess, sys
d = os.environ["FAKE_GH_DIR"]
a = sys.argv[1:]
assert a[0] == "api", a
a = [x for x in a[1:] if x != "--paginate"]
path = a[0]
if path.endswith("/zip"):
    art = path.split("/")[-2]
    sys.stdout.buffer.write(open(os.path.join(d, art + ".zip"), "rb").read())
    sys.exit(0)
assert path.startswith("repos/" + os.environ["GITHUB_REPOSITORY"] +
                       "/actions/artifacts?"), path
assert a[1] == "--jq", a
listing = open(os.path.join(d, "artifacts.json"), "rb").read()
sys.exit(subprocess.run(["jq", "-r", a[2]], input=listing).returncode)
'''


class GitHub:
    """The cache (per-run keys, restore-keys picks the newest) and the
    artifacts of a repository, as directories."""

    def __init__(self, d):
        self.d = d
        self.cache = []  # (key, directory), oldest first
        self.gh = os.path.join(d, "gh-data")
        os.makedirs(self.gh)
        self.artifacts = []
        bindir = os.path.join(d, "bin")
        os.makedirs(bindir)
        with open(os.path.join(bindir, "gh"), "w") as f:
            f.write(FAKE_GH)
        os.chmod(os.path.join(bindir, "gh"), 0o755)
        self.env = {"PATH": bindir + os.pathsep + os.environ["PATH"],
                    "FAKE_GH_DIR": self.gh, "GITHUB_REPOSITORY": "o/r",
                    "GITHUB_REF_NAME": "main", "CBASELINE": CB}
        self.publish()

    def publish(self):
        with open(os.path.join(self.gh, "artifacts.json"), "w") as f:
            json.dump({"total_count": len(self.artifacts),
                       "artifacts": self.artifacts}, f)

    def restore(self, job, prefix="cstat-"):
        for key, src in reversed(self.cache):
            if key.startswith(prefix):
                shutil.copytree(src, os.path.join(job, ".cstat"))
                return key
        return None

    def save(self, job, key):
        dst = os.path.join(self.d, "cache", key)
        shutil.copytree(os.path.join(job, ".cstat"), dst)
        self.cache.append((key, dst))

    def upload(self, job, name, path, branch="main", fork=False):
        art = str(100 + len(self.artifacts))
        with zipfile.ZipFile(os.path.join(self.gh, art + ".zip"), "w") as z:
            for base, _, files in os.walk(os.path.join(job, path)):
                for f in files:
                    p = os.path.join(base, f)
                    z.write(p, os.path.relpath(p, os.path.join(job, path)))
        self.artifacts.append({
            "id": int(art), "name": name, "expired": False,
            "workflow_run": {"id": int(art), "head_branch": branch,
                             "repository_id": 1,
                             "head_repository_id": 2 if fork else 1}})
        self.publish()


def job_start(gh, d, run_id):
    """The workflow's steps before the benchmarks: restore the newest
    cache, merge the runs other jobs uploaded."""
    job = os.path.join(d, "job-%d" % run_id)
    os.makedirs(job)
    gh.restore(job)
    step = yaml_run("Merge the runs of jobs the restored cache lacks")
    expect(step == "sh tools/cbaseline-cache-records.sh .cstat\n", step)
    run(["sh", os.path.join(ROOT, "tools", "cbaseline-cache-records.sh"),
         ".cstat"], job, gh.env)
    return job


def job_end(gh, job, run_id, src, t0):
    """Record (into a store of the job's own, merged into the cached one),
    upload the job's store, save the cache under the run's key."""
    shutil.copy(src, os.path.join(job, "bench.txt"))
    run(["sh", "-c", yaml_run("Record")], job, ci_env(gh.d))
    gh.upload(job, "cstat-run-%d-1" % run_id, "run-store")
    gh.save(job, "cstat-%d-1" % run_id)
    return ids(os.path.join(job, "run-store"))[0]


def test_cache_recipe(d):
    if not shutil.which("jq") or not shutil.which("unzip"):
        print("jq or unzip missing: skipped")
        sys.exit(77)
    check_quoted("cbaseline-cache-records.sh")
    gh = GitHub(d)
    r0 = job_end(gh, job_start(gh, d, 1), 1, OLD, 0)
    # Two jobs at once: both restore job 1's cache.
    j2, j3 = job_start(gh, d, 2), job_start(gh, d, 3)
    r2 = job_end(gh, j2, 2, NEW, 1)
    r3 = job_end(gh, j3, 3, OLD, 2)
    newest = set(ids(os.path.join(d, "cache", "cstat-3-1")))
    expect(r2 not in newest, "the newest cache should lack job 2's run")
    # A fork's artifact of the same name pattern: never merged.
    fork = os.path.join(d, "fork")
    os.makedirs(fork)
    record(fork, "run-store", 1, NEW, 9)
    rf = ids(os.path.join(fork, "run-store"))[0]
    gh.upload(fork, "cstat-run-99-1", "run-store", fork=True)
    j4 = job_start(gh, d, 4)
    r4 = job_end(gh, j4, 4, NEW, 3)
    got = ids(os.path.join(j4, ".cstat"))
    expect(sorted(got) == sorted({r0, r2, r3, r4}),
           "job 4: %d runs, want 4 (none lost, no fork's)" % len(got))
    expect(rf not in got, "a fork's run merged")
    print("cache: jobs 2 and 3 restored one cache; job 4 has all 4 runs")


# ---------------------------------------------------------------------------
# The same merges into databases (CBASELINE_TEST_STORE=postgresql).

def pg_diverged(d):
    # test_diverged with a and b databases: each starts as the directory
    # of its name, then b's copy goes into a and a's into b, twice.
    record(d, "anc", 1, OLD, 0)
    cb(["-store", "anc", "save", "-m", "created=2026-02-01T00:00:00Z",
        "main", OLD], d)
    shutil.copytree(os.path.join(d, "anc"), os.path.join(d, "a0"))
    shutil.copytree(os.path.join(d, "anc"), os.path.join(d, "b0"))
    for i in range(20):
        record(d, "a0", 1, OLD, 2 + 2 * i)
        record(d, "b0", 1, NEW, 3 + 2 * i)
    cb(["-store", "a0", "save", "-m", "created=2026-02-03T00:00:00Z",
        "main", OLD], d)
    cb(["-store", "b0", "save", "-m", "created=2026-02-04T00:00:00Z",
        "main", NEW], d)
    a, b = db("a"), db("b")
    cb(["-store", a, "merge", "a0"], d)
    cb(["-store", b, "merge", "b0"], d)
    for _ in range(2):
        rc, _, err = cb(["-store", a, "merge", "b0"], d)
        cb(["-store", b, "merge", "a0"], d)
    expect("0 new runs, 41 in all" in err, "the second merge: " + err)
    sa, sb = snapshot(dump(d, a)), snapshot(dump(d, b))
    expect(sa == sb, "a+b and b+a differ: %s" % sorted(
        k for k in sa if sa.get(k) != sb.get(k)))
    # What the file merge makes of the two directories.
    shutil.copytree(os.path.join(d, "a0"), os.path.join(d, "files"))
    cb(["-store", "files", "merge", "b0"], d)
    expect(snapshot(os.path.join(d, "files")) == sa, "not the file merge's")
    got = [json.loads(l).get("id") for l in
           sa[os.path.join("history", "main.jsonl")].decode().splitlines()]
    expect(len(got) == 41, "merged: %d runs, want 41" % len(got))
    expect(sa[os.path.join("baselines", "main.json")] ==
           read(os.path.join(d, "b0", "baselines", "main.json")),
           "the newer baseline (b's) stays")
    # One history and one baseline by file, into a database.
    e = db("e")
    cb(["-store", e, "merge", "main", "b0/history/main.jsonl"], d)
    cb(["-store", e, "merge", "main", "a0/history/main.jsonl"], d)
    cb(["-store", e, "merge", "main", "b0/baselines/main.json"], d)
    rc, _, err = cb(["-store", e, "merge", "main",
                     "a0/baselines/main.json"], d)
    expect("kept ours" in err and snapshot(dump(d, e)) == sa,
           "merge NAME FILE into a database: " + err)
    rc, out, _ = cb(["-store", a, "history", "main"], d)
    expect("41 runs" in out, "history of the merged database: " + out[:80])
    print("41 runs (1 + 20 + 20) merged into two databases both ways "
          "twice: identical, and the file merge's")


def pg_ids(d):
    # test_ids with the writers recording into one database.
    s = db("s")
    procs = [subprocess.Popen(
        ["sh", "-c", "for i in $(seq 250); do \"$0\" -store \"$2\" record "
         "main \"$1\" 2>/dev/null || exit 1; done", CB, OLD, s], cwd=d)
        for _ in range(4)]
    expect(all(p.wait() == 0 for p in procs), "a record failed")
    got = ids(dump(d, s))
    expect(len(got) == 1000, "%d records" % len(got))
    expect(all(re.fullmatch(r"[0-9a-f]{32}", i) for i in got),
           "an id is not 32 hex digits")
    expect(len(set(got)) == 1000, "%d distinct ids" % len(set(got)))
    print("1000 records by 4 concurrent writers into a database: 1000 "
          "distinct ids")


def pg_old_records(d):
    # test_old_records with o1 and o2 databases.
    record(d, "s", 20, OLD, 0)
    src = os.path.join(d, "s", "history", "main.jsonl")
    strip_ids(src, os.path.join(d, "o1x", "history", "main.jsonl"),
              range(0, 15))
    strip_ids(src, os.path.join(d, "o2x", "history", "main.jsonl"),
              range(5, 20))
    record(d, "o2x", 3, NEW, 30)
    o1, o2 = db("o1"), db("o2")
    cb(["-store", o1, "merge", "o1x"], d)
    cb(["-store", o2, "merge", "o2x"], d)
    for _ in range(2):
        cb(["-store", o1, "merge", "o2x"], d)
        cb(["-store", o2, "merge", "o1x"], d)
    a = read(os.path.join(dump(d, o1), "history", "main.jsonl"))
    expect(a == read(os.path.join(dump(d, o2), "history", "main.jsonl")),
           "old records: either way round")
    expect(len(a.splitlines()) == 23, "%d records, want 20 + 3" %
           len(a.splitlines()))
    expect(a.count(b'"id"') == 3, "old records changed")
    rc, _, err = cb(["-store", o1, "merge", "main",
                     "o1x/history/main.jsonl"], d)
    expect("0 new runs, 23 in all" in err, err)
    print("20 old records without ids + 3 new, in databases: 23, "
          "idempotent")


def pg_refusals(d):
    # test_refusals with ours a database: what is refused leaves it as it
    # was (read back through a merge into an empty directory).
    record(d, "ours0", 2, OLD, 0)
    record(d, "other", 2, NEW, 10)
    ours = db("ours")
    cb(["-store", ours, "merge", "ours0"], d)
    before = snapshot(dump(d, ours))
    bad = os.path.join(d, "bad")
    shutil.copytree(os.path.join(d, "other"), bad)
    with open(os.path.join(d, "outside.jsonl"), "w") as f:
        f.write(open(os.path.join(bad, "history", "main.jsonl")).read())
    os.symlink(os.path.join(d, "outside.jsonl"),
               os.path.join(bad, "history", "x.jsonl"))
    os.makedirs(os.path.join(d, "bad-dir"))
    os.symlink(os.path.join(d, "other", "history"),
               os.path.join(d, "bad-dir", "history"))
    os.symlink(os.path.join(d, "other"), os.path.join(d, "bad-store"))
    for src in ("bad", "bad-dir", "bad-store"):
        rc, _, err = cb(["-store", ours, "merge", src], d, check=False)
        expect(rc == 2 and "symbolic link" in err,
               "%s: exit %d: %s" % (src, rc, err))
        expect(snapshot(dump(d, ours)) == before,
               "%s: the database changed" % src)
    os.symlink("outside.jsonl", os.path.join(d, "link.jsonl"))
    rc, _, err = cb(["-store", ours, "merge", "main", "link.jsonl"], d,
                    check=False)
    expect(rc == 2 and "symbolic link" in err, "a linked file: " + err)
    with open(os.path.join(d, "newer.jsonl"), "w") as f:
        f.write('{"schema":"cstat-run/2","groups":[]}\n')
    rc, _, err = cb(["-store", ours, "merge", "main", "newer.jsonl"], d,
                    check=False)
    expect(rc == 2 and "newer" in err, "newer schema: " + err)
    expect(snapshot(dump(d, ours)) == before, "changed by newer")
    with open(os.path.join(d, "cut.jsonl"), "w") as f:
        f.write(open(os.path.join(d, "other", "history",
                                  "main.jsonl")).read())
        f.write('{"schema":"cstat-run/1","gro')
    rc, _, err = cb(["-store", ours, "merge", "main", "cut.jsonl"], d)
    expect("cut short" in err and "2 new runs, 4 in all" in err, err)
    got = read(os.path.join(dump(d, ours), "history", "main.jsonl"))
    expect(b"gro\n" not in got and len(got.splitlines()) == 4, "stub kept")
    os.makedirs(os.path.join(d, "empty"))
    for args in (["empty"], ["nowhere"], [], ["a", "b", "c"],
                 ["bad/name", "cut.jsonl"]):
        rc, _, err = cb(["-store", ours, "merge"] + args, d, check=False)
        expect(rc == 2 and err, "merge %s: exit %d" % (args, rc))
    print("merging into a database: links, a newer schema, not a store, "
          "usage refused; stubs left out")


def main():
    global CB, ROOT, OLD, NEW
    CB, ROOT = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    OLD = os.path.join(ROOT, "testdata", "examples", "old.txt")
    NEW = os.path.join(ROOT, "testdata", "examples", "new.txt")
    with tempfile.TemporaryDirectory() as d:
        name = sys.argv[3]
        globals()[("pg_" if PG else "test_") + name](d)


if __name__ == "__main__":
    main()
