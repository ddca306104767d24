#!/usr/bin/env python3
"""Bash completion (tools/cstat-completion.bash): sourced in bash, its
functions called with COMP_WORDS and COMP_CWORD as bash sets them.

usage: completion.py SCRIPT CSTAT CREGRESS CBASELINE NAME

Checks that each tool's completion offers every flag its -h lists (and
each cbaseline command's own flags), the values of enumerated flags, and
cbaseline's commands and store names, and that every tool completes a
word as a flag or a file the same way.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

SCRIPT = CSTAT = CREGRESS = CBASELINE = None


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def complete(words, cwd=None, env=None):
    """The completions of the last word of words (a list; "" to complete
    an empty word)."""
    func = {"cstat": "_cstat", "cregress": "_cregress",
            "cbaseline": "_cbaseline"}[words[0]]
    quoted = " ".join("'%s'" % w.replace("'", "'\\''") for w in words)
    prog = ("source '%s' && COMP_WORDS=(%s) && COMP_CWORD=%d && "
            "COMP_LINE=\"${COMP_WORDS[*]}\" && %s && "
            "printf '%%s\\n' \"${COMPREPLY[@]}\"" %
            (SCRIPT, quoted, len(words) - 1, func))
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", prog],
                       capture_output=True, cwd=cwd, timeout=60,
                       env=dict(os.environ, **(env or {})))
    expect(p.returncode == 0, "%s: bash exits %d: %s" %
           (words, p.returncode, p.stderr.decode()))
    return set(l for l in p.stdout.decode().split("\n") if l)


def help_flags(*cmd):
    p = subprocess.run(list(cmd) + ["-h"], capture_output=True, timeout=60)
    # The flag list's lines: "  -name ..." (and "-h, -help, --help").
    return set(f for line in p.stdout.decode().splitlines()
               if re.match(r"^  -[a-z]", line)
               for f in re.findall(r"(?<![\w-])-[a-z][a-z0-9-]*",
                                   line.split("    ")[0]))


def test_registered():
    p = subprocess.run(["bash", "--norc", "-c", "source '%s' && complete -p"
                        % SCRIPT], capture_output=True, timeout=60)
    out = p.stdout.decode()
    for tool in ("cstat", "cregress", "cbaseline"):
        expect(re.search(r"-F _%s %s$" % (tool, tool), out, re.M),
               "no completion registered for %s:\n%s" % (tool, out))


def test_flags():
    cases = [(["cstat"], help_flags(CSTAT)),
             (["cstat", "-v1"], help_flags(CSTAT, "-v1")),
             (["cregress"], help_flags(CREGRESS))]
    for c in ["save", "list", "show", "rm", "compare", "gate", "record",
              "history", "detect", "prune", "export", "forecast",
              "merge"]:
        cases.append((["cbaseline", c], help_flags(CBASELINE, c)))
    for words, want in cases:
        expect(want, "%s -h lists no flags" % words)
        got = complete(words + ["-"])
        gone = want - got - {"--help"}
        expect(not gone, "%s: -h lists %s, completion lacks them" %
               (" ".join(words), sorted(gone)))
        print("%s: %d flags of -h offered" % (" ".join(words), len(want)))


def test_values():
    cases = [
        (["cstat", "-format", ""], {"text", "csv", "html", "markdown",
                                    "json"}),
        (["cstat", "-format", "h"], {"html"}),
        (["cstat", "-ver"], {"-version"}),
        (["cstat", "-v1", "-delta-test", ""], {"utest", "ttest", "none"}),
        (["cstat", "-v1", "-sort", "-"], {"-name", "-delta"}),
        (["cstat", "-input-format", "gb"], {"gbench"}),
        (["cregress", "-correction", ""], {"holm", "bh", "none"}),
        (["cregress", "-threshold-on", ""], {"estimate", "interval"}),
        (["cregress", "-format", "j"], {"json", "junit"}),
        (["cbaseline", "li"], {"list"}),
        (["cbaseline", "-store", "x", "de"], {"detect"}),
        (["cbaseline", "detect", "-fail-on", ""], {"none", "new"}),
        (["cbaseline", "export", "-format", ""], {"html", "csv", "json"}),
        (["cbaseline", "forecast", "-format", ""],
         {"text", "markdown", "json", "csv", "html"}),
        (["cbaseline", "history", "-format", ""], {"text", "markdown",
                                                   "json"}),
        (["cbaseline", "-"], {"-store", "-version", "-h", "-help"}),
    ]
    for words, want in cases:
        got = complete(words)
        expect(got == want, "%s: got %s, want %s" %
               (words, sorted(got), sorted(want)))


def test_store_names():
    d = tempfile.mkdtemp()
    try:
        for kind, name in (("baselines", "main.json"),
                           ("baselines", "release.json"),
                           ("history", "nightly.jsonl")):
            os.makedirs(os.path.join(d, "s", kind), exist_ok=True)
            open(os.path.join(d, "s", kind, name), "w").close()
        got = complete(["cbaseline", "-store", "s", "gate", ""], cwd=d)
        expect(got == {"main", "release"}, "gate NAME: %s" % sorted(got))
        got = complete(["cbaseline", "detect", "-fail-on", "new", ""],
                       cwd=d, env={"CSTAT_STORE": "s"})
        expect(got == {"nightly"}, "detect NAME: %s" % sorted(got))
        # After NAME, files.
        open(os.path.join(d, "new.txt"), "w").close()
        got = complete(["cbaseline", "-store", "s", "gate", "main", "ne"],
                       cwd=d)
        expect(got == {"new.txt"}, "gate FILES: %s" % sorted(got))
    finally:
        shutil.rmtree(d)


def test_flag_or_file():
    """Every tool ends the same way: a word starting with "-" completes as
    a flag (never a file, even one named so), any other as a file."""
    d = tempfile.mkdtemp()
    try:
        for name in ("new.txt", "-new.txt"):
            open(os.path.join(d, name), "w").close()
        os.makedirs(os.path.join(d, "s", "baselines"))
        open(os.path.join(d, "s", "baselines", "main.json"), "w").close()
        for words in (["cstat"], ["cstat", "-v1"], ["cregress"],
                      ["cregress", "-row", ".name"],
                      ["cbaseline", "-store", "s", "gate", "main"],
                      ["cbaseline", "-store", "s", "compare", "main"]):
            got = complete(words + ["ne"], cwd=d)
            expect(got == {"new.txt"}, "%s ne: %s" % (words, sorted(got)))
            got = complete(words + ["-"], cwd=d)
            expect("-h" in got and "-new.txt" not in got,
                   "%s -: %s" % (words, sorted(got)))
        got = complete(["cstat", "-sa"], cwd=d)
        expect(got == {"-samples"}, "cstat -sa: %s" % sorted(got))
        got = complete(["cstat", "-v1", "-no"], cwd=d)
        expect(got == {"-norange"}, "cstat -v1 -no: %s" % sorted(got))
        got = complete(["cbaseline", "-store", "s", "gate", "main", "-st"],
                       cwd=d)
        expect(got == {"-store", "-strict"}, "gate -st: %s" % sorted(got))
        # Before NAME a flag is still a flag.
        got = complete(["cbaseline", "-store", "s", "gate", "-st"], cwd=d)
        expect(got == {"-store", "-strict"}, "gate -st: %s" % sorted(got))
    finally:
        shutil.rmtree(d)


def main():
    global SCRIPT, CSTAT, CREGRESS, CBASELINE
    SCRIPT = os.path.abspath(sys.argv[1])
    CSTAT, CREGRESS, CBASELINE = (os.path.abspath(a) for a in sys.argv[2:5])
    if not shutil.which("bash"):
        print("bash is not installed: skipped")
        return 77
    try:
        globals()["test_" + sys.argv[5]]()
    except AssertionError as e:
        print("FAIL: %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
