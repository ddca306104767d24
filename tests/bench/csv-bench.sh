#!/usr/bin/env bash
# Measures reading cstat's long CSV: `cstat FILE` and the reader alone
# (tests/bench/read-only.c) against `cat` of the same file (medians of RUNS
# runs), and the peak memory of each on the file and on one half its size.
# Both the wall time and the CPU time (user + system) are given: on a
# shared, loaded machine the wall time is mostly waiting for a core.
#
# usage: tests/bench/csv-bench.sh [-n RUNS] [-s MEGABYTES]
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)
runs=5
mb=100
while getopts n:s: o; do
	case $o in
	n) runs=$OPTARG ;;
	s) mb=$OPTARG ;;
	*) exit 2 ;;
	esac
done
work=${TMPDIR:-/tmp}/cstat-bench
mkdir -p "$work"
big=$work/long-$mb.csv
half=$work/long-$((mb / 2)).csv
[ -f "$big" ] || python3 tests/bench/gen-csv.py "$mb" "$big"
[ -f "$half" ] || python3 tests/bench/gen-csv.py "$((mb / 2))" "$half"
b=$work/build-cur
meson setup "$b" "$top" --buildtype=release >/dev/null 2>&1 ||
	meson setup --reconfigure "$b" "$top" --buildtype=release >/dev/null
ninja -C "$b" tools/cstat lib/libcstat.a >/dev/null
cc -O2 -Iinclude tests/bench/read-only.c "$b/lib/libcstat.a" \
	$(pkg-config --libs libcjson gsl) -lcsv -lm -pthread -o "$work/read-only"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
times() { # RUNS CMD...: the median wall and CPU times in seconds
	local n=$1 t
	shift
	t=$(for _ in $(seq "$n"); do
		/usr/bin/time -f '%e %U %S' "$@" 2>&1 >/dev/null | tail -1
	done)
	echo "$(awk '{print $1}' <<<"$t" | median)" \
		"$(awk '{print $2 + $3}' <<<"$t" | median)"
}
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

echo "file: $(du -m "$big" | cut -f1) MB, $(($(wc -l <"$big") - 1)) rows;" \
	"half: $(du -m "$half" | cut -f1) MB"
"$work/read-only" "$big"
printf '%-12s %8s %8s %12s %12s\n' "" "wall s" "CPU s" "RSS KB" \
	"RSS KB half"
for what in cat cstat read-only; do
	case $what in
	cat) cmd=(cat) ;;
	cstat) cmd=("$b/tools/cstat") ;;
	read-only) cmd=("$work/read-only") ;;
	esac
	read -r w c <<<"$(times "$runs" "${cmd[@]}" "$big")"
	printf '%-12s %8s %8s %12s %12s\n' "$what" "$w" "$c" \
		"$(rss "${cmd[@]}" "$big")" "$(rss "${cmd[@]}" "$half")"
done
