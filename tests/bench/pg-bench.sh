#!/usr/bin/env bash
# Measures cbaseline on a PostgreSQL store holding a large history
# (tests/bench/gen-history.c: 10,000 runs x 500 benchmarks x 5 values by
# default), on a private cluster of its own (tests/pgcluster.py: initdb in a
# temporary folder, a Unix socket, fsync off, stopped and removed at the
# end).  The history is loaded through the store itself (cbaseline merge of
# a store directory holding it: one transaction a run, as record does),
# then, per command, the median wall time over the repeats is printed:
# record of one 500-benchmark run, and history, detect and export
# -format csv for all benchmarks and for one (-filter .name:Op7).
#
# Each figure is "WALL (CPU)": the median wall time of the process (as
# perf stat times it, from exec to exit: not perf's own start, about 30
# ms) and the median of its CPU time (perf stat's task-clock, every
# thread), in ms; on a shared machine the CPU time is the steadier of the
# two.
#
# usage: tests/bench/pg-bench.sh [-s RxBxV] [-n REPEATS] [-c CBASELINE]
#                                [-f] [-d LOCATION] [-q]
#   -s RxBxV     history size (default 10000x500x5)
#   -n REPEATS   runs per measurement (default 5)
#   -c CBASELINE cbaseline to measure (default build/tools/cbaseline)
#   -f           load with SQL (tests/bench/pg-load.sql: COPY of the
#                rows gen-history writes, the values' indexes built
#                after; 10,000 runs in 4.5 minutes here, 3.2 of them
#                generating, under a load average of 6-7)
#   -d LOCATION  measure on a database loaded before (project "bench"),
#                without a cluster or a load of its own
#   -q           record and one benchmark only (not all benchmarks)
set -eu
cd "$(dirname "$0")/../.."
size=10000x500x5
repeats=5
cb=$(pwd)/build/tools/cbaseline
inside=""
fast=""
reuse=""
quick=""
if [ "${1:-}" = "--inside" ]; then
	inside=$2
	shift 2
fi
while getopts s:n:c:fd:q o; do
	case $o in
	s) size=$OPTARG ;;
	n) repeats=$OPTARG ;;
	c) cb=$OPTARG ;;
	f) fast=-f ;;
	d) reuse=$OPTARG ;;
	q) quick=-q ;;
	*) exit 2 ;;
	esac
done
if [ -z "$inside" ]; then
	work=${TMPDIR:-/tmp}/cstat-pg-bench
	mkdir -p "$work/store/history"
	cc -O2 -o "$work/gen-history" tests/bench/gen-history.c
	hist=$work/store/history/main.jsonl
	if [ -z "$reuse" ] && [ ! -f "$work/size-$size" ]; then
		IFS=x read -r nr nb nv <<<"$size"
		"$work/gen-history" "$hist" "$nr" "$nb" "$nv" "$work"
		chmod a+rx "$work"
		chmod a+r "$work/runs.tsv" "$work/values.tsv"
		: >"$work/size-$size"
	fi
	# One run of 500 benchmarks in Go's text, for record.
	awk -f tests/bench/run500.awk >"$work/run.txt"
	if [ -n "$reuse" ]; then
		export CSTAT_TEST_PG=$reuse
		exec "$0" --inside "$work" -n "$repeats" -c "$cb" -d "$reuse" \
			$quick
	fi
	exec python3 tests/pgcluster.py run -- "$0" --inside "$work" \
		-n "$repeats" -c "$cb" $fast $quick
fi
work=$inside
db=$CSTAT_TEST_PG
export CSTAT_PROJECT=bench

. "$(dirname "$0")/timing.sh"

median() { # COMMAND...: "WALL (CPU)" medians of REPEATS runs, in ms
	local t=() c=()
	for _ in $(seq "$repeats"); do
		perf stat -e task-clock -o "$work/cpu" "$@" >/dev/null \
			2>"$work/err" || {
			cat "$work/err" >&2
			return 1
		}
		local w u
		read -r w u < <(perf_times "$work/cpu")
		t+=("$w")
		c+=("$u")
	done
	echo "$(printf '%s\n' "${t[@]}" | mid) ($(printf '%s\n' "${c[@]}" | mid))"
}

s=$(date +%s)
if [ -n "$reuse" ]; then
	: # loaded before
elif [ -n "$fast" ]; then
	"$cb" -store "$db" list >/dev/null # the tables and the project
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v "dir=$work" \
		-f tests/bench/pg-load.sql >/dev/null
else
	"$cb" -store "$db" merge "$work/store" 2>/dev/null
fi
e=$(date +%s)
runs=$(psql -X -A -t -d "$db" -c "SELECT count(*) FROM cstat_runs")
vals=$(psql -X -A -t -d "$db" -c "SELECT count(*) FROM cstat_values")
dbsize=$(psql -X -A -t -d "$db" -c \
	"SELECT pg_size_pretty(pg_database_size(current_database()))")
echo "loaded $runs runs ($vals series values) in $((e - s)) s; database $dbsize"
echo "median of $repeats, ms:"
echo "record (one run, 500 benchmarks): $(median "$cb" -store "$db" record \
	-m created=2027-01-01T00:00:00Z main "$work/run.txt")"
# One benchmark: one series of 10,000 runs (benchmark Op7 has one).
for c in "history" "detect" "export -format csv"; do
	[ -z "$quick" ] || break
	echo "$c, all benchmarks: $(median "$cb" -store "$db" $c main)"
done
for c in "history" "detect" "export -format csv"; do
	echo "$c -filter .name:Op7, one benchmark: $(median "$cb" -store "$db" $c -filter .name:Op7 main)"
done
