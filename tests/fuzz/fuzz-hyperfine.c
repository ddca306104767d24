/*
 * fuzz-hyperfine.c - libFuzzer target for hyperfine JSON (fuzz-format.h).
 */
#define FUZZ_FORMAT "hyperfine"
#include "fuzz-format.h"
