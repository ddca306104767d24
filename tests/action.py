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
PKGS = "meson ninja-build pkg-config gcc libc6-dev libgsl-dev libcjson-dev libcsv-dev"
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
        with open(dash) as f:
            check("<svg" in f.read(), "the dashboard has charts")

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
}

with tempfile.TemporaryDirectory() as d:
    CASES[CASE](d)
if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
print("ok")
