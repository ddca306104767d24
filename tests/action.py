#!/usr/bin/env python3
"""Replays the GitHub Action (action.yml) locally, as a runner would.

Usage: action.py SOURCE_ROOT BUILD_DIR TESTDATA CASE

The action's YAML is read with a YAML parser; its steps run in order under
`bash --noprofile --norc -eo pipefail`, GitHub's shell for composite steps,
with the `${{ inputs.* }}` expressions substituted from the case's inputs
and the action's defaults (any other expression fails the test: the
replay would not be faithful), GITHUB_ACTION_PATH, RUNNER_TEMP and the
GITHUB_STEP_SUMMARY, GITHUB_OUTPUT and GITHUB_ENV files GitHub gives a
step, and what a step writes to GITHUB_ENV passed to the later steps.  The
cases check what the steps write there: the job summary, the outputs, the
annotations on standard output, the JUnit file (parsed as XML) and the
dashboard.  The build step is given BUILD_DIR, which is already built, so
it only checks that it is up to date.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

try:
    import yaml
except ImportError:  # python3-yaml is in .ci/run's and the quick start's list
    print("SKIP: python3-yaml is not installed")
    sys.exit(77)

ROOT, BUILD, TESTDATA, CASE = sys.argv[1:5]
PKGS = "meson ninja-build pkg-config gcc libc6-dev libgsl-dev libcjson-dev libcsv-dev libpq-dev"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def load_action():
    with open(os.path.join(ROOT, "action.yml")) as f:
        return yaml.safe_load(f)


def all_installed():
    """Whether the install step would find every package present."""
    if not shutil.which("dpkg-query"):
        return False
    for p in PKGS.split():
        r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", p],
                           capture_output=True, text=True)
        if "install ok installed" not in r.stdout:
            return False
    return True


def substitute(text, inputs):
    def one(m):
        expr = m.group(1).strip()
        name = re.fullmatch(r"inputs\.([A-Za-z0-9_-]+)", expr)
        if not name or name.group(1) not in inputs:
            raise SystemExit("action.yml uses ${{ %s }}, which this replay "
                             "does not model" % expr)
        return inputs[name.group(1)]
    return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))


def read_kv(path):
    """A GITHUB_OUTPUT or GITHUB_ENV file's NAME=value lines."""
    out = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k] = v
    return out


def replay(inputs, cwd):
    """Runs every step; returns (exit status of the last step run,
    stdout of all steps, job summary, action outputs)."""
    action = load_action()
    values = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    for k, v in action["inputs"].items():
        if v.get("required") and k not in inputs:
            raise SystemExit("required input %s missing" % k)
    for k in inputs:
        check(k in values, "input %s is declared in action.yml" % k)
    values.update(inputs)
    tmp = tempfile.mkdtemp(prefix="gh-", dir=cwd)
    files = {n: os.path.join(tmp, n.lower()) for n in
             ("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT", "GITHUB_ENV")}
    for p in files.values():
        open(p, "w").close()
    base = {k: v for k, v in os.environ.items() if not k.startswith("CSTAT_")}
    base.update(files)
    base.update(GITHUB_ACTION_PATH=ROOT, RUNNER_TEMP=tmp, GITHUB_WORKSPACE=cwd,
                GITHUB_ACTIONS="true")
    stdout, rc, step_outputs = "", 0, {}
    check(action["runs"]["using"] == "composite", "the action is composite")
    for step in action["runs"]["steps"]:
        check(step.get("shell") == "bash", "step %r runs in bash" % step.get("name"))
        env = dict(base)
        env.update(read_kv(files["GITHUB_ENV"]))
        for k, v in (step.get("env") or {}).items():
            env[k] = substitute(v, values)
        open(files["GITHUB_OUTPUT"], "w").close()
        r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail",
                            "-c", substitute(step["run"], values)],
                           cwd=cwd, env=env, capture_output=True, text=True)
        stdout += r.stdout
        sys.stderr.write(r.stderr)
        rc = r.returncode
        if "id" in step:
            step_outputs[step["id"]] = read_kv(files["GITHUB_OUTPUT"])
        if rc != 0:
            break
    outputs = {}
    for k, v in action.get("outputs", {}).items():
        m = re.fullmatch(r"\$\{\{\s*steps\.(\w+)\.outputs\.(\w+)\s*\}\}", v["value"])
        check(m is not None, "output %s is a step output" % k)
        if m:
            outputs[k] = step_outputs.get(m.group(1), {}).get(m.group(2), "")
    with open(files["GITHUB_STEP_SUMMARY"]) as f:
        summary = f.read()
    return rc, stdout, summary, outputs


def common_inputs():
    return {"build-dir": BUILD,
            "install": "true" if all_installed() else "false"}


def junit_failures(path):
    tree = ET.parse(path)
    cases = tree.getroot().iter("testcase")
    names, failed = [], 0
    for c in cases:
        names.append((c.get("classname"), c.get("name")))
        failed += c.find("failure") is not None
    return names, failed


def case_gate_file(cwd):
    """A pull request's results against a baseline file: fails on the
    example's 3 regressions, with every report written."""
    inputs = common_inputs()
    inputs.update(results=os.path.join(TESTDATA, "cregress", "new.txt"),
                  baseline=os.path.join(TESTDATA, "cregress", "base.txt"))
    rc, out, summary, outputs = replay(inputs, cwd)
    check(rc == 1, "the gate step fails on a regression (exit %d)" % rc)
    check(outputs["status"] == "1", "status output is 1: %r" % outputs["status"])
    check(outputs["regressions"] == "3", "3 regressions: %r" % outputs["regressions"])
    check("3 regressions" in summary, "the job summary has the report")
    check(re.search(r"^\|.*\|$", summary, re.M), "the summary has a table")
    errors = [l for l in out.splitlines() if l.startswith("::error")]
    check(1 <= len(errors) <= 10, "annotations: %d ::error lines" % len(errors))
    check(outputs["junit"] and os.path.isfile(outputs["junit"]), "a JUnit file")
    if outputs["junit"] and os.path.isfile(outputs["junit"]):
        names, failed = junit_failures(outputs["junit"])
        check(failed == 3, "JUnit has 3 failures, not %d" % failed)
        check(len(set(names)) == len(names), "JUnit test cases are distinct")
    check(outputs["dashboard"] == "", "no dashboard without a store history")


def case_gate_nofail(cwd):
    """fail-on-regression: false reports the regressions without failing."""
    inputs = common_inputs()
    inputs.update(results=os.path.join(TESTDATA, "cregress", "new.txt"),
                  baseline=os.path.join(TESTDATA, "cregress", "base.txt"),
                  **{"fail-on-regression": "false"})
    rc, out, summary, outputs = replay(inputs, cwd)
    check(rc == 0, "the step passes (exit %d)" % rc)
    check(outputs["status"] == "1", "status output still 1: %r" % outputs["status"])
    check("3 regressions" in summary, "the job summary has the report")


def case_record_then_gate(cwd):
    """record on main (history, baseline, dashboard), then pull requests
    gated against that baseline by name: one slower, one the same."""
    base = os.path.join(TESTDATA, "cregress", "base.txt")
    new = os.path.join(TESTDATA, "cregress", "new.txt")
    for i in range(2):
        inputs = common_inputs()
        inputs.update(mode="record", results=base)
        rc, out, summary, outputs = replay(inputs, cwd)
        check(rc == 0, "record step %d passes (exit %d)" % (i, rc))
    with open(os.path.join(cwd, ".cstat", "history", "main.jsonl")) as f:
        check(len(f.readlines()) == 2, "the history has both runs")
    check(os.path.isfile(os.path.join(cwd, ".cstat", "baselines", "main.json")),
          "the baseline is saved")
    check(re.search(r"^\|.*\|$", summary, re.M), "record's summary has a table")
    dash = outputs.get("dashboard", "")
    check(dash and os.path.isfile(dash), "record writes the dashboard")
    if dash and os.path.isfile(dash):
        # The same file twice: every series unchanged, so listed in the
        # dashboard's folded table rather than charted.
        with open(dash) as f:
            page = f.read()
            check("<h2 id=\"flat\">" in page and page.count("<tr id=\"s")
                  > 0, "the dashboard lists the series")

    inputs = common_inputs()
    inputs.update(results=new, baseline="main")
    rc, out, summary, outputs = replay(inputs, cwd)
    check(rc == 1, "gate against the stored baseline fails (exit %d)" % rc)
    check(outputs["status"] == "1", "status 1: %r" % outputs["status"])
    check(outputs["dashboard"] and os.path.isfile(outputs["dashboard"]),
          "the gate writes the dashboard of the baseline's history")

    inputs = common_inputs()
    inputs.update(results=base, baseline="main")
    rc, out, summary, outputs = replay(inputs, cwd)
    check(rc == 0, "the same results pass (exit %d)" % rc)
    check(outputs["status"] == "0", "status 0: %r" % outputs["status"])
    check(outputs["regressions"] == "0", "0 regressions: %r" % outputs["regressions"])


def write_run(path, level, rng):
    """A Go benchmark file: 4 benchmarks x 10 values around level (1%)."""
    with open(path, "w") as f:
        f.write("goos: linux\ngoarch: amd64\npkg: example.com/a\n")
        for b in ("Encode", "Decode", "Parse", "Print"):
            for _ in range(10):
                f.write("Benchmark%s-8 1000 %.1f ns/op\n" %
                        (b, level * (1 + rng.gauss(0, 0.01))))


def case_record_alert(cwd):
    """record on main: a run that makes a slowdown detectable alerts once
    (outputs alerts and changes; with fail-on-alert the step fails), and
    the runs after it do not alert again.  Fixed seed; 20 runs at one
    level recorded with cbaseline, then runs at +30% through the action."""
    import random
    rng = random.Random(7)
    cb = os.path.join(BUILD, "tools", "cbaseline")
    bench = os.path.join(cwd, "bench.txt")
    for i in range(20):
        write_run(bench, 1000, rng)
        subprocess.run([cb, "record", "-m", "commit=c%d" % i, "main", bench],
                       cwd=cwd, check=True, capture_output=True)
    alerted, series = [], []
    for i in range(20, 28):
        write_run(bench, 1300, rng)
        inputs = common_inputs()
        inputs.update(mode="record", results="bench.txt",
                      **{"fail-on-alert": "true"})
        rc, out, summary, outputs = replay(inputs, cwd)
        n = int(outputs.get("alerts") or 0)
        check(rc == (1 if n else 0), "run %d: exit %d with %d alerts" % (i, rc, n))
        if n:
            alerted.append(i)
            with open(outputs["changes"]) as f:
                changes = json.load(f)
            alerts = [c for c in changes["changes"] if c["alert"]]
            check(alerts and all(c["direction"] == "regression" for c in alerts),
                  "the alert is a regression: %r" % alerts)
            check("::warning" in out, "an annotation says so")
            check("new regression" in summary, "the summary says so")
            series += [(c["name"], c["unit"]) for c in alerts]
    # Each of the 4 slowed series alerts once, on the run that makes it
    # detectable; later runs at the new level alert no more.
    check(sorted(series) == sorted(set(series)) and len(series) == 4,
          "each series alerts once: %r" % series)
    check(alerted and alerted[-1] < 27, "the last runs do not alert: %r" % alerted)


def git(*args, cwd):
    return subprocess.run(["git"] + list(args), cwd=cwd, check=True,
                          capture_output=True, text=True).stdout


def case_store_branch(cwd):
    """store-branch: two main-branch jobs that cloned before either pushed
    each record a run through the action; the branch ends with both (the
    second job fetched the first's run, merged, pushed).  A pull request's
    gate then reads the baseline and history from the branch.  The remote
    is a local bare repository."""
    for k, v in (("GIT_AUTHOR_NAME", "t"), ("GIT_AUTHOR_EMAIL", "t@x"),
                 ("GIT_COMMITTER_NAME", "t"), ("GIT_COMMITTER_EMAIL", "t@x")):
        os.environ[k] = v
    origin = os.path.join(cwd, "origin.git")
    git("init", "-q", "--bare", "-b", "main", origin, cwd=cwd)
    seed = os.path.join(cwd, "seed")
    git("clone", "-q", origin, seed, cwd=cwd)
    with open(os.path.join(seed, "go.mod"), "w") as f:
        f.write("module example.com/a\n")
    git("add", "go.mod", cwd=seed)
    git("commit", "-q", "-m", "project", cwd=seed)
    git("push", "-q", "origin", "HEAD:main", cwd=seed)
    jobs = []
    for name in ("job1", "job2", "pr"):
        d = os.path.join(cwd, name)
        git("clone", "-q", origin, d, cwd=cwd)
        jobs.append(d)
    base = os.path.join(TESTDATA, "cregress", "base.txt")
    new = os.path.join(TESTDATA, "cregress", "new.txt")
    for d in jobs[:2]:
        inputs = common_inputs()
        inputs.update(mode="record", results=base,
                      **{"store-branch": "cstat-store"})
        rc, out, summary, outputs = replay(inputs, d)
        check(rc == 0, "record in %s passes (exit %d)" % (d, rc))
    lines = git("show", "cstat-store:history/main.jsonl", cwd=origin).splitlines()
    ids = {json.loads(l)["id"] for l in lines}
    check(len(lines) == 2 and len(ids) == 2,
          "the branch has both jobs' runs: %d lines, %d ids" % (len(lines), len(ids)))
    git("cat-file", "-e", "cstat-store:baselines/main.json", cwd=origin)
    inputs = common_inputs()
    inputs.update(results=new, **{"store-branch": "cstat-store"})
    rc, out, summary, outputs = replay(inputs, jobs[2])
    check(rc == 1 and outputs["status"] == "1",
          "the pull request's gate against the branch's baseline fails (exit %d)" % rc)
    check("3 regressions" in summary, "its report is in the summary")
    check(outputs["dashboard"] and os.path.isfile(outputs["dashboard"]),
          "the dashboard of the branch's history")
    lines2 = git("show", "cstat-store:history/main.jsonl", cwd=origin).splitlines()
    check(lines2 == lines, "a gate never pushes")


def readme_workflow():
    """The workflow of the README's section "CI: the workflow to copy"."""
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    section = text.split("## CI: the workflow to copy", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    return yaml.safe_load(block)


def context_value(path, ctx, steps):
    m = re.fullmatch(r"steps\.(\w+)\.outputs\.([\w-]+)", path)
    if m:
        return steps.get(m.group(1), {}).get(m.group(2), "")
    if path in ctx:
        return ctx[path]
    raise SystemExit("the README's workflow uses %s, which this replay "
                     "does not model" % path)


def condition(expr, ctx, steps, failed):
    """GitHub's if: for the expressions the README uses: always(), and
    CONTEXT == 'literal' or != (with the implied success())."""
    if expr is None:
        return not failed
    expr = expr.strip()
    if expr == "always()":
        return True
    m = re.fullmatch(r"([\w.-]+)\s*(==|!=)\s*'([^']*)'", expr)
    if not m:
        raise SystemExit("if: %s is not modelled" % expr)
    equal = context_value(m.group(1), ctx, steps) == m.group(3)
    return not failed and (equal if m.group(2) == "==" else not equal)


def run_job(name, event, cwd, bench, stubs):
    """Runs job name of the README's workflow for event in clone cwd, the
    benchmark step writing bench; returns (failed, steps' outputs)."""
    job = readme_workflow()["jobs"][name]
    ctx = {"github.event_name": event, "github.token": "token"}
    steps, failed = {}, False
    if not condition(job.get("if"), ctx, steps, False):
        return None, steps
    for step in job["steps"]:
        if not condition(step.get("if"), ctx, steps, failed):
            continue
        uses = step.get("uses", "")
        if uses.startswith("actions/"):
            continue  # GitHub's own: the clone is the checkout
        if uses:
            check(uses.startswith("OWNER/cstat@"), "the step uses cstat: " + uses)
            inputs = {k: str(v) for k, v in (step.get("with") or {}).items()}
            inputs.update(common_inputs())
            rc, out, summary, outputs = replay(inputs, cwd)
            steps[step.get("id", "")] = outputs
        elif re.match(r"go test .*> bench\.txt$", step["run"].strip()):
            shutil.copy(bench, os.path.join(cwd, "bench.txt"))
            rc = 0
        else:
            env = dict(os.environ)
            env["PATH"] = stubs + os.pathsep + env["PATH"]
            for k, v in (step.get("env") or {}).items():
                env[k] = re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}",
                                lambda m: context_value(m.group(1), ctx, steps),
                                str(v))
            r = subprocess.run(["bash", "--noprofile", "--norc", "-eo",
                                "pipefail", "-c", step["run"]], cwd=cwd,
                               env=env, capture_output=True, text=True)
            sys.stderr.write(r.stderr)
            rc = r.returncode
        failed = failed or rc != 0
    return failed, steps


def case_readme(cwd):
    """The README's workflow, job by job: 20 runs on main, then runs 30%
    slower until one alerts (the issue step opens an issue, through a
    stand-in for gh that keeps its arguments and body), then pull
    requests gated against the branch's baseline."""
    import random
    rng = random.Random(11)
    for k, v in (("GIT_AUTHOR_NAME", "t"), ("GIT_AUTHOR_EMAIL", "t@x"),
                 ("GIT_COMMITTER_NAME", "t"), ("GIT_COMMITTER_EMAIL", "t@x")):
        os.environ[k] = v
    wf = readme_workflow()
    check(set(wf["jobs"]) == {"record", "gate"}, "two jobs: %r" % list(wf["jobs"]))
    stubs = os.path.join(cwd, "stubs")
    os.makedirs(stubs)
    gh_log = os.path.join(cwd, "gh.log")
    with open(os.path.join(stubs, "gh"), "w") as f:
        f.write("#!/bin/sh\n# gh, kept: its arguments and the body file\n"
                "printf '%%s\\n' \"$*\" >> %s\n"
                "while [ $# -gt 0 ]; do\n"
                "  [ \"$1\" = --body-file ] && cat \"$2\" >> %s\n"
                "  shift\ndone\n" % (gh_log, gh_log))
    os.chmod(os.path.join(stubs, "gh"), 0o755)
    origin = os.path.join(cwd, "origin.git")
    git("init", "-q", "--bare", "-b", "main", origin, cwd=cwd)
    seed = os.path.join(cwd, "seed")
    git("clone", "-q", origin, seed, cwd=cwd)
    with open(os.path.join(seed, "go.mod"), "w") as f:
        f.write("module example.com/a\n")
    git("add", "go.mod", cwd=seed)
    git("commit", "-q", "-m", "project", cwd=seed)
    git("push", "-q", "origin", "HEAD:main", cwd=seed)
    # 20 earlier runs of main, published with the recipe's script.
    cb = os.path.join(BUILD, "tools", "cbaseline")
    bench = os.path.join(cwd, "bench.txt")
    for i in range(20):
        write_run(bench, 1000, rng)
        # A minute apart, as CI runs are: merging orders runs by time.
        subprocess.run([cb, "-store", os.path.join(cwd, "early"), "record",
                        "-m", "created=2026-01-01T00:%02d:00Z" % i,
                        "main", bench], check=True, capture_output=True)
    subprocess.run(["sh", os.path.join(ROOT, "tools", "cbaseline-git-store.sh"),
                    os.path.join(cwd, "early"), os.path.join(cwd, "tree")],
                   cwd=seed, check=True, capture_output=True,
                   env=dict(os.environ, CBASELINE=cb))
    # The gate job does not run on a push, nor record on a pull request.
    check(run_job("gate", "push", seed, bench, stubs)[0] is None, "gate skips pushes")
    check(run_job("record", "pull_request", seed, bench, stubs)[0] is None,
          "record skips pull requests")
    alerted = None
    for i in range(6):
        d = os.path.join(cwd, "main%d" % i)
        git("clone", "-q", origin, d, cwd=cwd)
        write_run(bench, 1300, rng)
        os.environ["GITHUB_SHA"] = "sha%d" % i  # as GitHub sets it
        failed, steps = run_job("record", "push", d, bench, stubs)
        check(failed is False, "record job %d passes" % i)
        if steps["cstat"].get("alerts", "0") != "0":
            alerted = i
            break
        check(not os.path.exists(gh_log), "no issue before an alert")
    check(alerted is not None, "a run 30% slower alerts within 6 runs")
    if os.path.exists(gh_log):
        with open(gh_log) as f:
            log = f.read()
        check("issue create --title Performance regression on main" in log,
              "gh issue create ran: %r" % log)
        check("Benchmarks regressed at sha%d:" % alerted in log,
              "the issue names the commit (GITHUB_SHA): %r" % log)
        check(re.search(r"^- \w+-8 sec/op: [23]\d% from run \d+$", log, re.M),
              "the issue lists the regression: %r" % log)
    lines = git("show", "cstat-store:history/main.jsonl", cwd=origin).splitlines()
    check(len(lines) == 21 + (alerted or 0), "the branch has every run: %d" % len(lines))
    # Pull requests: as fast as main's baseline passes; 40% slower fails.
    for level, want in ((1300, False), (1820, True)):
        d = os.path.join(cwd, "pr%d" % level)
        git("clone", "-q", origin, d, cwd=cwd)
        write_run(bench, level, rng)
        failed, steps = run_job("gate", "pull_request", d, bench, stubs)
        check(failed is want, "pull request at %d: failed %r" % (level, failed))
        check(steps["cstat"].get("junit") and os.path.isfile(steps["cstat"]["junit"]),
              "the JUnit file for the upload step")


def case_broken(cwd):
    """A missing result file and hostile args: the step fails with 2 and
    an error annotation, and nothing in an input runs as shell."""
    inputs = common_inputs()
    inputs.update(results="missing.txt")
    rc, out, summary, outputs = replay(inputs, cwd)
    check(rc == 2, "a missing file fails the step with 2 (exit %d)" % rc)
    check("::error" in out and "missing.txt" in out, "the error names the file")

    inputs = common_inputs()
    inputs.update(results=os.path.join(TESTDATA, "cregress", "base.txt"),
                  baseline=os.path.join(TESTDATA, "cregress", "base.txt"),
                  args="$(touch pwned) `touch pwned2`; touch pwned3")
    rc, out, summary, outputs = replay(inputs, cwd)
    check(rc == 2, "bad flags fail the step with 2 (exit %d)" % rc)
    for f in ("pwned", "pwned2", "pwned3"):
        check(not os.path.exists(os.path.join(cwd, f)), "%s was not run" % f)

    inputs = common_inputs()
    inputs.update(mode="bogus", results=os.path.join(TESTDATA, "cregress", "base.txt"))
    rc, out, summary, outputs = replay(inputs, cwd)
    check(rc == 2, "an unknown mode fails with 2 (exit %d)" % rc)


CASES = {
    "gate_file": case_gate_file,
    "gate_nofail": case_gate_nofail,
    "record_then_gate": case_record_then_gate,
    "broken": case_broken,
    "record_alert": case_record_alert,
    "store_branch": case_store_branch,
    "readme": case_readme,
}

with tempfile.TemporaryDirectory() as d:
    CASES[CASE](d)
if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
print("ok")
