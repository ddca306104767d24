/*
 * fuzz-criterion.c - libFuzzer target for criterion's raw.csv: the CSV
 * target (fuzz-csv.c) with the criterion format.
 */
#define FUZZ_FORMAT "criterion"
#include "fuzz-csv.c"
