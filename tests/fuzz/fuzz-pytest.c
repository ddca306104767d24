/*
 * fuzz-pytest.c - libFuzzer target for pytest-benchmark JSON
 * (fuzz-format.h).
 */
#define FUZZ_FORMAT "pytest"
#include "fuzz-format.h"
