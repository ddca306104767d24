#!/usr/bin/env python3
"""Load cstat's HTML page in headless Chromium and check it.

usage: browser.py CSTAT CASEDIR OUTDIR [CSTAT-FLAG...]
       browser.py --self-test OUTDIR

Runs 'CSTAT -format html [CSTAT-FLAG...] ARGS' in CASEDIR (ARGS from its
'args' file, one per line, as conformance.py reads them) and writes
OUTDIR/report.html.  Then, with no network (host names resolve to nothing,
every proxy is a closed port, a fresh profile):

  1. loads the page over the DevTools protocol (--remote-debugging-pipe)
     and records every request, console message, log entry and uncaught
     exception: the only request may be the page itself, and nothing may
     be logged at level warning or error.  It also checks that the page
     itself does not scroll sideways at 1400 and 390 pixels (only the
     tables' wrappers may), and records at each width how wide the plots
     and the tables are.  When the page has the "Show only the changed
     rows" switch, it clicks its label (as a user would: the page has no
     script) and checks that exactly the rows marked changed stay
     visible, then screenshots that view (OUTDIR/desktop-changed.png).
     What it saw goes to OUTDIR/console.txt and the browser's own output
     to OUTDIR/chromium.log;
  2. dumps the DOM (chromium --dump-dom) to OUTDIR/dom.html and parses it:
     a doctype, lang, charset, viewport and title; a <section> per table
     with a <tr> whose <th scope="row"> names each benchmark, in the order
     and number 'CSTAT -format csv' prints them, and a geomean row in
     tables of two or more (as in the text output); exactly one <svg role="img"> with a non-empty
     <title> in each benchmark row and none in geomean rows; a scope on
     every <th>; no <script>, <img>, <link>, <iframe>, <object>, <embed>,
     no src attribute, no href but "#..." and no url() or @import in CSS;
  3. takes screenshots, OUTDIR/desktop.png (1400x2000) and OUTDIR/phone.png
     (390x1600), and checks that they are PNG files.

'browser.py CSTAT --generate N OUTDIR' does the same for a pair of N
generated benchmarks (genpair.py, fixed seed 15) written to OUTDIR/case.

--self-test loads a page with a script error, a console error, a missing
image and a stylesheet from the network, and checks that step 1 reports
each of them (so a passing run means something).

Exits 0 when every check passes, 1 otherwise, and 77 (a skip, to meson)
when /usr/bin/chromium (or $CHROMIUM) is not there.
"""
import csv
import html.parser
import io
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The shared default (the cbaseline dashboard's test uses it too), and the
# sizes cstat's report is checked at.
SIZES = {"desktop": (1280, 2000), "phone": (390, 1600)}
REPORT_SIZES = {"desktop": (1400, 2000), "phone": (390, 1600)}


def find_chromium():
    path = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if os.path.exists(path) and os.access(path, os.X_OK):
        return path
    return None


def chromium_flags(profile):
    """Flags for a headless browser that cannot reach any network."""
    return [
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--user-data-dir=" + profile,
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--disable-extensions",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        "--hide-scrollbars",
    ]


def run_chromium(chromium, args, timeout=60):
    """Runs a one-shot headless chromium; returns (stdout bytes, stderr)."""
    with tempfile.TemporaryDirectory(prefix="cstat-chromium-") as profile:
        p = subprocess.run([chromium] + chromium_flags(profile) + args,
                           capture_output=True, stdin=subprocess.DEVNULL,
                           timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError("chromium exited with %d: %s" % (
            p.returncode, p.stderr.decode("utf-8", "replace")[-2000:]))
    return p.stdout, p.stderr.decode("utf-8", "replace")


# ----------------------------------------------------------------------------
# Step 1: the DevTools protocol over a pipe (fd 3 to the browser, fd 4 back;
# messages are JSON ended by a NUL byte).

class DevTools:
    def __init__(self, chromium, profile, log):
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()

        def child_fds():
            # os.pipe() descriptors close on exec; dup2 onto 3 and 4 keeps
            # just these two (via duplicates, in case one already is 3).
            a, b = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [chromium] + chromium_flags(profile) +
            ["--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            close_fds=False, preexec_fn=child_fds)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.next_id = 0
        self.buf = b""
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            data = data[os.write(self.to_browser, data):]
        return self.next_id

    def recv(self, deadline):
        """The next message, or None at the deadline."""
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.from_browser], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None, timeout=30):
        want = self.send(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            msg = self.recv(deadline)
            if msg is None:
                raise RuntimeError("no answer to " + method)
            if msg.get("id") == want:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, method, timeout):
        """Collects events until one named method arrives (True) or the
        timeout passes (False)."""
        deadline = time.monotonic() + timeout
        if any(e["method"] == method for e in self.events):
            return True
        while True:
            msg = self.recv(deadline)
            if msg is None:
                return False
            if "method" in msg:
                self.events.append(msg)
                if msg["method"] == method:
                    return True

    def drain(self, seconds):
        deadline = time.monotonic() + seconds
        while True:
            msg = self.recv(deadline)
            if msg is None:
                return
            if "method" in msg:
                self.events.append(msg)

    def close(self):
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_browser)
        os.close(self.from_browser)


def page_width(dt, session, width, height):
    """The page's scroll width with the viewport set to width x height."""
    dt.call("Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1,
             "mobile": width < 600}, session)
    r = dt.call("Runtime.evaluate",
                {"expression": "document.documentElement.scrollWidth",
                 "returnByValue": True}, session)
    return r["result"]["value"]


LAYOUT_JS = """(() => {
  const r = e => e.getBoundingClientRect();
  const svgs = [...document.querySelectorAll('svg.plot')];
  const tables = [...document.querySelectorAll('table')];
  return JSON.stringify({
    plot: svgs.length ? Math.round(r(svgs[0]).width) : 0,
    table_right: Math.round(Math.max(0, ...tables.map(x => r(x).right))),
  });
})()"""

VISIBLE_JS = """(() => {
  const rows = [...document.querySelectorAll('tbody tr[id]')];
  const shown = rows.filter(x => x.getClientRects().length > 0);
  return JSON.stringify({
    rows: rows.length, shown: shown.length,
    changed: rows.filter(x => x.classList.contains('chg')).length,
    shown_changed: shown.filter(x => x.classList.contains('chg')).length,
    label: !!document.querySelector('label[for=only-changed]'),
  });
})()"""


def evaluate(dt, session, expr):
    r = dt.call("Runtime.evaluate", {"expression": expr,
                                     "returnByValue": True}, session)
    return json.loads(r["result"]["value"])


def only_changed(dt, session, outdir, problems):
    """Clicks the switch's label and checks which rows stay visible;
    screenshots that view.  Returns what it saw, or None."""
    before = evaluate(dt, session, VISIBLE_JS)
    if not before["label"]:
        return None
    if before["shown"] != before["rows"]:
        problems.append("rows hidden before the switch: %r" % before)
    w, h = REPORT_SIZES["desktop"]
    dt.call("Emulation.setDeviceMetricsOverride",
            {"width": w, "height": h, "deviceScaleFactor": 1,
             "mobile": False}, session)
    dt.call("Runtime.evaluate", {"expression": "document.querySelector("
                                 "'label[for=only-changed]').click()"},
            session)
    after = evaluate(dt, session, VISIBLE_JS)
    if after["shown"] != after["changed"] or \
            after["shown_changed"] != after["changed"]:
        problems.append("with the switch on, %d rows shown, %d changed"
                        % (after["shown"], after["changed"]))
    if outdir:
        import base64
        shot = dt.call("Page.captureScreenshot", {"format": "png"},
                       session)
        with open(os.path.join(outdir, "desktop-changed.png"), "wb") as f:
            f.write(base64.b64decode(shot["data"]))
    return {"before": before, "after": after}


def load_and_listen(chromium, url, log_path, outdir=None, seen=None,
                    sizes=SIZES):
    """Loads url, with the browser's own output going to log_path;
    returns (problems, requests, widths), widths[size] being (viewport
    width, page width).  With a dict seen, also records each size's
    layout (seen["layout"]) and checks the switch (seen["only-changed"]),
    its screenshot going to outdir."""
    problems, requests, widths = [], [], {}
    with tempfile.TemporaryDirectory(prefix="cstat-chromium-") as profile, \
            open(log_path, "wb") as log:
        dt = DevTools(chromium, profile, log)
        try:
            targets = dt.call("Target.getTargets")["targetInfos"]
            pages = [t for t in targets if t["type"] == "page"]
            if pages:
                target = pages[0]["targetId"]
            else:
                target = dt.call("Target.createTarget",
                                 {"url": "about:blank"})["targetId"]
            session = dt.call("Target.attachToTarget",
                              {"targetId": target,
                               "flatten": True})["sessionId"]
            for domain in ("Page", "Network", "Log", "Runtime"):
                dt.call(domain + ".enable", session=session)
            nav = dt.call("Page.navigate", {"url": url}, session)
            if nav.get("errorText"):
                problems.append("navigation failed: " + nav["errorText"])
            if not dt.wait_for("Page.loadEventFired", 30):
                problems.append("the page did not finish loading")
            dt.drain(0.5)
            for name, (w, h) in sizes.items():
                widths[name] = (w, page_width(dt, session, w, h))
                if seen is not None:
                    seen.setdefault("layout", {})[name] = evaluate(
                        dt, session, LAYOUT_JS)
            if seen is not None:
                seen["only-changed"] = only_changed(dt, session, outdir,
                                                    problems)
            dt.drain(0.2)
        finally:
            dt.close()
    for e in dt.events:
        m, p = e["method"], e.get("params", {})
        if m == "Network.requestWillBeSent":
            requests.append(p["request"]["url"])
        elif m == "Network.loadingFailed":
            problems.append("load failed: %s %s" % (
                p.get("errorText"), p.get("blockedReason") or ""))
        elif m == "Log.entryAdded":
            entry = p["entry"]
            if entry["level"] in ("warning", "error"):
                problems.append("log %s: %s %s" % (
                    entry["level"], entry.get("text"), entry.get("url", "")))
        elif m == "Runtime.consoleAPICalled":
            args = " ".join(str(a.get("value", a.get("description", "")))
                            for a in p.get("args", []))
            problems.append("console.%s: %s" % (p["type"], args))
        elif m == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            problems.append("uncaught: %s" % (
                d.get("exception", {}).get("description") or d.get("text")))
    for r in requests:
        if r != url:
            problems.append("request to " + r)
    if url not in requests:
        problems.append("no request for the page seen (%r)" % requests)
    return problems, requests, widths


# ----------------------------------------------------------------------------
# Step 2: the DOM.

class DomCheck(html.parser.HTMLParser):
    """Collects what the checks need from the dumped DOM."""

    FORBIDDEN = {"script", "img", "link", "iframe", "object", "embed",
                 "frame", "base", "audio", "video", "source", "image"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.html_lang = None
        self.meta = []
        self.title = None
        self.sections = []  # per section: list of rows
        self.row = None
        self.in_row_header = False
        self.svg = None
        self.in_svg_title = False
        self.in_title = False
        self.in_style = False
        self.style = ""
        self.depth_in_svg = 0

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.FORBIDDEN:
            self.problems.append("a <%s> element" % tag)
        for k, v in attrs:
            if k in ("src", "srcset", "action", "formaction", "poster",
                     "data", "background", "xlink:href"):
                self.problems.append("<%s %s=%r>" % (tag, k, v))
            if k == "href" and not (v or "").startswith("#"):
                self.problems.append("<%s href=%r>" % (tag, v))
            if k.startswith("on"):
                self.problems.append("<%s %s=...> handler" % (tag, k))
            if k == "style" and v and ("url(" in v or "@import" in v):
                self.problems.append("<%s style=%r>" % (tag, v))
        if tag == "html":
            self.html_lang = a.get("lang")
        elif tag == "meta":
            self.meta.append(a)
        elif tag == "title" and self.svg is None:
            self.in_title = True
            self.title = ""
        elif tag == "style":
            self.in_style = True
        elif tag == "section":
            self.sections.append([])
        elif tag == "tr":
            self.row = {"header": None, "svgs": [], "classes":
                        (a.get("class") or "").split(), "section":
                        len(self.sections) - 1}
        elif tag == "th":
            if "scope" not in a:
                self.problems.append("a <th> without scope")
            if a.get("scope") == "row" and self.row is not None:
                self.in_row_header = True
                self.row["header"] = ""
        elif tag == "svg":
            self.svg = {"role": a.get("role"), "title": None}
            self.depth_in_svg = 0
        elif self.svg is not None:
            self.depth_in_svg += 1
            if tag == "title" and self.depth_in_svg == 1:
                self.in_svg_title = True
                self.svg["title"] = ""

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.svg is not None and tag != "svg":
            self.depth_in_svg -= 1

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = self.in_svg_title = False
        if tag == "style":
            self.in_style = False
        if tag == "th":
            self.in_row_header = False
        if tag == "svg" and self.svg is not None:
            if self.row is not None:
                self.row["svgs"].append(self.svg)
            else:
                self.problems.append("an <svg> outside a table row")
            self.svg = None
        elif self.svg is not None:
            self.depth_in_svg -= 1
        if tag == "tr" and self.row is not None:
            if self.row["header"] is not None:
                if not self.sections:
                    self.problems.append("a row outside a <section>")
                else:
                    self.sections[-1].append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.in_svg_title:
            self.svg["title"] += data
        elif self.in_title:
            self.title += data
        if self.in_row_header:
            self.row["header"] += data
        if self.in_style:
            self.style += data


def csv_tables(cstat, case, args, flags):
    """The benchmark rows of each table, and whether it has a geomean
    row, as 'cstat -format csv' prints them."""
    p = subprocess.run([cstat, "-format", "csv"] + flags + args, cwd=case,
                       capture_output=True, stdin=subprocess.DEVNULL,
                       timeout=60)
    if p.returncode != 0:
        raise RuntimeError("cstat -format csv exited with %d" % p.returncode)
    tables, cur = [], None
    for rec in csv.reader(io.StringIO(p.stdout.decode("utf-8", "replace"))):
        if not rec:
            cur = None
            continue
        if len(rec) < 2 or rec[0] == "":
            # A configuration line or a header row.
            if cur is None or cur["rows"]:
                cur = {"rows": [], "geomean": False}
                tables.append(cur)
            continue
        if rec[0] == "geomean":
            cur["geomean"] = True
        else:
            cur["rows"].append(rec[0])
    return tables


def check_dom(dom, want):
    d = DomCheck()
    d.feed(dom)
    d.close()
    problems = list(d.problems)
    if not dom.lstrip().lower().startswith("<!doctype html>"):
        problems.append("no <!DOCTYPE html> at the start")
    if not d.html_lang:
        problems.append("<html> has no lang")
    if not any(m.get("charset", "").lower() == "utf-8" for m in d.meta):
        problems.append('no <meta charset="utf-8">')
    if not any(m.get("name") == "viewport" and "width=device-width" in
               m.get("content", "") for m in d.meta):
        problems.append("no viewport <meta>")
    if not (d.title or "").strip():
        problems.append("no <title>")
    if "url(" in d.style or "@import" in d.style:
        problems.append("the style sheet loads something")
    if len(d.sections) != len(want):
        problems.append("%d sections, want %d (one per table)" % (
            len(d.sections), len(want)))
    nrows = 0
    for i, (rows, w) in enumerate(zip(d.sections, want)):
        bench = [r for r in rows if "geomean" not in r["classes"]]
        geo = [r for r in rows if "geomean" in r["classes"]]
        names = [r["header"] for r in bench]
        if names != w["rows"]:
            problems.append("table %d: row headers %r, want %r" % (
                i + 1, names, w["rows"]))
        # The CSV has a geomean row even for one benchmark; the text
        # output and the page have one only for two or more.
        want_geo = 1 if w["geomean"] and len(w["rows"]) > 1 else 0
        if len(geo) != want_geo:
            problems.append("table %d: %d geomean rows, want %d" % (
                i + 1, len(geo), want_geo))
        for r in bench:
            nrows += 1
            if len(r["svgs"]) != 1:
                problems.append("row %r: %d plots, want 1" % (
                    r["header"], len(r["svgs"])))
            for s in r["svgs"]:
                if s["role"] != "img":
                    problems.append("row %r: svg role %r" % (
                        r["header"], s["role"]))
                if not (s["title"] or "").strip():
                    problems.append("row %r: svg without a <title>" %
                                    r["header"])
                elif not s["title"].startswith(r["header"]):
                    problems.append("row %r: svg title %r" % (
                        r["header"], s["title"]))
        for r in geo:
            if r["svgs"]:
                problems.append("a plot in the geomean row")
    return problems, nrows


# ----------------------------------------------------------------------------
# Step 3: screenshots.

def screenshots(chromium, url, outdir, sizes=SIZES):
    problems = []
    for name, (w, h) in sizes.items():
        path = os.path.join(outdir, name + ".png")
        if os.path.exists(path):
            os.remove(path)
        run_chromium(chromium, ["--screenshot=" + path,
                                "--window-size=%d,%d" % (w, h), url])
        try:
            with open(path, "rb") as f:
                head = f.read(len(PNG_SIGNATURE))
            if head != PNG_SIGNATURE or os.path.getsize(path) < 1000:
                problems.append("%s is not a PNG screenshot" % path)
        except OSError as e:
            problems.append("no screenshot %s: %s" % (path, e))
    return problems


def report(outdir, problems, requests, widths):
    with open(os.path.join(outdir, "console.txt"), "w") as f:
        f.write("requests:\n")
        for r in requests:
            f.write("  %s\n" % r)
        f.write("page widths: %r\n" % (widths,))
        f.write("problems:\n")
        for p in problems:
            f.write("  %s\n" % p)


def check_case(chromium, cstat, case, outdir, flags):
    with open(os.path.join(case, "args"), encoding="utf-8") as f:
        args = f.read().split("\n")[:-1]
    if "-format" in args:
        print("%s: the case sets its own -format" % case)
        return 1
    os.makedirs(outdir, exist_ok=True)
    page = os.path.join(outdir, "report.html")
    with open(page, "wb") as f:
        p = subprocess.run([cstat, "-format", "html"] + flags + args,
                           cwd=case, stdout=f, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=60)
    if p.returncode != 0:
        print("cstat -format html exited with %d: %s" % (
            p.returncode, p.stderr.decode("utf-8", "replace")))
        return 1
    url = "file://" + os.path.abspath(page)

    seen = {}
    problems, requests, widths = load_and_listen(
        chromium, url, os.path.join(outdir, "chromium.log"), outdir, seen,
        REPORT_SIZES)
    for name, (w, got) in widths.items():
        if got > w:
            problems.append("at %s width %d the page is %d wide" % (
                name, w, got))

    dom, _ = run_chromium(chromium, ["--virtual-time-budget=5000",
                                     "--dump-dom", url])
    dom = dom.decode("utf-8")
    with open(os.path.join(outdir, "dom.html"), "w",
              encoding="utf-8") as f:
        f.write(dom)
    dom_problems, nrows = check_dom(dom, csv_tables(cstat, case, args,
                                                    flags))
    problems += dom_problems
    problems += screenshots(chromium, url, outdir, REPORT_SIZES)
    report(outdir, problems, requests, dict(widths, **seen))

    for p in problems:
        print("FAIL:", p)
    print("%s: %d benchmark rows; page, DOM and screenshots in %s" % (
        os.path.basename(case.rstrip("/")), nrows, outdir))
    for name, (w, got) in widths.items():
        print("  at %d px: page %d px wide, layout %r" % (
            w, got, seen["layout"][name]))
    if seen.get("only-changed"):
        print("  only the changed rows: %r" % seen["only-changed"])
    return 1 if problems else 0


BAD_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>bad</title>
<link rel="stylesheet" href="http://example.invalid/x.css"></head>
<body><img src="missing.png" alt="">
<script>console.error("boom"); undefined_function();</script>
</body></html>
"""


def self_test(chromium, outdir):
    """The checks must see what is wrong with a bad page."""
    os.makedirs(outdir, exist_ok=True)
    page = os.path.join(outdir, "bad.html")
    with open(page, "w") as f:
        f.write(BAD_PAGE)
    url = "file://" + os.path.abspath(page)
    problems, requests, widths = load_and_listen(
        chromium, url, os.path.join(outdir, "chromium.log"))
    report(outdir, problems, requests, widths)
    text = "\n".join(problems)
    want = {
        "console error": "console.error: boom",
        "uncaught exception": "undefined_function",
        "missing image": "missing.png",
        "network stylesheet": "example.invalid",
    }
    dom_problems, _ = check_dom(BAD_PAGE, [])
    dom_text = "\n".join(dom_problems)
    missed = [k for k, v in want.items() if v not in text]
    for tag in ("script", "img", "link"):
        if "<%s>" % tag not in dom_text:
            missed.append("the <%s> in the DOM" % tag)
    for m in missed:
        print("FAIL: the checks missed the", m)
    print("seen:\n  " + text.replace("\n", "\n  "))
    return 1 if missed else 0


def main():
    chromium = find_chromium()
    if len(sys.argv) == 3 and sys.argv[1] == "--self-test":
        if not chromium:
            print("no chromium: skipped")
            return SKIP
        return self_test(chromium, sys.argv[2])
    if len(sys.argv) == 5 and sys.argv[2] == "--generate":
        if not chromium:
            print("no chromium: skipped")
            return SKIP
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import genpair
        cstat, outdir = (os.path.abspath(a) for a in sys.argv[1:5:3])
        case = os.path.join(outdir, "case")
        genpair.write_pair(case, int(sys.argv[3]), 15)
        return check_case(chromium, cstat, case, outdir, [])
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    if not chromium:
        print("no chromium: skipped")
        return SKIP
    cstat, case, outdir = (os.path.abspath(a) for a in sys.argv[1:4])
    return check_case(chromium, cstat, case, outdir, sys.argv[4:])


if __name__ == "__main__":
    sys.exit(main())
