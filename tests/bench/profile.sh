#!/usr/bin/env bash
# Where one command's time goes on the large input: page faults and task
# clock from `perf stat` (medians over RUNS runs), then the top symbols of
# `perf record` over the same runs.  Used for the profiles in
# docs/performance.md, before and after a change.
#
# usage: tests/bench/profile.sh [-n RUNS] [-b BUILD] [-t TOP] [ARGS...]
#   -n RUNS   runs (default 10)
#   -b BUILD  a build folder of cstat (default: a release build of this tree
#             in $TMPDIR/cstat-bench/build-cur, as bench.sh makes it)
#   -t TOP    how many symbols to list (default 20)
#   ARGS      the command after the tool's path: default "cstat" (the text
#             path); e.g. "cstat -format csv", "cstat -v1", "cregress"
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)
runs=10
work=${TMPDIR:-/tmp}/cstat-bench
build=$work/build-cur
ntop=20
while getopts n:b:t: o; do
	case $o in
	n) runs=$OPTARG ;;
	b) build=$OPTARG ;;
	t) ntop=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- cstat
tool=$1
shift
command -v perf >/dev/null || {
	echo "profile.sh: perf is not installed (apt-get install linux-perf)" >&2
	exit 2
}
mkdir -p "$work"
if [ ! -f "$work/large-old.txt" ]; then
	python3 "$top/../shared/bench/gen_large.py" "$work/large" >/dev/null
fi
if [ ! -x "$build/tools/$tool" ]; then
	meson setup "$build" "$top" --buildtype=release >/dev/null
	ninja -C "$build" >/dev/null
fi
cmd=("$build/tools/$tool" "$@" "$work/large-old.txt" "$work/large-new.txt")

echo "command: ${cmd[*]##*/}"
for ((i = 0; i < runs; i++)); do
	perf stat -x, -e page-faults,task-clock "${cmd[@]}" 2>&1 >/dev/null |
		awk -F, '/page-faults|task-clock/ { print $3, $1 }'
done | python3 -c '
import statistics, sys
v = {}
for line in sys.stdin:
    k, x = line.split()
    v.setdefault(k, []).append(float(x))
print("page faults: %.0f, task clock: %.1f ms (medians of %d runs)" % (
    statistics.median(v["page-faults"]), statistics.median(v["task-clock"]),
    len(v["task-clock"])))
'
data=$work/perf.data
rm -f "$data"
for ((i = 0; i < runs; i++)); do
	perf record -q -o "$data.$i" "${cmd[@]}" >/dev/null 2>&1
done
perf report -q -i "$data.0" >/dev/null 2>&1 || true
# Summed over the runs: each run's report, symbol by symbol.
for ((i = 0; i < runs; i++)); do
	perf report -q -i "$data.$i" --no-children --sort dso,symbol \
		--percent-limit 0.3 2>/dev/null
	rm -f "$data.$i"
done | python3 -c '
import sys
share, n = {}, '"$runs"'
for line in sys.stdin:
    parts = line.split()
    if len(parts) < 4 or not parts[0].endswith("%"):
        continue
    sym = parts[3] + "  (" + parts[1] + ")"
    share[sym] = share.get(sym, 0.0) + float(parts[0][:-1]) / n
for sym, pct in sorted(share.items(), key=lambda kv: -kv[1])[:'"$ntop"']:
    print("%6.2f%%  %s" % (pct, sym))
'
