/*
 * fuzz-test2json.c - libFuzzer target for the go test -json reader
 * (lib/readers/test2json.c; fuzz-format.h).  tests/fuzz/replay.c runs it
 * over tests/fuzz/corpus-test2json/ in the normal test suite.
 */
#define FUZZ_FORMAT "test2json"
#include "fuzz-format.h"
