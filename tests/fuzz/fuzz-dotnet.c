/*
 * fuzz-dotnet.c - libFuzzer target for the BenchmarkDotNet JSON reader
 * (lib/readers/dotnet.c; fuzz-format.h).  tests/fuzz/replay.c runs it over
 * the saved corpus (tests/fuzz/corpus-dotnet/) in the normal test suite.
 */
#define FUZZ_FORMAT "dotnet"
#include "fuzz-format.h"
