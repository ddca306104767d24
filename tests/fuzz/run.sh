#!/usr/bin/env bash
# Builds the reader's libFuzzer target with clang and runs it.
#
# usage: tests/fuzz/run.sh [SECONDS]     (default 600)
#
# New inputs go to a scratch corpus under build-fuzz/; an input that crashes
# is written as build-fuzz/crash-*: copy it into tests/fuzz/corpus/ so the
# normal test suite replays it from then on.
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-600}
out=build-fuzz
mkdir -p "$out/corpus"
find tests/fuzz/corpus -maxdepth 1 -type f -exec cp {} "$out/corpus/" \;
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-ffp-contract=off -D_POSIX_C_SOURCE=200809L -DCSTAT_BUILDING_LIBRARY \
	-Iinclude -Ilib lib/*.c tests/fuzz/fuzz-reader.c -lm -o "$out/fuzz-reader"
cd "$out"
./fuzz-reader -max_total_time="$secs" -max_len=65536 -len_control=0 -timeout=10 \
	-rss_limit_mb=2048 corpus
