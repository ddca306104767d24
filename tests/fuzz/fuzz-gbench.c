/*
 * fuzz-gbench.c - libFuzzer target for the Google Benchmark JSON reader
 * (lib/readers/gbench.c; fuzz-format.h).  tests/fuzz/replay.c runs it over
 * tests/fuzz/corpus-gbench/ in the normal test suite.
 */
#define FUZZ_FORMAT "gbench"
#include "fuzz-format.h"
