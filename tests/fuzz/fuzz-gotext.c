/*
 * fuzz-gotext.c - libFuzzer target for the reader's fast path for Go text:
 * the input is read with the fast path on and off (fast-slow.h), with the
 * default line ceiling and with one of 64 bytes, and any difference in
 * the results or errors aborts.  Nothing else runs, so it tries some
 * twenty times more inputs a second than the whole pipeline
 * (fuzz-reader.c).  Seeds: tests/fuzz/corpus-gotext/; tests/fuzz/replay.c
 * replays them in the normal test suite.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fast-slow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;

	if (fast_slow_compare(text, size, 0) < 0 ||
	    fast_slow_compare(text, size, 64) < 0)
		abort();
	return 0;
}
