/*
 * reader.h - the reader's private entry points (reader.c), for batched
 * reading (readall.c), the store's runs (store.c) and the tests.
 */
#ifndef CSTAT_READER_H
#define CSTAT_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "cstat.h"

/*
 * A number that changes whenever the name of the reader's current result
 * changes: equal numbers mean equal names, without comparing them.  For
 * batched reading (readall.c).
 */
unsigned long cstat__reader_name_serial(const cstat_reader *r);
/* How many first entries of the last result's configuration the result
 * before it (from this reader, in any file) had too, keys and values. */
size_t cstat__reader_config_kept(const cstat_reader *r);

/* Turns the reader's fast path for Go text off (or on again): every line
 * then goes through the general path, which tests compare it with.
 * CSTAT__FAST_BASE keeps it on with the instructions every processor of
 * the build's kind has (no AVX2), so that tests cover both. */
enum { CSTAT__FAST_OFF, CSTAT__FAST_ON, CSTAT__FAST_BASE };
void cstat__reader_set_fast(cstat_reader *r, int how);

/* Frees the reader's input buffer when every byte of it was read (at the
 * end of reading, before building needs the memory); reading again
 * allocates it again. */
void cstat__reader_drop_buffer(cstat_reader *r);

/*
 * For parsing later inputs ahead on another thread (readall.c): a new
 * reader with r's limits and settings but none of its state, the number
 * of Unit metadata entries r holds (with none, a new reader parses the
 * next input exactly as r would), and from's entries added to r's.
 */
int cstat__reader_fork(const cstat_reader *r, cstat_reader **out);
size_t cstat__reader_meta_count(const cstat_reader *r);
int cstat__reader_merge_meta(cstat_reader *r, const cstat_reader *from);

/*
 * Unit metadata for a reader without a "Unit" line (the store's runs hand
 * theirs over so): key = value for the unit of len bytes at unit, tidied
 * as a Unit line's unit is, kept as one would keep it.
 * @return 0; CSTAT_ESYNTAX when the unit already has another value for
 *         key (d says which, without file or line: the caller knows
 *         where it came from); CSTAT_ENOMEM.
 */
int cstat__reader_add_unit_meta(cstat_reader *r, const char *unit, size_t len,
				const char *key, const char *value,
				struct cstat_diag *d);

#endif /* CSTAT_READER_H */
