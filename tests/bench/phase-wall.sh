#!/usr/bin/env bash
# The wall time of each phase of one cstat command, for two builds run in
# turn: reading (cstat_builder_read to cstat_builder_build), building (to
# cstat_tables_write) and writing (to cstat_tables_free), and the three
# together, as medians of ROUNDS x RUNS runs each.  Where phases.sh counts
# each thread's CPU, this counts what the user waits for: a phase whose
# two threads wait on each other shows here and not there.  The phases
# are told apart by uprobes on those four functions of libcstat, which
# cost nothing between them.  Used for docs/performance.md ("Twelfth
# pass").  Needs perf and root (uprobes).
#
# usage: tests/bench/phase-wall.sh [-r ROUNDS] [-n RUNS] BUILD_A BUILD_B [ARGS...]
#   ROUNDS   rounds of both builds in turn (default 12)
#   RUNS     runs of each build a round (default 3)
#   BUILD_A, BUILD_B  build folders of cstat (release builds)
#   ARGS     cstat's arguments (default: the large input of bench.sh,
#            $TMPDIR/cstat-bench/large-{old,new}.txt)
set -eu
rounds=12
runs=3
while getopts r:n: o; do
	case $o in
	r) rounds=$OPTARG ;;
	n) runs=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || {
	echo "usage: $0 [-r ROUNDS] [-n RUNS] BUILD_A BUILD_B [ARGS...]" >&2
	exit 2
}
a=$(cd "$1" && pwd)
b=$(cd "$2" && pwd)
shift 2
work=${TMPDIR:-/tmp}/cstat-bench
[ $# -gt 0 ] || set -- "$work/large-old.txt" "$work/large-new.txt"
command -v perf >/dev/null || {
	echo "phase-wall.sh: perf is not installed" >&2
	exit 2
}
out=$(mktemp -d)
groups=()
cleanup() {
	for g in "${groups[@]}"; do
		perf probe -q -d "$g:*" 2>/dev/null || true
	done
	rm -rf "$out"
}
trap cleanup EXIT
phases="read=cstat_builder_read build=cstat_builder_build write=cstat_tables_write free=cstat_tables_free"
k=0
for build in "$a" "$b"; do
	k=$((k + 1))
	g=cstatpw$k$$
	groups+=("$g")
	lib=$(ls "$build"/lib/libcstat.so.*.*.* | head -1)
	for f in $phases; do
		perf probe -q -f -x "$lib" --add "$g:${f%%=*}=${f#*=}" \
			>/dev/null 2>&1
	done
done
for r in $(seq "$rounds"); do
	k=0
	for build in "$a" "$b"; do
		k=$((k + 1))
		g=${groups[$((k - 1))]}
		for i in $(seq "$runs"); do
			perf record -q -e "$g:*" -o "$out/data" \
				"$build/tools/cstat" "$@" >/dev/null 2>&1
			# The first hit of each probe (a function may have
			# a second, PLT entry), in seconds.
			perf script -i "$out/data" -F time,event 2>/dev/null |
				awk -v k=$k '{
				t = $1; sub(":", "", t); e = $2
				sub(/^[^:]*:/, "", e); sub(/:$/, "", e)
				sub(/_[0-9]+$/, "", e)
				if (!(e in v)) v[e] = t }
				END { printf "%d %.3f %.3f %.3f %.3f\n", k,
				(v["build"] - v["read"]) * 1000,
				(v["write"] - v["build"]) * 1000,
				(v["free"] - v["write"]) * 1000,
				(v["free"] - v["read"]) * 1000 }'
		done
	done
done >"$out/all"
python3 - "$out/all" "$a" "$b" <<'EOF'
import statistics, sys
rows = {'1': [], '2': []}
for line in open(sys.argv[1]):
    p = line.split()
    rows[p[0]].append([float(x) for x in p[1:]])
print('wall ms (medians of %d runs each)' % len(rows['1']))
print('%-10s %9s %9s %9s %9s' % ('', 'read', 'build', 'write', 'all'))
for k, name in (('1', 'A'), ('2', 'B')):
    med = [statistics.median(r[i] for r in rows[k]) for i in range(4)]
    print('%-10s %9.2f %9.2f %9.2f %9.2f' % tuple([name] + med))
print('A: %s\nB: %s' % (sys.argv[2], sys.argv[3]))
EOF
uptime
