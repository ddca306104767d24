#!/usr/bin/env bash
# Measures the snapshots of filtered reads (docs/performance.md "One
# benchmark, from a snapshot of the filter"): history, detect and export
# -format csv with -filter .name:Op7 (8 series of 10,000 runs in the
# benchmark history), on a store directory and on a database loaded before
# (project "bench", history "main"; tests/bench/pg-bench.sh loads one),
# read by a reference cbaseline (a release build of main: a streamed read
# of the whole file, the database's native tables) and by this one cold
# (its filter snapshots removed first), warm (from the snapshot) and
# after one record (on a directory, the record's run joined to the
# snapshot; on a database, the tables built again), interleaved, REPEATS
# rounds.  Each figure is "WALL (CPU) RSS": the median wall time, the
# median CPU time of the client (perf stat's task-clock, every thread) in
# ms, and the median peak RSS in MB.
#
# usage: tests/bench/filter-snap-bench.sh -s STORE -d LOCATION
#                                         -r REFERENCE [-c CBASELINE]
#                                         [-n REPEATS] [-f FILTER]
#   -s STORE      a store directory holding history main (a copy: it
#                 grows by a run a round and command)
#   -d LOCATION   the database (it grows likewise)
#   -r REFERENCE  the cbaseline to compare with (a release build of main)
#   -c CBASELINE  the one to measure (default build-rel/tools/cbaseline)
#   -n REPEATS    rounds (default 3)
#   -f FILTER     the filter (default .name:Op7)
set -eu
cd "$(dirname "$0")/../.."
cb=$(pwd)/build-rel/tools/cbaseline
repeats=3
store=""
db=""
ref=""
filter=.name:Op7
while getopts s:d:r:c:n:f: o; do
	case $o in
	s) store=$OPTARG ;;
	d) db=$OPTARG ;;
	r) ref=$OPTARG ;;
	c) cb=$OPTARG ;;
	n) repeats=$OPTARG ;;
	f) filter=$OPTARG ;;
	*) exit 2 ;;
	esac
done
[ -n "$store" ] && [ -n "$db" ] && [ -n "$ref" ] || {
	echo "usage: $0 -s STORE -d LOCATION -r REFERENCE [-c CBASELINE]" \
		"[-n N] [-f FILTER]" >&2
	exit 2
}
export CSTAT_PROJECT=bench
work=$(mktemp -d "${TMPDIR:-/tmp}/cstat-filter-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export CSTAT_CACHE=$work/cache
# One run of 500 benchmarks in Go's text, for record.
awk -f tests/bench/run500.awk >"$work/run.txt"

. "$(dirname "$0")/timing.sh"

# The outputs of both builds must be the same, byte for byte.
same() { # STORE COMMAND...
	local s=$1
	shift
	"$ref" -store "$s" "$@" -filter "$filter" main >"$work/a"
	"$cb" -store "$s" "$@" -filter "$filter" main >"$work/b"
	cmp -s "$work/a" "$work/b" || {
		echo "outputs differ: $*" >&2
		exit 1
	}
}

n=0
for r in $(seq "$repeats"); do
	for s in file db; do
		loc=$store
		[ $s = db ] && loc=$db
		for c in "history" "detect" "export -format csv"; do
			k=$s-${c%% *}
			one "$k-ref" "$ref" -store "$loc" $c -filter "$filter" main
			rm -rf "$CSTAT_CACHE" "$store/cache/main.filters"
			one "$k-cold" "$cb" -store "$loc" $c -filter "$filter" main
			one "$k-warm" "$cb" -store "$loc" $c -filter "$filter" main
			n=$((n + 1))
			"$cb" -store "$loc" record \
				-m "created=2027-01-01T00:00:$(printf %02d $((n % 60)))Z" \
				main "$work/run.txt" 2>/dev/null
			one "$k-append" "$cb" -store "$loc" $c -filter "$filter" main
			[ "$r" = 1 ] && same "$loc" $c
		done
	done
	echo "round $r done, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done
echo "median of $repeats: wall ms (CPU ms) peak MB, filter $filter"
for s in file db; do
	for c in history detect export; do
		for w in ref cold warm append; do
			f=$work/$s-$c-$w
			echo "$s $c $w: $(cut -d' ' -f1 "$f" | mid) ($(cut -d' ' -f2 "$f" | mid)) $(cut -d' ' -f3 "$f" | mid)"
		done
	done
done
