#!/usr/bin/env bash
# Checks that the change-point search of this tree gives the same results
# as a reference commit's, bit for bit, and times it.  Builds cbaseline and
# libcstat (release) from both, then:
#  - identity: cstat_history_changes() of every series (each double in hex,
#    tests/bench/changes-bench.c) and cbaseline's detect (text and JSON, at
#    three alphas, with -since and -fail-on new) and export -format json,
#    on the large history of history-bench.sh and on 8 histories of varied
#    shapes (tests/bench/gen-shapes.c: 12 to 600 runs, steps, spikes,
#    missing runs, exact counts, signed values);
#  - time: the search alone (changes-bench, one call per process) and
#    detect as a whole (/usr/bin/time), both builds interleaved, RUNS
#    times; prints medians and ranges of wall and CPU time and peak RSS.
#
# usage: tests/bench/cpd-bench.sh [-n RUNS] [-r COMMIT | -b DIR]
#   -n RUNS    timed runs of each (default 7)
#   -r COMMIT  reference commit (default HEAD~1)
#   -b DIR     a release build directory of the reference, already built
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)
runs=7
ref=HEAD~1
refdir=""
while getopts n:r:b: o; do
	case $o in
	n) runs=$OPTARG ;;
	r) ref=$OPTARG ;;
	b) refdir=$(cd "$OPTARG" && pwd) ;;
	*) exit 2 ;;
	esac
done
work=${TMPDIR:-/tmp}/cstat-cpd-bench
mkdir -p "$work"
hist=$work/history-1000x500x10.jsonl
cc -O2 -o "$work/gen-history" tests/bench/gen-history.c
cc -O2 -o "$work/gen-shapes" tests/bench/gen-shapes.c -lm
[ -f "$hist" ] || "$work/gen-history" "$hist" 1000 500 10

bench() { # DIR: changes-bench linked to DIR's libcstat
	cc -O2 -I"$top/include" tests/bench/changes-bench.c -L"$1/lib" \
		-lcstat -Wl,-rpath,"$1/lib" -o "$work/changes-bench-$2"
}
build() { # SRC DIR
	meson setup "$2" "$1" --buildtype=release >/dev/null 2>&1 ||
		meson setup --reconfigure "$2" "$1" --buildtype=release >/dev/null
	ninja -C "$2" tools/cbaseline >/dev/null
}
build "$top" "$work/build-cur"
bench "$work/build-cur" cur
if [ -z "$refdir" ]; then
	rm -rf "$work/ref-src"
	git worktree prune
	git worktree add -f --detach "$work/ref-src" "$ref" >/dev/null 2>&1
	build "$work/ref-src" "$work/build-ref"
	git worktree remove --force "$work/ref-src" >/dev/null 2>&1 || true
	refdir=$work/build-ref
fi
bench "$refdir" ref
bin_cur=$work/build-cur/tools/cbaseline
bin_ref=$refdir/tools/cbaseline

# The stores: the large history and the shapes (runs, benchmarks, seed).
mkdir -p "$work/big/history"
cp "$hist" "$work/big/history/h.jsonl"
stores="$work/big"
for spec in 12:300:1 20:300:2 30:300:3 45:300:4 60:300:5 200:200:6 \
	600:120:7 31:200:8; do
	IFS=: read -r r b s <<<"$spec"
	mkdir -p "$work/s$s/history"
	"$work/gen-shapes" "$work/s$s/history/h.jsonl" "$r" "$b" "$s"
	stores="$stores $work/s$s"
done
same=0
differ=0
for st in $stores; do
	for b in ref cur; do
		bin=bin_$b
		"$work/changes-bench-$b" "$st/history/h.jsonl" 1 \
			"$work/ch-$b" >/dev/null
		for args in "detect h" "detect -format json h" \
			"detect -alpha 0.05 -format json h" \
			"detect -alpha 0.0001 -format json h" \
			"detect -since 9 -format json h" \
			"detect -fail-on new -new 2 -format json h" \
			"export -format json h"; do
			"${!bin}" -store "$st" $args >>"$work/ch-$b" 2>&1 ||
				echo "exit $?" >>"$work/ch-$b"
		done
	done
	if cmp -s "$work/ch-ref" "$work/ch-cur"; then
		same=$((same + 1))
	else
		differ=$((differ + 1))
		echo "$st: OUTPUT DIFFERS" >&2
	fi
	rm -f "$work/ch-ref" "$work/ch-cur"
done
echo "identity: $same histories the same, $differ differ"

: >"$work/times"
for ((i = 0; i < runs; i++)); do
	for b in ref cur; do
		bin=bin_$b
		"$work/changes-bench-$b" "$hist" 1 |
			awk -v b="$b" '{ print b "-search", $2, $5, 0 }' >>"$work/times"
		/usr/bin/time -f "$b-detect %e %U %S %M" -o "$work/one" \
			"${!bin}" -store "$work/big" detect h >/dev/null
		awk '{ print $1, $2, $3 + $4, $5 }' "$work/one" >>"$work/times"
	done
done
echo "$runs runs each, interleaved; medians (ranges); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work/times" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, wall, cpu, kb = line.split()
    rows.setdefault(name, []).append((float(wall), float(cpu), int(kb)))
for name in sorted(rows):
    v = rows[name]
    w = [x[0] for x in v]
    c = [x[1] for x in v]
    rss = max(x[2] for x in v) / 1024
    print("%-12s wall %.3f s (%.3f-%.3f)  CPU %.3f s (%.3f-%.3f)%s" % (
        name, statistics.median(w), min(w), max(w), statistics.median(c),
        min(c), max(c), "  peak %.1f MB" % rss if rss else ""))
PY
