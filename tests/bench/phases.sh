#!/usr/bin/env bash
# The CPU of each phase of one cstat command, by thread: reading (the
# adding thread, "main", and the parse threads, "other"), building the
# tables, writing them.  Two builds, interleaved, medians of RUNS runs.
# Phases are told apart by uprobes on libcstat's cstat_builder_read,
# cstat_builder_build, cstat_tables_write and cstat_tables_free, and CPU
# is counted as perf's cpu-clock samples at 4,999 Hz (0.2 ms each), so
# it stays meaningful on a loaded machine where wall time does not: what
# a change moves from the main thread to another shows here.  Used for
# docs/performance.md ("Seventh pass").  Needs perf and root (uprobes).
#
# With -w, each phase's wall time instead (from the probes' first hits,
# no sampling; the probes cost nothing between them), and the three
# together: what the user waits for, where two threads that wait on each
# other show ("Twelfth pass").
#
# usage: tests/bench/phases.sh [-w] [-n RUNS] BUILD_A BUILD_B [ARGS...]
#   -w                wall time by phase, not CPU by thread
#   BUILD_A, BUILD_B  build folders of cstat (release builds)
#   ARGS              cstat's arguments (default: the large input of
#                     bench.sh, $TMPDIR/cstat-bench/large-{old,new}.txt)
set -eu
runs=9
wall=0
while getopts wn: o; do
	case $o in
	w) wall=1 ;;
	n) runs=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || {
	echo "usage: $0 [-n RUNS] BUILD_A BUILD_B [ARGS...]" >&2
	exit 2
}
a=$(cd "$1" && pwd)
b=$(cd "$2" && pwd)
shift 2
work=${TMPDIR:-/tmp}/cstat-bench
[ $# -gt 0 ] || set -- "$work/large-old.txt" "$work/large-new.txt"
command -v perf >/dev/null || {
	echo "phases.sh: perf is not installed" >&2
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
# The phase each function starts, as "phase=function".
phases="read=cstat_builder_read build=cstat_builder_build write=cstat_tables_write free=cstat_tables_free"
k=0
for build in "$a" "$b"; do
	k=$((k + 1))
	g=cstatph$k$$
	groups+=("$g")
	lib=$(ls "$build"/lib/libcstat.so.*.*.* | head -1)
	for f in $phases; do
		perf probe -q -f -x "$lib" --add "$g:${f%%=*}=${f#*=}" \
			>/dev/null 2>&1
	done
done
for i in $(seq "$runs"); do
	k=0
	for build in "$a" "$b"; do
		k=$((k + 1))
		g=${groups[$((k - 1))]}
		if [ "$wall" = 1 ]; then
			# Each phase from its probe's first hit (a function
			# may have a second, at its PLT entry) to the next's.
			perf record -q -e "$g:*" -o "$out/data" \
				"$build/tools/cstat" "$@" >/dev/null 2>&1
			perf script -i "$out/data" -F time,event 2>/dev/null |
				awk -v k=$k '{ t = $1; sub(":", "", t); e = $2
				sub(/^[^:]*:/, "", e); sub(/:$/, "", e)
				sub(/_[0-9]+$/, "", e); if (!(e in v)) v[e] = t }
				END { printf "%d|read=%.3f|build=%.3f|write=%.3f\n", k,
				(v["build"] - v["read"]) * 1000,
				(v["write"] - v["build"]) * 1000,
				(v["free"] - v["write"]) * 1000 }'
			continue
		fi
		perf record -q -F 4999 -e cpu-clock -e "$g:*" -o "$out/data" \
			"$build/tools/cstat" "$@" >/dev/null 2>&1
		perf script -i "$out/data" -F pid,tid,event 2>/dev/null | awk -v k=$k '
		{ split($1, a, "/"); ev = $2; sub(":$", "", ev)
		  if (ev ~ /:/) { sub(/.*:/, "", ev); sub(/_[0-9]+$/, "", ev); ph = ev; next }
		  if (ph == "") ph = "start"
		  c[ph (a[1] == a[2] ? " main" : " other")]++ }
		END { printf "%d", k; for (x in c) printf "|%s=%.1f", x, c[x] * 0.2; print "" }'
	done
done >"$out/all"
python3 - "$out/all" "$wall" <<'EOF'
import collections, statistics, sys
d = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    parts = line.strip().split('|')
    total = 0
    for p in parts[1:]:
        k, v = p.split('=')
        d[parts[0]][k].append(float(v))
        total += float(v)
    d[parts[0]]['total'].append(total)
print('%s ms (medians)                 A          B'
      % ('wall' if sys.argv[2] == '1' else 'CPU'))
for key in sorted(set(k for x in d.values() for k in x)):
    row = ['%9.1f' % statistics.median(d[x][key]) if d[x][key] else '        -'
           for x in ('1', '2')]
    print('%-30s %s  %s' % (key, row[0], row[1]))
EOF
uptime
