#!/usr/bin/env python3
"""cbaseline forecast on a real long history (testdata/forecast/mkvdup.jsonl,
94 CI runs of stuckj/mkvdup; README.md there says how it was made).

Checks properties of the output rather than its bytes: every format
describes the same series with the same verdicts; a trend is reported
exactly where its interval excludes 0, with a finite crossing, and nowhere
else; each fit starts at the series' last change point as detect reports
it; the next run's interval holds its prediction; too-short series have
fewer than -min-runs runs; the same history gives the same bytes twice;
-threshold moves the crossings; bad flags exit 2.

With a third argument "browser": the -format html page in headless
Chromium (tests/browser.py's harness): no console errors or requests, no
sideways scrolling, a dashed continuation per trend in the DOM;
screenshots in $FORECAST_BROWSER_DIR.

Usage: forecast_cli.py CBASELINE TESTDATA/forecast [browser]
"""
import csv
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

CB, DATA = sys.argv[1], sys.argv[2]
failures = 0


def check(ok, what):
    global failures
    if not ok:
        failures += 1
        print("FAIL:", what)


def run(store, *args, code=0):
    p = subprocess.run([CB, "-store", store, *args], capture_output=True)
    check(p.returncode == code,
          f"{args}: exit {p.returncode}, want {code}: {p.stderr.decode()}")
    return p.stdout.decode()


def key(s):
    """A series' identity across reports: benchmark, unit, configuration."""
    cfg = s.get("config") or {}
    return (s.get("benchmark") or s.get("name"), s["unit"],
            tuple(sorted(cfg.items())))


def store_of(tmp):
    store = os.path.join(tmp, "store")
    os.makedirs(os.path.join(store, "history"))
    shutil.copy(os.path.join(DATA, "mkvdup.jsonl"),
                os.path.join(store, "history", "mkvdup.jsonl"))
    return store


def browser_check():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import browser
    chromium = browser.find_chromium()
    if not chromium:
        print("no chromium: skipped")
        return browser.SKIP
    outdir = os.path.abspath(os.environ.get(
        "FORECAST_BROWSER_DIR", os.path.join("browser", "forecast")))
    os.makedirs(outdir, exist_ok=True)
    page = os.path.join(outdir, "forecast.html")
    tmp = tempfile.mkdtemp(prefix="cstat-forecast-")
    try:
        store = store_of(tmp)
        run(store, "forecast", "mkvdup", "-format", "html", "-o", page)
        trends = sum(s["status"] == "trend" for s in json.loads(
            run(store, "forecast", "mkvdup", "-format", "json"))["series"])
    finally:
        shutil.rmtree(tmp)
    url = "file://" + page
    problems, requests, widths = browser.load_and_listen(
        chromium, url, os.path.join(outdir, "chromium.log"))
    for name, (w, got) in widths.items():
        if got > w:
            problems.append("at %s width %d the page is %d wide" % (
                name, w, got))
    dom, _ = browser.run_chromium(chromium, ["--virtual-time-budget=5000",
                                             "--dump-dom", url])
    if dom.decode("utf-8").count('class="fc"') != trends:
        problems.append("want %d dashed continuations in the DOM" % trends)
    problems += browser.screenshots(chromium, url, outdir)
    browser.report(outdir, problems, requests, widths)
    for p in problems:
        print("FAIL:", p)
    print("forecast page, DOM and screenshots in", outdir)
    return 1 if problems or failures else 0


def main():
    if len(sys.argv) > 3 and sys.argv[3] == "browser":
        return browser_check()
    tmp = tempfile.mkdtemp(prefix="cstat-forecast-")
    try:
        store = store_of(tmp)
        doc = json.loads(run(store, "forecast", "mkvdup", "-format", "json"))
        series = doc["series"]
        check(doc["schema"] == "cstat-forecast/1", "schema")
        check(doc["runs"] == 94 and len(series) == 58,
              f"runs {doc['runs']}, series {len(series)}")
        trends = [s for s in series if s["status"] == "trend"]
        check(len(trends) >= 1, "no trend found in the real history")
        for s in series:
            name = f"{s['benchmark']} {s['unit']}"
            if s["status"] == "short":
                check(s["runs"] < 10, f"{name}: short with {s['runs']} runs")
                check(s["rate"] is None and s["cross"] is None,
                      f"{name}: a short series has numbers")
                continue
            check(s["runs"] >= 10, f"{name}: fitted with {s['runs']} runs")
            sig = s["rate_lo"] > 0 or s["rate_hi"] < 0
            check(sig == (s["status"] == "trend"),
                  f"{name}: status {s['status']} but interval "
                  f"[{s['rate_lo']}, {s['rate_hi']}]")
            check((s["cross"] is not None) == (s["status"] == "trend"),
                  f"{name}: crossing {s['cross']} with {s['status']}")
            check(s["next_lo"] <= s["next"] <= s["next_hi"],
                  f"{name}: next {s['next']} outside its interval")
            check(len(s["ahead"]) == 10, f"{name}: ahead")
            if s["change_run"]:
                check(s["first_run"] >= s["change_run"],
                      f"{name}: fit from {s['first_run']} before the change "
                      f"at {s['change_run']}")
        # The fits start at the last change point detect reports
        det = json.loads(run(store, "detect", "mkvdup", "-format", "json"))
        # (or an earlier one, passing over the `explained` later ones).
        runs = {}
        for c in det["changes"]:
            runs.setdefault(key(c), []).append(c["run"])
        for s in series:
            ch = runs.get(key(s), [])
            later = [r for r in ch if r > s["change_run"]]
            check(s["change_run"] in [0] + ch and
                  len(later) == s["explained"],
                  f"{s['benchmark']} {s['unit']}: trend from run "
                  f"{s['change_run']} past {s['explained']} changes; "
                  f"detect says {ch}")
        # Every format: the same series and verdicts.
        text = run(store, "forecast", "mkvdup")
        check(text == run(store, "forecast", "mkvdup"), "text not stable")
        check(f"58 series over 94 runs; {len(trends)} with a significant "
              "trend" in text, "text summary")
        check(text.count("crosses ") + text.count("already") ==
              len(trends), "text: one crossing per trend")
        rows = list(csv.DictReader(io.StringIO(
            run(store, "forecast", "mkvdup", "-format", "csv"))))
        check([r["status"] for r in rows] == [s["status"] for s in series],
              "csv statuses differ from json")
        md = run(store, "forecast", "mkvdup", "-format", "markdown")
        check(md.count("\n| ") == 58 + 2, "markdown: heading, rule, 58 rows")
        html = run(store, "forecast", "mkvdup", "-format", "html")
        check(html.count('<path class="fc"') == len(trends),
              "html: a dashed continuation per trend")
        check(html.count('<path class="fcband"') == len(trends),
              "html: a band per trend")
        # The dashboard (export -format html) with -forecast is the
        # forecast's page; without it, the plain dashboard, no trend drawn.
        dash = run(store, "export", "mkvdup", "-format", "html",
                   "-repo-url", "", "-forecast")
        check(dash == run(store, "forecast", "mkvdup", "-format", "html"),
              "export -forecast: not the forecast's page")
        plain = run(store, "export", "mkvdup", "-format", "html",
                    "-repo-url", "")
        check('<path class="fc"' not in plain and len(plain) < len(dash),
              "export without -forecast draws trends")
        run(store, "export", "mkvdup", "-format", "csv", "-forecast", code=2)
        # -filter, -threshold, -min-runs.
        one = json.loads(run(store, "forecast", "mkvdup", "-format", "json",
                             "-filter", ".name:ReadAt_Sequential"))
        check(0 < len(one["series"]) < 58 and all(
            s["benchmark"].startswith("ReadAt_Sequential-")
            for s in one["series"]),
            "-filter")
        tight = json.loads(run(store, "forecast", "mkvdup", "-format", "json",
                               "-threshold", "1%"))
        for a, b in zip(series, tight["series"]):
            if a["status"] == "trend":
                check(b["threshold"] == 0.01 and b["cross"] <= a["cross"],
                      f"{a['benchmark']}: -threshold 1% crossing "
                      f"{b['cross']} after {a['cross']}")
        run(store, "forecast", "mkvdup", "-level", "1", code=2)
        run(store, "forecast", "mkvdup", "-min-runs", "2", code=2)
        run(store, "forecast", "mkvdup", "-format", "xml", code=2)
        run(store, "forecast", "nosuch", code=2)
        check("Usage: cbaseline forecast" in run(store, "forecast", "-h"),
              "forecast -h")
    finally:
        shutil.rmtree(tmp)
    print("forecast cli:", "FAILED" if failures else "ok")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
