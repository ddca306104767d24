#!/usr/bin/env bash
# Measures cbaseline on a large history (tests/bench/gen-history.c: 1,000
# runs x 500 benchmarks x 10 values by default, 109 MB): history with no
# snapshot ("cold": the store's cache/ removed), record, history right
# after it (the snapshot plus the appended run), detect and export
# -format html|csv|json (the snapshot alone), with cbaseline built from this
# tree and from a reference commit in the same run, interleaved, and `cat`
# of the history as the floor.  Prints, per command, the median wall time,
# CPU time (user + system) and peak RSS over the runs, from /usr/bin/time.
# The outputs of both builds are compared: they must be byte-identical.
#
# usage: tests/bench/history-bench.sh [-n RUNS] [-r COMMIT] [-s RxBxV]
#                                      [-c BIN] [-b BIN]
#   -n RUNS    runs per measurement (default 5)
#   -r COMMIT  reference commit (default HEAD~1; "none" to skip)
#   -s RxBxV   history size (default 1000x500x10)
#   -c BIN     a release cbaseline of this tree already built
#   -b BIN     a release cbaseline of the reference already built
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)
runs=5
ref=HEAD~1
size=1000x500x10
curbin=""
refbin=""
while getopts n:r:s:c:b: o; do
	case $o in
	n) runs=$OPTARG ;;
	r) ref=$OPTARG ;;
	s) size=$OPTARG ;;
	c) curbin=$OPTARG ;;
	b) refbin=$OPTARG ;;
	*) exit 2 ;;
	esac
done
work=${TMPDIR:-/tmp}/cstat-history-bench
mkdir -p "$work"
hist=$work/history-$size.jsonl
cc -O2 -o "$work/gen-history" tests/bench/gen-history.c
if [ ! -f "$hist" ]; then
	IFS=x read -r nr nb nv <<<"$size"
	"$work/gen-history" "$hist" "$nr" "$nb" "$nv"
fi
# One run of 500 benchmarks x 10 values in Go's text, for record.
awk 'BEGIN {
	print "goos: linux\ngoarch: amd64\npkg: example.com/bench"
	print "cpu: Intel(R) Xeon(R) CPU @ 2.20GHz"
	for (k = 0; k < 10; k++)
		for (b = 0; b < 500; b++)
			printf "BenchmarkOp%d/size=%d-8 1000 %d ns/op\n",
				int(b / 8), b % 8, 100 * (1 + b % 97) + (k * 7 + b) % 10
}' >"$work/run.txt"

build() { # SRC DIR
	meson setup "$2" "$1" --buildtype=release >/dev/null 2>&1 ||
		meson setup --reconfigure "$2" "$1" --buildtype=release >/dev/null
	ninja -C "$2" tools/cbaseline >/dev/null
}
if [ -z "$curbin" ]; then
	build "$top" "$work/build-cur"
	curbin=$work/build-cur/tools/cbaseline
fi
bins="cur=$curbin"
if [ -n "$refbin" ]; then
	bins="$bins ref=$refbin"
elif [ "$ref" != none ]; then
	rm -rf "$work/ref-src"
	git worktree prune
	git worktree add -f --detach "$work/ref-src" "$ref" >/dev/null 2>&1
	build "$work/ref-src" "$work/build-ref"
	git worktree remove --force "$work/ref-src" >/dev/null 2>&1 || true
	bins="$bins ref=$work/build-ref/tools/cbaseline"
fi
# A store per build; record appends to its own copy (a run more or less
# does not matter at this size), synced first so that record's fsync
# flushes only its own line.
for b in $bins; do
	rm -rf "$work/store-${b%%=*}"
	mkdir -p "$work/store-${b%%=*}/history"
	cp "$hist" "$work/store-${b%%=*}/history/h.jsonl"
done
sync

# measure NAME CMD...: appends "NAME wall cpu kB" to $work/times.
measure() {
	local name=$1
	shift
	/usr/bin/time -f "$name %e %U %S %M" -o "$work/one" "$@" \
		>"$work/out-$name" 2>/dev/null
	awk '{ printf "%s %s %.2f %s\n", $1, $2, $3 + $4, $5 }' \
		"$work/one" >>"$work/times"
}
: >"$work/times"
for ((i = 0; i < runs; i++)); do
	measure cat cat "$hist"
	for b in $bins; do
		n=${b%%=*}
		bin=${b#*=}
		st=$work/store-$n
		# With no snapshot (cache/ removed): the history read whole.
		rm -rf "$st/cache"
		measure "$n-cold" "$bin" -store "$st" history h
		# After a record: the snapshot and the appended run; then the
		# snapshot alone.
		measure "$n-record" "$bin" -store "$st" record h "$work/run.txt"
		measure "$n-history" "$bin" -store "$st" history h
		measure "$n-detect" "$bin" -store "$st" detect h
		for f in html csv json; do
			measure "$n-export-$f" "$bin" -store "$st" export \
				-format $f h
		done
	done
done
# The outputs of both builds on the generated history itself (the stores
# above gained records made at different times).
if [ "$ref" != none ] || [ -n "$refbin" ]; then
	rm -rf "$work/store-cmp"
	mkdir -p "$work/store-cmp/history"
	cp "$hist" "$work/store-cmp/history/h.jsonl"
	for b in $bins; do
		n=${b%%=*}
		bin=${b#*=}
		st=$work/store-cmp
		"$bin" -store "$st" history h >"$work/cmp-$n-history"
		"$bin" -store "$st" detect h >"$work/cmp-$n-detect"
		for f in html csv json; do
			"$bin" -store "$st" export -format $f h \
				>"$work/cmp-$n-export-$f"
		done
	done
	for c in history detect export-html export-csv export-json; do
		if cmp -s "$work/cmp-cur-$c" "$work/cmp-ref-$c"; then
			echo "$c: output identical"
		else
			echo "$c: OUTPUT DIFFERS" >&2
		fi
	done
fi
echo "history: $size (runs x benchmarks x values), $(wc -c <"$hist") bytes; $runs runs each, medians"
printf '%-18s %8s %8s %10s\n' "" "wall s" "CPU s" "peak MB"
python3 - "$work/times" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, wall, cpu, kb = line.split()
    rows.setdefault(name, []).append((float(wall), float(cpu), int(kb)))
for name, v in rows.items():
    print("%-18s %8.3f %8.2f %10.1f" % (
        name, statistics.median(x[0] for x in v),
        statistics.median(x[1] for x in v),
        statistics.median(x[2] for x in v) / 1024))
PY
