#!/usr/bin/env bash
# Measures cbaseline's cache on the client (docs/cbaseline.md "A cache on
# the client") on a database loaded before (project "bench", history
# "main"; tests/bench/pg-bench.sh loads one): history, detect and export
# -format csv of every benchmark, read by a reference cbaseline (without
# the cache, or with CSTAT_CACHE=off) and by this one cold (the cache
# removed first), warm (a hit) and after one record (the new run
# appended), interleaved, REPEATS rounds.  Each figure is "WALL (CPU)
# RSS": the median wall time, the median CPU time (perf stat's
# task-clock, every thread) in ms, and the median peak RSS in MB.
#
# usage: tests/bench/pg-cache-bench.sh -d LOCATION -r REFERENCE
#                                     [-c CBASELINE] [-n REPEATS]
#   -d LOCATION   the database (it grows by one run a round and command)
#   -r REFERENCE  the cbaseline to compare with (a release build of main)
#   -c CBASELINE  the one to measure (default build-rel/tools/cbaseline)
#   -n REPEATS    rounds (default 3)
set -eu
cd "$(dirname "$0")/../.."
cb=$(pwd)/build-rel/tools/cbaseline
repeats=3
db=""
ref=""
while getopts d:r:c:n: o; do
	case $o in
	d) db=$OPTARG ;;
	r) ref=$OPTARG ;;
	c) cb=$OPTARG ;;
	n) repeats=$OPTARG ;;
	*) exit 2 ;;
	esac
done
[ -n "$db" ] && [ -n "$ref" ] || {
	echo "usage: $0 -d LOCATION -r REFERENCE [-c CBASELINE] [-n N]" >&2
	exit 2
}
export CSTAT_PROJECT=bench
work=$(mktemp -d "${TMPDIR:-/tmp}/cstat-cache-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export CSTAT_CACHE=$work/cache
# One run of 500 benchmarks in Go's text, for record.
awk -f tests/bench/run500.awk >"$work/run.txt"

. "$(dirname "$0")/timing.sh"

for r in $(seq "$repeats"); do
	for c in "history" "detect" "export -format csv"; do
		k=${c%% *}
		one "$k-ref" env CSTAT_CACHE=off "$ref" -store "$db" $c main
		rm -rf "$CSTAT_CACHE"
		one "$k-cold" "$cb" -store "$db" $c main
		one "$k-warm" "$cb" -store "$db" $c main
		"$cb" -store "$db" record -m "created=2027-01-0${r}T00:00:00Z" \
			main "$work/run.txt" 2>/dev/null
		one "$k-append" "$cb" -store "$db" $c main
	done
	echo "round $r done, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done
echo "median of $repeats: wall ms (CPU ms) peak MB"
for c in history detect export; do
	for w in ref cold warm append; do
		f=$work/$c-$w
		echo "$c $w: $(cut -d' ' -f1 "$f" | mid) ($(cut -d' ' -f2 "$f" | mid)) $(cut -d' ' -f3 "$f" | mid)"
	done
done
