#!/usr/bin/env python3
"""The manual pages: they render without warnings, carry the project's
version, and name every flag the tools' usage texts name.

usage: man.py MANDIR CSTAT CREGRESS CBASELINE VERSION NAME
       (NAME is one of the test_* functions)

MANDIR holds the configured pages (build/docs).  Rendering uses man-db's
`man -l --warnings` (groff's warnings) at 80 columns; the test is skipped
(exit 77) when man is not installed.
"""
import os
import re
import shutil
import subprocess
import sys

MANDIR = CSTAT = CREGRESS = CBASELINE = VERSION = None
PAGES = ["cstat.1", "cregress.1", "cbaseline.1", "libcstat.3"]
CBASELINE_COMMANDS = ["save", "list", "show", "rm", "compare", "gate",
                      "record", "history", "detect", "prune", "export",
                      "forecast", "merge"]


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def render(page, width="80"):
    env = dict(os.environ, MANWIDTH=width, LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env.pop("MAN_KEEP_FORMATTING", None)
    p = subprocess.run(["man", "-l", "--warnings", os.path.join(MANDIR, page)],
                       capture_output=True, env=env, timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    # Overstrikes (bold, underline) when man keeps them; typographic
    # hyphens and minus signs as the ASCII a user types.
    out = re.sub(".\x08", "", out)
    out = out.replace("\u2010", "-").replace("\u2212", "-")
    return p.returncode, out, p.stderr.decode("utf-8", "replace")


def usage(tool, *args):
    p = subprocess.run([tool] + list(args) + ["-h"], capture_output=True,
                       timeout=60)
    expect(p.returncode == 0, "%s %s -h: exit %d" % (tool, args,
                                                      p.returncode))
    return p.stdout.decode()


# A flag as a usage text writes it: -name or --name, not inside a word
# ("pre-2023", "run-to-run").
FLAG = re.compile(r"(?<![\w-])(--?[a-z][a-z0-9]*(?:-[a-z0-9]+)*)")


def flags_of(text):
    return set(FLAG.findall(text))


def missing(flags, page_text):
    return sorted(f for f in flags
                  if not re.search(r"(?<![\w-])" + re.escape(f) +
                                   r"(?![\w-])", page_text))


def test_render():
    for page in PAGES:
        rc, out, err = render(page)
        expect(rc == 0, "%s: man exits %d: %s" % (page, rc, err))
        expect(err.strip() == "", "%s: warnings:\n%s" % (page, err))
        name = page.split(".")[0].upper()
        expect(out.lstrip().startswith(name + "("), "%s: no title" % page)
        expect("cstat " + VERSION in out, "%s: not version %s" %
               (page, VERSION))
        for line in out.splitlines():
            expect(len(line) <= 80,
                   "%s: line over 80 columns: %r" % (page, line))


def defaults_of(text):
    """(flag, default) of each flag entry of a usage text whose help ends
    in "(default X)" (quotes dropped)."""
    out, flag, body = [], None, ""
    for line in text.splitlines() + [""]:
        m = re.match(r"^  (-[a-z][a-z0-9-]*)", line)
        if m or not line.strip():
            d = re.search(r"\(default (.*)\)\s*$", body)
            if flag and d:
                out.append((flag, d.group(1).replace('"', "")))
            flag, body = (m.group(1) if m else None), ""
        else:
            body += " " + line.strip()
    return out


def blocks(page_text):
    """The rendered page's flag paragraphs: (flag, text), a paragraph
    being a tag line indented 7 columns and the lines under it."""
    out, cur = [], None
    for line in page_text.splitlines():
        m = re.match(r"^       (-[a-z][a-z0-9-]*)", line)
        if m:
            cur = [m.group(1), line]
            out.append(cur)
        elif cur and (line.startswith("        ") or not line.strip()):
            cur[1] += " " + line
        else:
            cur = None
    return [(f, " ".join(t.split())) for f, t in out]


def check_tool(tool, page, texts, per_flag=True):
    _, out, _ = render(page, "200")
    flags = set()
    for t in texts:
        flags |= flags_of(t)
    gone = missing(flags, out)
    expect(not gone, "%s: flags of -h not in %s: %s" % (tool, page, gone))
    # Each default -h states is the page's, in the flag's own paragraph
    # (cbaseline's commands share paragraphs: anywhere in the page).
    flat, paras, n = " ".join(out.split()), blocks(out), 0
    for t in texts:
        for flag, d in defaults_of(t):
            where = [b for f, b in paras if f == flag] if per_flag \
                else [flat]
            expect(any(d in b for b in where),
                   "%s: %s's default %r (-h) not in %s" % (tool, flag, d,
                                                          page))
            n += 1
    print("%s: %d flags and %d defaults of -h, all in %s" %
          (os.path.basename(tool), len(flags), n, page))


def test_flags_cstat():
    check_tool(CSTAT, "cstat.1", [usage(CSTAT), usage(CSTAT, "-v1")])


def test_flags_cregress():
    check_tool(CREGRESS, "cregress.1", [usage(CREGRESS)])


def test_flags_cbaseline():
    texts = [usage(CBASELINE)]
    texts += [usage(CBASELINE, c) for c in CBASELINE_COMMANDS]
    check_tool(CBASELINE, "cbaseline.1", texts, per_flag=False)
    _, out, _ = render("cbaseline.1", "200")
    for c in CBASELINE_COMMANDS:
        expect(re.search(r"^\s+%s\b" % c, out, re.M),
               "cbaseline.1: no entry for command %s" % c)


def test_version():
    for tool in (CSTAT, CREGRESS, CBASELINE):
        name = os.path.basename(tool)
        for flag in ("--version", "-version"):
            p = subprocess.run([tool, flag], capture_output=True,
                               timeout=60)
            expect(p.returncode == 0, "%s %s: exit %d" %
                   (name, flag, p.returncode))
            expect(p.stdout.decode() == "%s %s\n" % (name, VERSION),
                   "%s %s: %r" % (name, flag, p.stdout))
            expect(p.stderr == b"", "%s %s: stderr %r" %
                   (name, flag, p.stderr))
    # After other flags, and in -v1's flags, as Go's flag syntax allows.
    for args in (["-alpha", "0.1", "-version"], ["-v1", "--version"]):
        p = subprocess.run([CSTAT] + args, capture_output=True, timeout=60)
        expect(p.returncode == 0 and p.stdout.decode() ==
               "cstat %s\n" % VERSION, "cstat %s: %r" % (args, p.stdout))


def main():
    global MANDIR, CSTAT, CREGRESS, CBASELINE, VERSION
    MANDIR = sys.argv[1]
    CSTAT, CREGRESS, CBASELINE = (os.path.abspath(a) for a in sys.argv[2:5])
    VERSION, name = sys.argv[5], sys.argv[6]
    if name != "version" and not shutil.which("man"):
        print("man is not installed: skipped")
        return 77
    try:
        globals()["test_" + name]()
    except AssertionError as e:
        print("FAIL: %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
