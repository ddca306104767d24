/*
 * diagnose.h - the data-quality checks as the builder runs them
 * (cstat_builder_diagnose()): each cell's values in the order read, checked
 * on the build threads just before they are sorted, so the checks need no
 * second reading of the inputs and no second copy of the values
 * (diagnose.c, builder.c).
 */
#ifndef CSTAT_DIAGNOSE_H
#define CSTAT_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>

#include "cstat.h"

/* Marks dg as fed by a builder, which keeps only the cells with a
 * finding, or with strong true only those with a strong finding.
 * @return 0, CSTAT_EINVAL (NULL) or CSTAT_ESTATE (dg has results or was
 * run). */
int cstat__diagnose_feed(cstat_diagnose *dg, bool strong);

/* Every check but "too few values" on v[0..n), in run order, with dg's
 * settings, into g (whose labels are left alone).  When dg is fed, a
 * cell that a cheap screen shows cannot have what the builder keeps (a
 * finding, or with strong a strong one) comes back with no findings and
 * its other fields unset; a cell it keeps is the same bit for bit either
 * way.  Reads dg only: build threads call it at once.  @return 0 or
 * CSTAT_ENOMEM. */
int cstat__diagnose_values(const cstat_diagnose *dg, const double *v, size_t n,
			   struct cstat_diagnosis *g);
/* cstat__diagnose_values() given sorted, v[0..n) sorted by
 * cstat__sort_doubles() (the builder sorts a cell's values for its
 * summary anyway), instead of sorting a copy: the same diagnosis.
 * @return 0 or CSTAT_ENOMEM. */
int cstat__diagnose_sorted(const cstat_diagnose *dg, const double *v,
			   const double *sorted, size_t n,
			   struct cstat_diagnosis *g);

/* For the tests: the step test's t for the first k runs of v[0..n)
 * against the rest, as the screen works it out from sums (sums true; NaN
 * where it leaves the cell to the exact arithmetic, or n > 65), or as the
 * check does (NaN where k does not count). */
double cstat__diagnose_step_t(const double *v, size_t n, size_t k, bool sums);

/* Whether a fed dg keeps the cell that cstat__diagnose_values() gave g:
 * one with a finding, or when fed for strong ones one with a strong
 * finding. */
bool cstat__diagnose_keeps(const cstat_diagnose *dg,
			   const struct cstat_diagnosis *g);

/* Makes room for the diagnoses of up to ncells cells before the build
 * keeps any, so that they are written once into memory taken at once (on
 * huge pages, cstat__big_alloc()) instead of into arrays grown by doubling:
 * on the large input 11,625 diagnoses of 280 bytes, 870 page faults of
 * 4 kB.  Does nothing once cells are kept, or for more cells than it
 * would reserve 256 MB of address space for.  @return 0 or CSTAT_ENOMEM. */
int cstat__diagnose_expect(cstat_diagnose *dg, size_t ncells);

/* Keeps g (a cell with a finding) with its labels, copied, and its place
 * for the order of the report.  Not thread-safe: the builder calls it
 * under its lock.  @return 0 or CSTAT_ENOMEM. */
int cstat__diagnose_keep(cstat_diagnose *dg, const struct cstat_diagnosis *g,
			 const char *input, const char *name, const char *unit,
			 size_t table, size_t row, size_t col);

#endif
