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
# usage: tests/bench/pg-bench.sh [-s RxBxV] [-n REPEATS] [-c CBASELINE]
#   -s RxBxV     history size (default 10000x500x5)
#   -n REPEATS   runs per measurement (default 5)
#   -c CBASELINE cbaseline to measure (default build/tools/cbaseline)
set -eu
cd "$(dirname "$0")/../.."
size=10000x500x5
repeats=5
cb=$(pwd)/build/tools/cbaseline
inside=""
if [ "${1:-}" = "--inside" ]; then
	inside=$2
	shift 2
fi
while getopts s:n:c: o; do
	case $o in
	s) size=$OPTARG ;;
	n) repeats=$OPTARG ;;
	c) cb=$OPTARG ;;
	*) exit 2 ;;
	esac
done
if [ -z "$inside" ]; then
	work=${TMPDIR:-/tmp}/cstat-pg-bench
	mkdir -p "$work/store/history"
	cc -O2 -o "$work/gen-history" tests/bench/gen-history.c
	hist=$work/store/history/main.jsonl
	if [ ! -f "$work/size-$size" ]; then
		IFS=x read -r nr nb nv <<<"$size"
		"$work/gen-history" "$hist" "$nr" "$nb" "$nv"
		: >"$work/size-$size"
	fi
	# One run of 500 benchmarks in Go's text, for record.
	awk 'BEGIN {
		print "goos: linux\ngoarch: amd64\npkg: example.com/bench"
		print "cpu: Intel(R) Xeon(R) CPU @ 2.20GHz"
		for (k = 0; k < 5; k++)
			for (b = 0; b < 500; b++)
				printf "BenchmarkOp%d/size=%d-8 1000 %d ns/op\n",
					b, b % 8, 100 * (1 + b % 97) + (k * 7 + b) % 10
	}' >"$work/run.txt"
	exec python3 tests/pgcluster.py run -- "$0" --inside "$work" \
		-n "$repeats" -c "$cb"
fi
work=$inside
db=$CSTAT_TEST_PG
export CSTAT_PROJECT=bench

median() { # COMMAND...: the median wall time of REPEATS runs, in ms
	local t=()
	for _ in $(seq "$repeats"); do
		local s e
		s=$(date +%s%N)
		"$@" >/dev/null 2>"$work/err" || {
			cat "$work/err" >&2
			return 1
		}
		e=$(date +%s%N)
		t+=($(((e - s) / 1000000)))
	done
	printf '%s\n' "${t[@]}" | sort -n | awk '{v[NR] = $1}
		END {print v[int((NR + 1) / 2)]}'
}

s=$(date +%s)
"$cb" -store "$db" merge "$work/store" 2>/dev/null
e=$(date +%s)
runs=$(psql -X -A -t -d "$db" -c "SELECT count(*) FROM cstat_runs")
vals=$(psql -X -A -t -d "$db" -c "SELECT count(*) FROM cstat_values")
dbsize=$(psql -X -A -t -d "$db" -c \
	"SELECT pg_size_pretty(pg_database_size(current_database()))")
echo "loaded $runs runs ($vals series values) in $((e - s)) s; database $dbsize"
echo "median of $repeats, ms:"
n=0
rec() {
	n=$((n + 1))
	"$cb" -store "$db" record -m "created=2027-01-01T00:00:$(printf %02d $((n % 60)))Z" main "$work/run.txt"
}
echo "record (one run, 500 benchmarks): $(median rec)"
# One benchmark: one series of 10,000 runs (benchmark Op7 has one).
for c in "history" "detect" "export -format csv"; do
	echo "$c, all benchmarks: $(median "$cb" -store "$db" $c main)"
done
for c in "history" "detect" "export -format csv"; do
	echo "$c -filter .name:Op7, one benchmark: $(median "$cb" -store "$db" $c -filter .name:Op7 main)"
done
