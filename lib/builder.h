/*
 * builder.h - the builder's private entry points (builder.c), for batched
 * reading (readall.c) and for the history reader (history-read.c).
 */
#ifndef CSTAT_BUILDER_H
#define CSTAT_BUILDER_H

#include <stdbool.h>
#include <stddef.h>

#include "cstat.h"
#include "containers.h"

/*
 * Adds n more values to the cells the builder's last result went to, as if
 * a result with the same name, file, configuration and units had been
 * added.  For batched reading (readall.c).
 * @return 0 (also when -filter dropped the last result whole: it drops
 *         this one too), CSTAT_ENOMEM, or CSTAT_ESTATE (the last add did
 *         not record its cells, or had another number of values).
 */
int cstat__builder_append_last(cstat_builder *b, const double *vals, size_t n);

/*
 * Whether the builder's -filter drops every value of res, decided without
 * touching the builder (so on another thread while it adds), with
 * scratch as the caller's own; false when only adding can tell (a filter
 * on .unit or with a regexp).
 */
bool cstat__builder_drops(const cstat_builder *b,
			  const struct cstat_result *res,
			  struct cstat__buf *scratch);

/*
 * Whether cstat__builder_drops() can ever say true for b: a parsing
 * thread asks once, before the builder starts adding, rather than reading
 * the builder (a cache line the adder writes) for every result.
 */
bool cstat__builder_may_drop(const cstat_builder *b);

/*
 * Says that the next result added to b starts a run of nrun results of
 * one benchmark whose other values will come by
 * cstat__builder_append_last(): a new cell gets room for exactly that
 * many values.  0 (the default) when unknown.
 */
void cstat__builder_expect(cstat_builder *b, size_t nrun);
/*
 * Says, after cstat__builder_expect(), which of that run's values are
 * the same in every result of it (bit i: values[i], for i below 64): a
 * new cell then keeps such a value once, however long the run.
 */
void cstat__builder_expect_same(cstat_builder *b, uint64_t same);
/* The 4-byte words b's tables' values take so far, room given up
 * included: what a test or a benchmark weighs the ways of keeping them
 * by. */
size_t cstat__builder_value_words(const cstat_builder *b);
/*
 * Says that the next result added keeps the first k entries of the last
 * result's configuration (the last added, filtered or not): the
 * projections then redo only the others, and no configuration text is
 * compared or copied.  For the next cstat_builder_add() only.
 */
void cstat__builder_config_same(cstat_builder *b, size_t k);

/*
 * Makes b build the cells only: each cell's summary, without comparisons
 * between columns or geomean rows (history views look at cells only).
 * Tables built so cannot be rendered by cstat_tables_write().
 */
void cstat__builder_cells_only(cstat_builder *b);

#endif /* CSTAT_BUILDER_H */
