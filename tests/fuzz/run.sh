#!/usr/bin/env bash
# Builds the reader's libFuzzer target with clang and runs it.
#
# usage: tests/fuzz/run.sh [SECONDS] [TARGET]
#   SECONDS  how long (default 600)
#   TARGET   reader (default): the benchmark format reader, or
#            query: the -filter and projection parsers
#            config: the gate's settings (cregress's JSON config and flags)
#            v1: cstat -v1's reader, fast path against general
#            FORMAT: one input format's reader (tests/fuzz/fuzz-FORMAT.c,
#            seeds in tests/fuzz/corpus-FORMAT/)
#
# New inputs go to a scratch corpus under build-fuzz/; an input that crashes
# is written as build-fuzz/crash-*: copy it into tests/fuzz/corpus/ so the
# normal test suite replays it from then on.
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-600}
target=${2:-reader}
case $target in
reader) seeds=tests/fuzz/corpus ;;
*) seeds=tests/fuzz/corpus-$target ;;
esac
if [ ! -f "tests/fuzz/fuzz-$target.c" ] || [ ! -d "$seeds" ]; then
	echo "unknown target $target" >&2; exit 2
fi
out=build-fuzz-$target
mkdir -p "$out/corpus"
find "$seeds" -maxdepth 1 -type f -exec cp {} "$out/corpus/" \;
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-ffp-contract=off -D_POSIX_C_SOURCE=200809L -DCSTAT_BUILDING_LIBRARY \
	-Iinclude -Ilib -I/usr/include/cjson lib/*.c lib/readers/*.c \
	"tests/fuzz/fuzz-$target.c" \
	-lcjson -lcsv -lgsl -lgslcblas -lm -pthread \
	-o "$out/fuzz-$target"
cd "$out"
"./fuzz-$target" -max_total_time="$secs" -max_len=65536 -len_control=0 -timeout=10 \
	-rss_limit_mb=2048 corpus
