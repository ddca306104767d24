#!/usr/bin/env bash
# Measures cstat's speed and peak memory on the large benchmark input, beside
# references measured in the same run: `cat` of the same input (the floor)
# and cstat built from a reference commit (default: the previous commit).
# Reports medians, because the machines are shared and noisy, and prints
# Go benchstat's recorded figures for the same input.
#
# usage: tests/bench/bench.sh [-n RUNS] [-r COMMIT] [-g GENERATOR]
#   -n RUNS       runs per measurement (default 5)
#   -r COMMIT     reference commit (default HEAD~1; "none" to skip)
#   -g GENERATOR  the input generator (default ../shared/bench/gen_large.py,
#                 run with its defaults: 2 files x 200,000 results)
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)
runs=5
ref=HEAD~1
gen=$top/../shared/bench/gen_large.py
while getopts n:r:g: o; do
	case $o in
	n) runs=$OPTARG ;;
	r) ref=$OPTARG ;;
	g) gen=$OPTARG ;;
	*) exit 2 ;;
	esac
done
work=${TMPDIR:-/tmp}/cstat-bench
mkdir -p "$work"
if [ ! -f "$work/large-old.txt" ]; then
	python3 "$gen" "$work/large" >/dev/null
fi
in_old=$work/large-old.txt
in_new=$work/large-new.txt

build() { # SRC DIR
	meson setup "$2" "$1" --buildtype=release >/dev/null 2>&1 ||
		meson setup --reconfigure "$2" "$1" --buildtype=release >/dev/null
	ninja -C "$2" tools/cstat >/dev/null
}
build "$top" "$work/build-cur"
cur=$work/build-cur/tools/cstat
refbin=""
if [ "$ref" != none ] && git rev-parse -q --verify "$ref^{commit}" >/dev/null; then
	rm -rf "$work/ref-src"
	git worktree prune
	git worktree add -f --detach "$work/ref-src" "$ref" >/dev/null 2>&1
	if build "$work/ref-src" "$work/build-ref" 2>/dev/null; then
		refbin=$work/build-ref/tools/cstat
	fi
	git worktree remove --force "$work/ref-src" >/dev/null 2>&1 || true
fi

# measure NAME CMD...: appends "NAME seconds kB" per run to $work/times:
# wall time to the microsecond and the child's peak RSS.
measure() {
	local name=$1
	shift
	python3 -c '
import os, subprocess, sys, tempfile, time
fd, path = tempfile.mkstemp()
os.close(fd)
t = time.perf_counter()
subprocess.run(["/usr/bin/time", "-f", "%M", "-o", path] + sys.argv[2:],
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - t
rss = int(open(path).read().split()[-1])
os.unlink(path)
print(sys.argv[1], "%.6f" % wall, rss)
' "$name" "$@" >>"$work/times"
}
: >"$work/times"
for ((i = 0; i < runs; i++)); do
	measure cat cat "$in_old" "$in_new"
	measure text "$cur" "$in_old" "$in_new"
	measure csv "$cur" -format csv "$in_old" "$in_new"
	if [ -n "$refbin" ]; then
		measure ref-text "$refbin" "$in_old" "$in_new"
		measure ref-csv "$refbin" -format csv "$in_old" "$in_new"
	fi
done

python3 - "$work/times" "$runs" "$ref" "$refbin" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, secs, kb = line.split()
    rows.setdefault(name, []).append((float(secs), int(kb)))
med = {k: (statistics.median(s for s, _ in v), statistics.median(m for _, m in v))
       for k, v in rows.items()}
print("input: 2 files x 200,000 results (gen_large.py defaults), %s runs each, medians" % sys.argv[2])
print("%-10s %10s %12s" % ("", "wall s", "peak RSS MB"))
for k in ("cat", "text", "csv", "ref-text", "ref-csv"):
    if k in med:
        print("%-10s %10.4f %12.1f" % (k, med[k][0], med[k][1] / 1024))
print()
print("benchstat (recorded, ../shared/bench/README.md): text 1.9-2.6 s, 187-271 MB; csv 1.2-1.4 s, 163-166 MB")
bt, bm = 1.9, 187.0  # the fastest, smallest of benchstat's figures
ct, cm = med["text"][0], med["text"][1] / 1024
print("text: %.1fx faster than benchstat's best time, %.1fx less memory than its smallest" % (bt / ct, bm / cm))
print("csv:  %.1fx faster than benchstat's best time, %.1fx less memory than its smallest"
      % (1.2 / med["csv"][0], 163.0 / (med["csv"][1] / 1024)))
if "ref-text" in med:
    print("vs %s: text time x%.2f, memory x%.2f; csv time x%.2f, memory x%.2f" % (
        sys.argv[3], ct / med["ref-text"][0], med["text"][1] / med["ref-text"][1],
        med["csv"][0] / med["ref-csv"][0], med["csv"][1] / med["ref-csv"][1]))
print("cat floor: text takes %.0fx the time of cat of the same input" % (ct / max(med["cat"][0], 1e-6)))
PY
