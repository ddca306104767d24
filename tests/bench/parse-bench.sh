#!/usr/bin/env bash
# Measures the parse-only path, `cstat -filter .name:none OLD NEW` (every
# result read, parsed and handed to the builder, none kept), beside `cat`
# of the same files and a reference build, interleaved in the same loop;
# then the reader alone on one thread (tests/bench/read-only.c, CPU time
# per pass, the fastest of 5 passes a run) for both builds, alternating; then the peak memory of the parse-only path
# on inputs of 2,000, 20,000 and 200,000 benchmarks (10 results each), which
# must not grow with the file.  Medians, because the machines are shared.
#
# usage: tests/bench/parse-bench.sh [-n RUNS] [-r COMMIT | -b REFBUILD]
#   -n RUNS      runs per measurement (default 9)
#   -r COMMIT    reference commit, built in release mode (default HEAD~1)
#   -b REFBUILD  an existing release build of the reference instead
#                (its tools/cstat and lib/libcstat.a)
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)
runs=9
ref=HEAD~1
refdir=""
gen=$top/../shared/bench/gen_large.py
while getopts n:r:b: o; do
	case $o in
	n) runs=$OPTARG ;;
	r) ref=$OPTARG ;;
	b) refdir=$OPTARG ;;
	*) exit 2 ;;
	esac
done
work=${TMPDIR:-/tmp}/cstat-bench
mkdir -p "$work"
for n in 2000 20000 200000; do
	[ -f "$work/p$n-old.txt" ] || python3 "$gen" "$work/p$n" "$n" >/dev/null
done
old=$work/p20000-old.txt
new=$work/p20000-new.txt
libs="$(pkg-config --libs libcjson gsl) -lcsv -lm -pthread"

build() { # SRC DIR
	meson setup "$2" "$1" --buildtype=release >/dev/null 2>&1 ||
		meson setup --reconfigure "$2" "$1" --buildtype=release >/dev/null
	ninja -C "$2" tools/cstat lib/libcstat.a >/dev/null
}
build "$top" "$work/build-cur"
if [ -z "$refdir" ]; then
	rm -rf "$work/ref-src"
	git worktree prune
	git worktree add -f --detach "$work/ref-src" "$ref" >/dev/null 2>&1
	build "$work/ref-src" "$work/build-ref"
	git worktree remove --force "$work/ref-src" >/dev/null 2>&1 || true
	refdir=$work/build-ref
fi
for v in cur ref; do
	d=$work/build-cur
	[ $v = ref ] && d=$refdir
	cc -O2 -Iinclude tests/bench/read-only.c "$d/lib/libcstat.a" $libs \
		-o "$work/read-only-$v"
done

# Wall, CPU (user + system) and peak RSS of each run, interleaved.
: >"$work/parse-times"
for ((i = 0; i < runs; i++)); do
	for v in cat cur ref; do
		case $v in
		cat) cmd=(cat) ;;
		cur) cmd=("$work/build-cur/tools/cstat" -filter .name:none) ;;
		ref) cmd=("$refdir/tools/cstat" -filter .name:none) ;;
		esac
		/usr/bin/time -f "$v %e %U %S %M" "${cmd[@]}" "$old" "$new" \
			2>&1 >/dev/null | tail -1 >>"$work/parse-times"
	done
done
echo "input: $(($(stat -c %s "$old") + $(stat -c %s "$new"))) bytes," \
	"2 files x 200,000 results; $runs runs each, medians"
python3 - "$work/parse-times" <<'PY'
import statistics as st, sys
d = {}
for line in open(sys.argv[1]):
    k, w, u, s, m = line.split()
    d.setdefault(k, []).append((float(w), float(u) + float(s), int(m)))
print("%-28s %8s %8s %10s" % ("", "wall s", "CPU s", "RSS KB"))
for k, name in (("cat", "cat"), ("cur", "cstat -filter .name:none"),
                ("ref", "reference")):
    v = d[k]
    print("%-28s %8.3f %8.3f %10d" % (name, st.median(x[0] for x in v),
          st.median(x[1] for x in v), st.median(x[2] for x in v)))
c, r = d["cur"], d["ref"]
print("ratio to reference: wall %.2f, CPU %.2f" % (
    st.median(x[0] for x in c) / st.median(x[0] for x in r),
    st.median(x[1] for x in c) / st.median(x[1] for x in r)))
PY
# The reader alone: RUNS runs of each build, alternating, each the fastest
# of 5 passes (the least disturbed by neighbours) in MB/s of input.
: >"$work/reader-rates"
for ((i = 0; i < runs; i++)); do
	for v in cur ref; do
		echo "$v $("$work/read-only-$v" -n 5 "$old" "$new" | tail -1 |
			awk '{print $(NF - 1)}')" >>"$work/reader-rates"
	done
done
python3 - "$work/reader-rates" "$runs" <<'PY'
import statistics as st, sys
d = {}
for line in open(sys.argv[1]):
    k, v = line.split()
    d.setdefault(k, []).append(float(v))
ratios = [c / r for c, r in zip(d["cur"], d["ref"])]
print("the reader alone, one thread (%s runs of each, alternating, the "
      "fastest of 5 passes each):" % sys.argv[2])
for k in ("cur", "ref"):
    print("  %s: median %.0f MB/s (runs from %.0f to %.0f)" % (
        k, st.median(d[k]), min(d[k]), max(d[k])))
print("  median ratio of paired runs: %.2f" % st.median(ratios))
PY
echo "peak RSS of the parse-only path (KB) by input size:"
for n in 2000 20000 200000; do
	f=$work/p$n
	echo "$n benchmarks, $(($(stat -c %s "$f-old.txt") / 1000000)) MB a file:" \
		"$(/usr/bin/time -f %M "$work/build-cur/tools/cstat" \
			-filter .name:none "$f-old.txt" "$f-new.txt" 2>&1 >/dev/null |
			tail -1)"
done
