#!/usr/bin/env bash
# Measures every benchmark's history, detect and export (csv, json) of one
# long history from its warm snapshot, with cbaseline built from this tree
# and from a reference commit, interleaved: on a store directory and, with
# -d, on a PostgreSQL store through the cache on the client (a hit).  Each
# round runs every command on every store with both builds, the builds'
# order alternating from round to round.  Prints, per command, store and
# build, the medians of wall time, user and system CPU, peak RSS and page
# faults (/usr/bin/time), and the load average before and after.  The
# outputs of both builds are compared with cmp first (also a filtered
# export, -filter .name:Op7): they must be byte-identical.
#
# usage: tests/bench/export-all-bench.sh -c BIN -b BIN -s DIR [-d DB]
#                                         [-n ROUNDS] [-H NAME]
#   -c BIN     a release cbaseline of this tree
#   -b BIN     a release cbaseline of the reference
#   -s DIR     a store directory holding history NAME (its snapshot is
#              made by the first read, before the measurements)
#   -d DB      a libpq string or URI of a database holding the same
#              history ($CSTAT_PROJECT; the cache in $CSTAT_CACHE, else
#              a folder of the work directory)
#   -n ROUNDS  rounds (default 5)
#   -H NAME    the history (default main)
set -eu
rounds=5
name=main
cur=""
ref=""
dir=""
db=""
while getopts c:b:s:d:n:H: o; do
	case $o in
	c) cur=$OPTARG ;;
	b) ref=$OPTARG ;;
	s) dir=$OPTARG ;;
	d) db=$OPTARG ;;
	n) rounds=$OPTARG ;;
	H) name=$OPTARG ;;
	*) exit 2 ;;
	esac
done
if [ -z "$cur" ] || [ -z "$ref" ] || [ -z "$dir" ]; then
	echo "usage: $0 -c BIN -b BIN -s DIR [-d DB] [-n ROUNDS] [-H NAME]" >&2
	exit 2
fi
work=${TMPDIR:-/tmp}/cstat-export-all-bench
mkdir -p "$work"
export CSTAT_CACHE=${CSTAT_CACHE:-$work/cache}
stores="dir"
[ -n "$db" ] && stores="dir db"
where() { [ "$1" = dir ] && echo "$dir" || echo "$db"; }

# The snapshots made (and the cache filled) before anything is timed.
for s in $stores; do
	"$cur" -store "$(where $s)" history "$name" >/dev/null
done

# Identity: every command of both builds, byte for byte.
same=0
for s in $stores; do
	for c in "history" "detect" "detect -format json" \
		"export -format csv" "export -format json" \
		"export -format csv -filter .name:Op7"; do
		for b in cur ref; do
			bin=$cur
			[ $b = ref ] && bin=$ref
			# shellcheck disable=SC2086
			"$bin" -store "$(where $s)" $c "$name" \
				>"$work/out-$b" 2>"$work/err-$b" || true
		done
		if cmp -s "$work/out-cur" "$work/out-ref" &&
			cmp -s "$work/err-cur" "$work/err-ref"; then
			same=$((same + 1))
		else
			echo "$s $c: OUTPUT DIFFERS" >&2
			exit 1
		fi
	done
done
rm -f "$work/out-cur" "$work/out-ref" "$work/err-cur" "$work/err-ref"
echo "outputs identical: $same commands"

load0=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$work/times"
for ((i = 0; i < rounds; i++)); do
	order="cur ref"
	[ $((i % 2)) = 1 ] && order="ref cur"
	for c in "history" "detect" "export -format csv" "export -format json"; do
		for s in $stores; do
			for b in $order; do
				bin=$cur
				[ $b = ref ] && bin=$ref
				# shellcheck disable=SC2086
				/usr/bin/time -f "%e %U %S %M %R" -o "$work/one" \
					"$bin" -store "$(where $s)" $c "$name" \
					>/dev/null
				echo "${c// /_} $s $b $(cat "$work/one")" \
					>>"$work/times"
			done
		done
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average: $load0 before, $load1 after; $rounds rounds, medians"
python3 - "$work/times" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    c, s, b, wall, user, sys_, kb, flt = line.split()
    rows.setdefault((c, s, b), []).append(
        (float(wall), float(user), float(sys_), int(kb), int(flt)))
print("%-20s %-3s %-3s %7s %7s %7s %7s %8s %8s" % (
    "command", "st", "bld", "wall s", "user s", "sys s", "CPU s",
    "peak MB", "faults"))
for (c, s, b), v in rows.items():
    med = lambda k: statistics.median(x[k] for x in v)
    print("%-20s %-3s %-3s %7.2f %7.2f %7.2f %7.2f %8.1f %8d" % (
        c.replace("_", " ").replace("export -format ", "export "), s, b,
        med(0), med(1), med(2),
        statistics.median(x[1] + x[2] for x in v), med(3) / 1024,
        med(4)))
PY
