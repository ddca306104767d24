#!/usr/bin/env bash
# Measures cstat's speed and peak memory on the large benchmark input, beside
# references measured in the same run: `cat` of the same input (the floor)
# and the tools built from a reference commit (default: the previous commit).
# Every command of issue 16's goals is measured: the text, CSV, Markdown,
# JSON and HTML outputs, parse only (-filter .name:none), -v1 and cregress.
# Runs are interleaved and medians reported, because the machines are shared
# and noisy; Go benchstat's recorded figures for the same input are printed
# beside them.  With -G, the text path, -v1 and cregress are also measured
# at 2,000, 20,000 and 200,000 benchmarks and the growth fitted.
#
# usage: tests/bench/bench.sh [-n RUNS] [-r COMMIT] [-g GENERATOR] [-G]
#   -n RUNS       runs per measurement (default 5)
#   -r COMMIT     reference commit (default HEAD~1; "none" to skip)
#   -g GENERATOR  the input generator (default ../shared/bench/gen_large.py,
#                 run with its defaults: 2 files x 200,000 results)
#   -G            also measure growth (writes about 400 MB of input)
#   -c CMDS       only these commands, comma-separated (default: all of
#                 cat,text,csv,markdown,json,html,parse,v1,cregress)
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)
runs=5
ref=HEAD~1
gen=$top/../shared/bench/gen_large.py
growth=0
cmds=cat,text,csv,markdown,json,html,parse,v1,cregress
while getopts n:r:g:Gc: o; do
	case $o in
	n) runs=$OPTARG ;;
	r) ref=$OPTARG ;;
	g) gen=$OPTARG ;;
	G) growth=1 ;;
	c) cmds=$OPTARG ;;
	*) exit 2 ;;
	esac
done
work=${TMPDIR:-/tmp}/cstat-bench
mkdir -p "$work"
if [ ! -f "$work/large-old.txt" ]; then
	python3 "$gen" "$work/large" >/dev/null
fi
if [ "$growth" = 1 ]; then
	for n in 2000 200000; do
		[ -f "$work/g$n-old.txt" ] || python3 "$gen" "$work/g$n" "$n" >/dev/null
	done
fi

build() { # SRC DIR
	# A build folder left by another source tree is made afresh.
	meson setup --reconfigure "$2" "$1" --buildtype=release >/dev/null 2>&1 || {
		rm -rf "$2"
		meson setup "$2" "$1" --buildtype=release >/dev/null
	}
	ninja -C "$2" tools/cstat tools/cregress >/dev/null
}
build "$top" "$work/build-cur"
refdir=""
if [ "$ref" != none ] && git rev-parse -q --verify "$ref^{commit}" >/dev/null; then
	rm -rf "$work/ref-src"
	git worktree prune
	git worktree add -f --detach "$work/ref-src" "$ref" >/dev/null 2>&1
	if build "$work/ref-src" "$work/build-ref" 2>/dev/null; then
		refdir=$work/build-ref/tools
	fi
	git worktree remove --force "$work/ref-src" >/dev/null 2>&1 || true
fi

exec python3 "$top/tests/bench/bench.py" "$work" "$runs" "$ref" \
	"$work/build-cur/tools" "$refdir" "$growth" "$cmds"
