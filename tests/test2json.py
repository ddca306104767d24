#!/usr/bin/env python3
"""cstat prints the same on a `go test -json` stream as on the plain text
`go test` prints without -json (docs/formats.md, "go test -json").

    test2json.py CSTAT INPUTS_DIR

1. The real streams in INPUTS_DIR/test2json/ (*.out): their plain form is
   the concatenation of their Output fields.
2. Generated streams: the Go text files of INPUTS_DIR/go/ named below, each
   the output of one package, cut into output events at random characters
   (so lines end in later events than they start, benchmark lines included)
   and the packages' events interleaved at random, with start and pass
   events as go test writes them.  The plain form is the files one after
   the other, as go test prints packages.  Seeds 1..SEEDS, fixed.

For each pair, `cstat FILE` and `cstat -format json -samples FILE` must
print the same stdout; the plain form prints nothing on stderr.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

SEEDS = 20
# Packages that each set every configuration key they use before their
# results, so the plain text (where a key lasts until it changes) and the
# interleaved stream mean the same thing.
PACKAGES = ["HotscriptGG-sumquery2d_new.txt",
            "gab_go_fiber_duplicate_names_output.txt"]
RUNS = [[], ["-format", "json", "-samples"]]


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def run(cstat, d, args):
    p = subprocess.run([cstat] + args + ["bench"], cwd=d,
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def same_output(cstat, what, stream, plain):
    """cstat on the stream prints what it prints on the plain text."""
    with tempfile.TemporaryDirectory() as tj, \
            tempfile.TemporaryDirectory() as tp:
        with open(os.path.join(tj, "bench"), "wb") as f:
            f.write(stream.encode())
        with open(os.path.join(tp, "bench"), "wb") as f:
            f.write(plain.encode())
        for args in RUNS:
            rj, oj, ej = run(cstat, tj, args)
            rp, op, ep = run(cstat, tp, args)
            if rj != rp or oj != op:
                fail("%s %r: stream exit %d, plain exit %d\n"
                     "--- stream:\n%s%s\n--- plain:\n%s%s" %
                     (what, args, rj, rp, oj.decode(), ej, op.decode(), ep))
            if ep:
                fail("%s: plain text warns: %r" % (what, ep))
            if not oj:
                fail("%s %r: no output" % (what, args))
    return ej


def real_streams(cstat, d):
    n = 0
    for name in sorted(os.listdir(d)):
        if not name.endswith(".out"):
            continue
        with open(os.path.join(d, name)) as f:
            stream = f.read()
        plain = "".join(json.loads(l).get("Output", "")
                        for l in stream.splitlines() if l.strip())
        same_output(cstat, name, stream, plain)
        n += 1
    return n


def events(rng, pkg, text):
    """The package's output as events, cut at random characters."""
    yield {"Action": "start", "Package": pkg}
    i = 0
    while i < len(text):
        j = min(len(text), i + rng.choice([1, 2, 5, 13, 40, 200]))
        yield {"Action": "output", "Package": pkg, "Output": text[i:j]}
        i = j
    yield {"Action": "pass", "Package": pkg, "Elapsed": 0.5}


def generated(cstat, d, seed):
    rng = random.Random(seed)
    texts = []
    for name in PACKAGES:
        with open(os.path.join(d, name), newline="") as f:
            texts.append(f.read())
    queues = [list(events(rng, "example.com/p%d" % k, t))
              for k, t in enumerate(texts)]
    lines = []
    while any(queues):
        q = rng.choice([q for q in queues if q])
        lines.append(json.dumps(q.pop(0)))
    same_output(cstat, "seed %d" % seed, "\n".join(lines) + "\n",
                "".join(texts))


def main():
    cstat, d = os.path.abspath(sys.argv[1]), sys.argv[2]
    n = real_streams(cstat, os.path.join(d, "test2json"))
    for seed in range(1, SEEDS + 1):
        generated(cstat, os.path.join(d, "go"), seed)
    print("%d real streams and %d generated ones (seeds 1..%d) print what "
          "their plain text prints" % (n, SEEDS, SEEDS))


if __name__ == "__main__":
    main()
