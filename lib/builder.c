/*
 * builder.c - groups results into tables and computes their statistics.
 *
 * This is benchstat's benchtab.Builder.  Every value of every result is
 * projected to a table key (configuration and unit), a row key (name) and a
 * column key (file), and appended to the sample of that cell.  Building
 * sorts the keys, summarizes each cell (median and its confidence interval,
 * or the mode for assume=exact units), compares it with the first column of
 * its row (Mann-Whitney U test), and adds the geomean row.
 *
 * The hot path is cstat_builder_add(): a few hash lookups per value and no
 * allocation once the cells exist.
 */
#include <limits.h>
#include <pthread.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cstat-private.h"
#include "diagnose.h"
#include "numfmt.h"
#include "parse.h"
#include "project.h"
#include "linre.h"
#include "stats.h"
#include "tables.h"

/*
 * A cell being filled: 24 bytes, as there can be 100,000s.  Its values
 * are kept in its table's slab as 4-byte decimal codes (vcode_of) while
 * every one of them has one, else as doubles (wide): benchmark values are
 * mostly decimals of a few digits, and 1.2 million of them then take
 * 4.8 MB instead of 9.6.  A cell whose values are all the same code (a
 * run's B/op or allocs/op, mostly) keeps that code once (same), and n
 * says how many times; the first other value spreads it out.
 */
struct bcell {
	uint32_t at; /* where its values start in the slab, in 4-byte words */
	uint32_t n;
	uint32_t cap : 30;
	uint32_t wide : 1;
	uint32_t same : 1; /* n values, all the code at slab[at] */
	uint32_t trow;	   /* global table-row index */
	uint32_t col;	   /* column key */
	uint32_t next;	   /* next cell of the same table row, + 1 */
};

/* A cell's residue keys, kept only when there is a residue. */
struct bres {
	uint32_t res0; /* first residue key */
	uint32_t resx; /* index + 1 in the builder's resx, or 0 */
};

/* The further residue keys of a cell whose results differ in them. */
struct resx {
	uint32_t *ids;
	size_t n, cap;
};

struct btable {
	uint32_t key;
	/* The cell of the last value added, to skip the lookups. */
	uint32_t last_row, last_col, last_cell;
	bool last_valid;
	uint32_t *trows; /* global table-row indices */
	size_t ntrows, trows_cap;
	/* The table's cells and their values: building a table frees them,
	 * so the builder shrinks as the tables grow. */
	struct bcell *cells;
	size_t ncells, cells_cap;
	size_t cells_mapped, slab_mapped; /* cstat__prefault()'s marks */
	struct bres *res; /* by cell, when the builder has a residue */
	size_t res_cap;
	uint32_t *slab; /* the cells' values */
	size_t slab_len, slab_cap;
	size_t nvals;  /* values in its cells, all told */
	uint32_t hint; /* the places and scaling of its last value code */
	/* Its cells' distinct column keys, in the order first seen, and a
	 * bit per column key it has: the build takes its columns from here
	 * instead of a pass over every cell, written an input ago. */
	uint32_t *cols;
	size_t ncols, cols_cap;
	uint64_t *col_bits;
	size_t col_words;
};

/*
 * A row of one table.  The rows of one row key, and the cells of one row,
 * are chained, so finding a cell walks a short list of recently made
 * records instead of probing a hash map in cold memory; a chain longer
 * than CHAIN_MAX switches to the maps.
 */
struct trow {
	uint32_t table;
	uint32_t row;	     /* row key */
	uint32_t next;	     /* next table row of the same row key, + 1 */
	uint32_t first_cell; /* + 1 */
	uint32_t ncells;
	/* The first cell's column: a row of two columns (the usual old and
	 * new) finds that its second is new without reading its first
	 * cell, which was written an input ago and is out of cache. */
	uint32_t first_col;
	/* Its cells' largest column: a history adds each run as a column
	 * after every earlier one, so a new cell is known new without the
	 * map. */
	uint32_t max_col;
	/* Whether cell_map holds its cells: only once a lookup needs it
	 * (a column not past max_col in a row of more than CHAIN_MAX
	 * cells), so a history's 5,000,000 cells are not all in it. */
	bool mapped;
};

#define CHAIN_MAX 8

/* A value a watched key had in a column (string ids). */
struct watched {
	uint32_t col, key, value;
};

struct cstat_builder {
	struct cstat__strtab strs;
	struct cstat__proj table_proj, row_proj, col_proj, residue_proj;
	bool has_residue;

	struct btable *tables;
	size_t ntables, tables_cap;
	uint32_t *table_of_key; /* by table key id: index + 1 */
	size_t table_of_key_cap;

	struct trow *trows;
	size_t ntrows, trows_cap;
	size_t trows_mapped; /* cstat__prefault()'s mark */
	size_t ncells;	     /* cells made, in every table */
	/* How many values the result being added brings to each of its
	 * cells (a run of one benchmark, cstat__builder_expect), or 0; and
	 * which of its values (bit i: values[i]) are the same all through
	 * the run (cstat__builder_expect_same). */
	uint32_t expect;
	uint64_t expect_same;
	struct resx *resx;
	size_t nresx, resx_cap;

	/* By row key: its first table row + 1, and how many it has. */
	uint32_t *row_first, *row_ntrows;
	size_t row_cap;
	/* For long chains only. */
	struct cstat__u64map trow_map; /* table << 32 | row key -> trow */
	struct cstat__u64map cell_map; /* trow << 32 | col key -> cell */

	/*
	 * The table of each value position for the last configuration seen:
	 * consecutive results share a configuration and list the same units,
	 * so most values find their table without hashing its key.
	 */
	unsigned long tk_gen; /* the table projection's gen they are for */
	bool tk_valid;
	uint32_t tk_unit[8], tk_table[8];
	bool tk_has[8];
	/*
	 * The identity of the last result added (name, file, configuration)
	 * and its keys: runs of results of one benchmark skip projecting.
	 */
	/* -filter, or NULL for "*"; its scratch. */
	struct cstat__fnode *filter;
	/* -filter tests .unit, so it decides value by value; else once a
	 * result. */
	bool filter_by_unit;
	/* The filter only compares literals (no regexp scratch): another
	 * thread may evaluate it (cstat__builder_drops). */
	bool filter_shared;
	/* A summaries-only build gave the strings to its tables: what is
	 * left of strs is empty. */
	bool strs_given;
	/* -filter dropped the last result whole: a result with the same
	 * name, file, configuration and units is dropped too. */
	bool last_dropped;
	struct cstat__buf fscratch;
	struct cstat_value *fvalues;
	size_t fvalues_cap;
	struct cstat__buf last_id;
	bool last_valid;
	bool id_text; /* last_id holds the configuration's text */
	/* cstat__builder_config_same(): what the next result's configuration
	 * keeps of the last one's (known), and that one's entry count. */
	size_t cfg_same, last_nconfig;
	bool cfg_known;
	bool last_filtered; /* the last result was filtered out */
	/* The cells the last result's values went to (when at most 8). */
	uint32_t last_cells[8], last_tables[8];
	size_t last_nv; /* 0: none */
	uint32_t last_row, last_col, last_residue;
	/* The last unit's string id per value position (when has), found
	 * again by its text: results list the same units in the same
	 * order. */
	bool last_unit_has[8];
	uint32_t last_unit_id[8];
	bool built;
	/* cstat_builder_watch(): the keys, and every (column, key, value) a
	 * result had, in first-seen order; the configuration and column they
	 * were last noted for, to skip noting them again. */
	char **watch;
	size_t nwatch;
	struct watched *watched;
	size_t nwatched, watched_cap;
	struct cstat__buf watch_text;
	uint32_t watch_col;
	bool watch_valid, watch_by_name;
	/* By watched key, when watch_pos_valid: the first entry of the
	 * last noted result's configuration that has it (SIZE_MAX: none),
	 * and its value's id.  watch_kept: the first entries every result
	 * since kept (cstat__builder_config_same()), when all said so
	 * (watch_known): a key found among them has the same value. */
	size_t *watch_pos;
	uint32_t *watch_vid;
	size_t watch_kept, watch_nconfig;
	bool watch_pos_valid, watch_known;
	bool cells_only;     /* cstat__builder_cells_only() */
	bool summaries_only; /* cstat_builder_summaries_only() */
	cstat_diagnose *dg;  /* cstat_builder_diagnose() */
};

void
cstat_builder_free(cstat_builder *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->ntables; i++) {
		free(b->tables[i].trows);
		free(b->tables[i].cells);
		free(b->tables[i].res);
		free(b->tables[i].slab);
		free(b->tables[i].cols);
		free(b->tables[i].col_bits);
	}
	for (size_t i = 0; i < b->nresx; i++)
		free(b->resx[i].ids);
	free(b->resx);
	free(b->tables);
	free(b->table_of_key);
	cstat__buf_release(&b->last_id);
	cstat__filter_free(b->filter);
	cstat__buf_release(&b->fscratch);
	free(b->fvalues);
	free(b->trows);
	cstat__u64map_release(&b->trow_map);
	cstat__u64map_release(&b->cell_map);
	free(b->row_first);
	free(b->row_ntrows);
	cstat__proj_release(&b->table_proj);
	cstat__proj_release(&b->row_proj);
	cstat__proj_release(&b->col_proj);
	cstat__proj_release(&b->residue_proj);
	cstat__strtab_release(&b->strs);
	for (size_t i = 0; i < b->nwatch; i++)
		free(b->watch[i]);
	free(b->watch);
	free(b->watched);
	free(b->watch_pos);
	free(b->watch_vid);
	cstat__buf_release(&b->watch_text);
	free(b);
}

/* Names of the projection flags, in the order benchstat parses them. */
static const char *const flag_names[] = {"-table", "-row", "-col", "-ignore"};

/* What parsing the projections found across all four flags. */
struct specs {
	bool have_config, have_fullname;
	char **config_keys, **name_keys; /* named anywhere */
	size_t nconfig_keys, nname_keys;
};

static int
push_key(char ***v, size_t *n, const char *key)
{
	char **g = realloc(*v, (*n + 1) * sizeof(**v));

	if (!g)
		return CSTAT_ENOMEM;
	*v = g;
	g[*n] = strdup(key);
	if (!g[*n])
		return CSTAT_ENOMEM;
	(*n)++;
	return 0;
}

/* Reports a projection error as benchstat does: "parsing -col: ...". */
static int
spec_error(struct cstat_diag *d, int flag, const char *q, size_t off,
	   const char *msg)
{
	struct cstat__perror e = {off, ""};
	char text[400];

	snprintf(e.msg, sizeof(e.msg), "%.*s", (int)sizeof(e.msg) - 1, msg);
	cstat__syntax_error_format(q, &e, text, sizeof(text));
	cstat__diag_set(d, NULL, 0, 0, "parsing %s: %s", flag_names[flag],
			text);
	return CSTAT_EINVAL;
}

/*
 * Adds the fields of one flag's projection to p (NULL for -ignore, which
 * only names keys), as benchproc's makeProjection does.
 */
static int
add_projection(struct cstat__proj *p, struct specs *sp, int flag, const char *q,
	       struct cstat_diag *d)
{
	struct cstat__pfield *f;
	struct cstat__perror e;
	size_t n;
	int rc = cstat__parse_projection(q, &f, &n, &e);

	if (rc == CSTAT_ESYNTAX) {
		char text[400];
		cstat__syntax_error_format(q, &e, text, sizeof(text));
		cstat__diag_set(d, NULL, 0, 0, "parsing %s: %s",
				flag_names[flag], text);
		return CSTAT_EINVAL;
	}
	if (rc)
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		enum cstat__order order;
		const char *key = f[i].key;
		if (strcmp(f[i].order, "first") == 0) {
			order = CSTAT__O_FIRST;
		} else if (strcmp(f[i].order, "fixed") == 0) {
			order = CSTAT__O_FIXED;
		} else if (strcmp(f[i].order, "alpha") == 0) {
			order = CSTAT__O_ALPHA;
		} else if (strcmp(f[i].order, "num") == 0) {
			order = CSTAT__O_NUM;
		} else {
			char msg[300];
			snprintf(msg, sizeof(msg), "unknown order \"%s\"",
				 f[i].order);
			rc = spec_error(d, flag, q, f[i].order_off, msg);
			break;
		}
		if (strcmp(key, ".config") == 0) {
			if (order == CSTAT__O_FIXED) {
				rc = spec_error(d, flag, q, f[i].order_off,
						"fixed order not allowed for "
						".config");
				break;
			}
			sp->have_config = true;
			if (p)
				rc = cstat__proj_add_config(p);
			continue;
		}
		if (strcmp(key, ".unit") == 0) {
			rc = spec_error(d, flag, q, f[i].key_off,
					".unit is only allowed in filters");
			break;
		}
		if (key[0] == '\0') {
			rc = spec_error(d, flag, q, f[i].key_off,
					"key must not be empty");
			break;
		}
		if (strcmp(key, ".fullname") == 0)
			sp->have_fullname = true;
		else if (strcmp(key, ".name") == 0 || key[0] == '/')
			rc = push_key(&sp->name_keys, &sp->nname_keys, key);
		else if (strcmp(key, ".file") != 0)
			rc = push_key(&sp->config_keys, &sp->nconfig_keys, key);
		if (!rc && p)
			rc = cstat__proj_add_field(p, key, order);
		if (!rc && p && order == CSTAT__O_FIXED)
			rc = cstat__proj_set_fixed(p, f[i].fixed, f[i].nfixed);
	}
	cstat__pfields_free(f, n);
	return rc;
}

/* Parses -table, -row, -col and -ignore into the builder's projections. */
static int
setup_projections(cstat_builder *b, const struct cstat_builder_opts *o,
		  struct cstat_diag *d)
{
	const char *q[4] = {
		o && o->table ? o->table : ".config",
		o && o->row ? o->row : ".fullname",
		o && o->col ? o->col : ".file",
		o && o->ignore ? o->ignore : "",
	};
	struct cstat__proj *projs[4] = {&b->table_proj, &b->row_proj,
					&b->col_proj, NULL};
	struct specs sp = {0};
	int rc = 0;

	for (int i = 0; i < 4 && !rc; i++) {
		rc = add_projection(projs[i], &sp, i, q[i], d);
		if (!rc && i == 0)
			rc = cstat__proj_add_unit(&b->table_proj);
	}
	/* The residue: whatever .config and .fullname leave unnamed. */
	if (!rc && !sp.have_config)
		rc = cstat__proj_add_config(&b->residue_proj);
	if (!rc && !sp.have_fullname)
		rc = cstat__proj_add_field(&b->residue_proj, ".fullname",
					   CSTAT__O_FIRST);
	b->has_residue = b->residue_proj.nparts > 0;
	/* Keys named anywhere leave the groups that would repeat them. */
	struct cstat__proj *all[4] = {&b->table_proj, &b->row_proj,
				      &b->col_proj, &b->residue_proj};
	for (int i = 0; i < 4 && !rc; i++) {
		for (size_t k = 0; k < sp.nconfig_keys && !rc; k++)
			rc = cstat__proj_exclude_config(all[i],
							sp.config_keys[k]);
		for (size_t k = 0; k < sp.nname_keys && !rc; k++)
			rc = cstat__proj_exclude_name(all[i], sp.name_keys[k]);
	}
	for (size_t k = 0; k < sp.nconfig_keys; k++)
		free(sp.config_keys[k]);
	for (size_t k = 0; k < sp.nname_keys; k++)
		free(sp.name_keys[k]);
	free(sp.config_keys);
	free(sp.name_keys);
	return rc;
}

/* Whether every match of filter node n and below is a literal. */
static bool
literal_only(const struct cstat__fnode *n)
{
	if (n->kind == CSTAT__FN_MATCH)
		return !n->re;
	for (size_t k = 0; k < n->nkids; k++)
		if (!literal_only(n->kids[k]))
			return false;
	return true;
}

/* Whether filter node n or one below it matches on .unit. */
static bool
tests_unit(const struct cstat__fnode *n)
{
	if (n->kind == CSTAT__FN_MATCH)
		return strcmp(n->key, ".unit") == 0;
	for (size_t k = 0; k < n->nkids; k++)
		if (tests_unit(n->kids[k]))
			return true;
	return false;
}

static int
setup_filter(cstat_builder *b, const struct cstat_builder_opts *o,
	     struct cstat_diag *d)
{
	const char *q = o && o->filter ? o->filter : "*";
	struct cstat__perror e;
	char text[400];
	int rc;

	if (strcmp(q, "*") == 0)
		return 0;
	rc = cstat__parse_filter(q, &b->filter, &e);
	if (rc == CSTAT_ESYNTAX) {
		cstat__syntax_error_format(q, &e, text, sizeof(text));
		cstat__diag_set(d, NULL, 0, 0, "parsing -filter: %s", text);
		return CSTAT_EINVAL;
	}
	if (!rc) {
		b->filter_by_unit = tests_unit(b->filter);
		b->filter_shared =
			!b->filter_by_unit && literal_only(b->filter);
	}
	return rc;
}

int
cstat_builder_new(cstat_builder **out, const struct cstat_builder_opts *opts,
		  struct cstat_diag *d)
{
	cstat_builder *b;
	int rc;

	if (!out)
		return CSTAT_EINVAL;
	*out = NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return CSTAT_ENOMEM;
	rc = cstat__strtab_init(&b->strs);
	if (rc) {
		free(b);
		return rc;
	}
	cstat__proj_init(&b->table_proj, &b->strs);
	cstat__proj_init(&b->row_proj, &b->strs);
	cstat__proj_init(&b->col_proj, &b->strs);
	cstat__proj_init(&b->residue_proj, &b->strs);
	cstat__u64map_init(&b->trow_map);
	cstat__u64map_init(&b->cell_map);
	/* benchstat parses -filter first, then the projections. */
	rc = setup_filter(b, opts, d);
	if (!rc)
		rc = setup_projections(b, opts, d);
	if (rc) {
		cstat_builder_free(b);
		return rc;
	}
	*out = b;
	return 0;
}

static int
table_for_key(cstat_builder *b, uint32_t key, uint32_t *out)
{
	if (key < b->table_of_key_cap && b->table_of_key[key]) {
		*out = b->table_of_key[key] - 1;
		return 0;
	}
	size_t old = b->table_of_key_cap;
	if (cstat__grow((void **)&b->table_of_key, &b->table_of_key_cap,
			(size_t)key + 1, sizeof(*b->table_of_key)))
		return CSTAT_ENOMEM;
	memset(b->table_of_key + old, 0,
	       (b->table_of_key_cap - old) * sizeof(*b->table_of_key));
	if (cstat__grow((void **)&b->tables, &b->tables_cap, b->ntables + 1,
			sizeof(*b->tables)))
		return CSTAT_ENOMEM;
	memset(&b->tables[b->ntables], 0, sizeof(b->tables[0]));
	b->tables[b->ntables].key = key;
	b->table_of_key[key] = (uint32_t)++b->ntables;
	*out = (uint32_t)(b->ntables - 1);
	return 0;
}

static int
push_u32(uint32_t **v, size_t *n, size_t *cap, uint32_t x)
{
	if (cstat__grow((void **)v, cap, *n + 1, sizeof(**v)))
		return CSTAT_ENOMEM;
	(*v)[(*n)++] = x;
	return 0;
}

/* How many records ahead of the one written new cells and table rows
 * ask for their memory (prefetched for writing: a hint, never a fault,
 * so past the end of the array is harmless). */
#define PREFETCH_AHEAD 16

/* The table row (table, row), or UINT32_MAX. */
static uint32_t
find_trow(const cstat_builder *b, uint32_t table, uint32_t row)
{
	if (row >= b->row_cap || !b->row_first[row])
		return UINT32_MAX;
	if (b->row_ntrows[row] > CHAIN_MAX)
		return cstat__u64map_get(&b->trow_map,
					 (uint64_t)table << 32 | row);
	for (uint32_t i = b->row_first[row]; i; i = b->trows[i - 1].next)
		if (b->trows[i - 1].table == table)
			return i - 1;
	return UINT32_MAX;
}

static int
new_trow(cstat_builder *b, uint32_t table, uint32_t row, uint32_t *out)
{
	struct btable *t = &b->tables[table];
	int rc;

	if (row >= b->row_cap) {
		size_t old = b->row_cap, c2 = b->row_cap;
		if (cstat__grow((void **)&b->row_first, &b->row_cap,
				(size_t)row + 1, sizeof(*b->row_first)) ||
		    cstat__grow((void **)&b->row_ntrows, &c2, (size_t)row + 1,
				sizeof(*b->row_ntrows)))
			return CSTAT_ENOMEM;
		memset(b->row_first + old, 0,
		       (b->row_cap - old) * sizeof(*b->row_first));
		memset(b->row_ntrows + old, 0,
		       (b->row_cap - old) * sizeof(*b->row_ntrows));
	}
	if (cstat__grow((void **)&b->trows, &b->trows_cap, b->ntrows + 1,
			sizeof(*b->trows)))
		return CSTAT_ENOMEM;
	uint32_t tr = (uint32_t)b->ntrows++;
	cstat__prefault(b->trows, b->ntrows * sizeof(*b->trows),
			b->trows_cap * sizeof(*b->trows), &b->trows_mapped);
	__builtin_prefetch(&b->trows[tr + PREFETCH_AHEAD], 1, 3);
	b->trows[tr] =
		(struct trow){table, row, b->row_first[row], 0, 0, 0, 0, false};
	b->row_first[row] = tr + 1;
	uint32_t n = ++b->row_ntrows[row];
	/* Past CHAIN_MAX the map holds every table row of this row key. */
	if (n == CHAIN_MAX + 1) {
		for (uint32_t i = b->row_first[row]; i;
		     i = b->trows[i - 1].next)
			if (cstat__u64map_put(
				    &b->trow_map,
				    (uint64_t)b->trows[i - 1].table << 32 | row,
				    i - 1))
				return CSTAT_ENOMEM;
	} else if (n > CHAIN_MAX + 1) {
		rc = cstat__u64map_put(&b->trow_map,
				       (uint64_t)table << 32 | row, tr);
		if (rc)
			return rc;
	}
	*out = tr;
	return push_u32(&t->trows, &t->ntrows, &t->trows_cap, tr);
}

/* Puts every cell of table row tr into cell_map. */
static int
map_trow(cstat_builder *b, uint32_t tr)
{
	struct trow *r = &b->trows[tr];
	const struct bcell *cells = b->tables[r->table].cells;

	for (uint32_t i = r->first_cell; i; i = cells[i - 1].next)
		if (cstat__u64map_put(&b->cell_map,
				      (uint64_t)tr << 32 | cells[i - 1].col,
				      i - 1))
			return CSTAT_ENOMEM;
	r->mapped = true;
	return 0;
}

/* The cell of table row tr in column col into *out, or UINT32_MAX. */
static int
find_cell(cstat_builder *b, uint32_t tr, uint32_t col, uint32_t *out)
{
	struct trow *r = &b->trows[tr];
	const struct bcell *cells = b->tables[r->table].cells;

	*out = UINT32_MAX;
	if (!r->first_cell)
		return 0;
	if (r->first_col == col) {
		*out = r->first_cell - 1;
		return 0;
	}
	if (r->ncells == 1 || col > r->max_col)
		return 0;
	if (r->ncells > CHAIN_MAX) {
		int rc = r->mapped ? 0 : map_trow(b, tr);
		if (!rc)
			*out = cstat__u64map_get(&b->cell_map,
						 (uint64_t)tr << 32 | col);
		return rc;
	}
	for (uint32_t i = cells[r->first_cell - 1].next; i;
	     i = cells[i - 1].next)
		if (cells[i - 1].col == col) {
			*out = i - 1;
			break;
		}
	return 0;
}

/* Notes col among t's columns, if it is new there. */
static int
table_col(struct btable *t, uint32_t col)
{
	size_t w = col / 64;
	uint64_t bit = (uint64_t)1 << (col % 64);

	if (w < t->col_words && (t->col_bits[w] & bit))
		return 0;
	if (w >= t->col_words) {
		size_t old = t->col_words;
		if (cstat__grow((void **)&t->col_bits, &t->col_words, w + 1,
				sizeof(*t->col_bits)))
			return CSTAT_ENOMEM;
		memset(t->col_bits + old, 0,
		       (t->col_words - old) * sizeof(*t->col_bits));
	}
	if (push_u32(&t->cols, &t->ncols, &t->cols_cap, col))
		return CSTAT_ENOMEM;
	t->col_bits[w] |= bit;
	return 0;
}

static int
new_cell(cstat_builder *b, uint32_t tr, uint32_t col, uint32_t residue,
	 uint32_t *out)
{
	struct btable *t = &b->tables[b->trows[tr].table];

	if (table_col(t, col))
		return CSTAT_ENOMEM;
	if (cstat__grow((void **)&t->cells, &t->cells_cap, t->ncells + 1,
			sizeof(*t->cells)))
		return CSTAT_ENOMEM;
	uint32_t ci = (uint32_t)t->ncells++;
	b->ncells++;
	cstat__prefault(t->cells, t->ncells * sizeof(*t->cells),
			t->cells_cap * sizeof(*t->cells), &t->cells_mapped);
	struct trow *r = &b->trows[tr];
	struct bcell *c = &t->cells[ci];
	/* New cells are written in turn: ask for the line a few ahead now,
	 * so that writing it later does not wait for memory. */
	__builtin_prefetch(c + PREFETCH_AHEAD, 1, 3);
	memset(c, 0, sizeof(*c));
	c->trow = tr;
	c->col = col;
	if (b->has_residue) {
		if (cstat__grow((void **)&t->res, &t->res_cap, ci + 1,
				sizeof(*t->res)))
			return CSTAT_ENOMEM;
		t->res[ci] = (struct bres){residue, 0};
	}
	c->next = r->first_cell;
	if (!r->first_cell || col > r->max_col)
		r->max_col = col;
	r->first_cell = ci + 1;
	r->first_col = col;
	r->ncells++;
	if (r->mapped &&
	    cstat__u64map_put(&b->cell_map, (uint64_t)tr << 32 | col, ci))
		return CSTAT_ENOMEM;
	*out = ci;
	return 0;
}

/* The cell of (table, row, col), created with its row if need be. */
static int
cell_for(cstat_builder *b, uint32_t table, uint32_t row, uint32_t col,
	 uint32_t residue, struct bcell **out)
{
	struct btable *t = &b->tables[table];
	int rc;

	if (t->last_valid && t->last_row == row && t->last_col == col) {
		*out = &t->cells[t->last_cell];
		return 0;
	}
	uint32_t tr = find_trow(b, table, row);
	if (tr == UINT32_MAX) {
		rc = new_trow(b, table, row, &tr);
		if (rc)
			return rc;
	}
	uint32_t ci;
	rc = find_cell(b, tr, col, &ci);
	if (rc)
		return rc;
	if (ci == UINT32_MAX) {
		rc = new_cell(b, tr, col, residue, &ci);
		if (rc)
			return rc;
	}
	t->last_row = row;
	t->last_col = col;
	t->last_cell = ci;
	t->last_valid = true;
	*out = &t->cells[ci];
	return 0;
}

static int
note_residue(cstat_builder *b, struct btable *t, uint32_t ci, uint32_t residue)
{
	if (!b->has_residue)
		return 0;
	struct bres *c = &t->res[ci];
	if (c->res0 == residue)
		return 0;
	if (!c->resx) {
		if (cstat__grow((void **)&b->resx, &b->resx_cap, b->nresx + 1,
				sizeof(*b->resx)))
			return CSTAT_ENOMEM;
		memset(&b->resx[b->nresx], 0, sizeof(b->resx[0]));
		c->resx = (uint32_t)++b->nresx;
	}
	struct resx *x = &b->resx[c->resx - 1];
	for (size_t i = 0; i < x->n; i++)
		if (x->ids[i] == residue)
			return 0;
	return push_u32(&x->ids, &x->n, &x->cap, residue);
}

/*
 * Whether res has the name, file and configuration recorded in id (by
 * record_identity): then it projects to the same keys as the last result.
 */
/* Whether two C strings are equal: strcmp() == 0 without the call, for
 * the short unit names compared once per value. */
static inline bool
same_cstr(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Whether res has the name and file recorded in id, and then the
 * configuration: known the same or not by the caller (same), else
 * compared with the text id holds, if it does. */
static bool
same_identity(const cstat_builder *b, const struct cstat_result *res, int same)
{
	const struct cstat__buf *id = &b->last_id;
	const char *p = id->data, *end = id->data + id->len;

	if (same == 0 || (same < 0 && !b->id_text) ||
	    (size_t)(end - p) < res->name_len + 2 ||
	    memcmp(p, res->name, res->name_len) != 0 || p[res->name_len])
		return false;
	p += res->name_len + 1;
	/* The file name, NUL included, without a strlen() first. */
	const char *f = res->file;
	while (p < end && *p == *f && *f) {
		p++;
		f++;
	}
	if (p == end || *p != *f)
		return false;
	p++;
	if (same > 0)
		return p == end;
	/* A result without configuration may have no text at all. */
	return (size_t)(end - p) == res->config_text_len &&
	       (res->config_text_len == 0 ||
		memcmp(p, res->config_text, res->config_text_len) == 0);
}

/* Records res's identity: its configuration's text too, unless the
 * caller says what changed (copying it costs the whole configuration). */
static int
record_identity(cstat_builder *b, const struct cstat_result *res, bool text)
{
	struct cstat__buf *id = &b->last_id;
	size_t flen = strlen(res->file) + 1;
	size_t tlen = text ? res->config_text_len : 0;
	size_t n = res->name_len + 1 + flen + tlen;

	/* One reservation and three copies: made for every result that
	 * starts a new column, as each run of a history does. */
	id->len = 0;
	b->id_text = text;
	if (cstat__buf_reserve(id, n))
		return CSTAT_ENOMEM;
	char *p = id->data;
	memcpy(p, res->name, res->name_len);
	p[res->name_len] = '\0';
	p += res->name_len + 1;
	memcpy(p, res->file, flen);
	if (tlen)
		memcpy(p + flen, res->config_text, tlen);
	id->len = n;
	id->data[n] = '\0';
	return 0;
}

static const char *key_text(struct cstat__buf *s, const char *key,
			    const struct cstat_result *res);

/* The first entry at or after from of res's configuration with key, or
 * SIZE_MAX (key_text()'s search). */
static size_t
config_find(const struct cstat_result *res, const char *key, size_t from)
{
	for (size_t i = from; i < res->nconfig; i++)
		if (strcmp(res->config[i].key, key) == 0)
			return i;
	return SIZE_MAX;
}

/*
 * The value id of watched key k in res, and whether it may differ from
 * the last noted result's.  A configuration key found in the entries
 * every result since kept has the value it had; one found after them, or
 * not found, is looked for after them only (the entries before hold no
 * match, as before): a configuration that grows by a key per result costs
 * the new keys, not the whole configuration, per result.
 */
static int
watched_value(cstat_builder *b, const struct cstat_result *res, size_t k,
	      size_t kept, bool valid, uint32_t *value, bool *moved)
{
	const char *key = b->watch[k], *v;
	size_t pos = b->watch_pos[k];

	*moved = true;
	if (key[0] == '/' || key[0] == '.') {
		v = key_text(&b->fscratch, key, res);
	} else if (pos != SIZE_MAX && pos < kept) {
		*value = b->watch_vid[k];
		*moved = false;
		return 0;
	} else {
		size_t was = pos;
		pos = config_find(res, key, kept);
		b->watch_pos[k] = pos;
		/* Missing then and now (a machine key most inputs lack). */
		if (valid && was == SIZE_MAX && pos == SIZE_MAX) {
			*value = b->watch_vid[k];
			*moved = false;
			return 0;
		}
		v = pos == SIZE_MAX ? "" : res->config[pos].value;
	}
	if (!v || cstat__strtab_intern(&b->strs, v, strlen(v), value))
		return CSTAT_ENOMEM;
	b->watch_vid[k] = *value;
	return 0;
}

/* Notes that watched key k had value in column col. */
static int
note_value(cstat_builder *b, size_t k, uint32_t col, uint32_t value)
{
	uint32_t key;
	size_t i;

	if (cstat__strtab_intern(&b->strs, b->watch[k], strlen(b->watch[k]),
				 &key))
		return CSTAT_ENOMEM;
	for (i = 0; i < b->nwatched; i++)
		if (b->watched[i].col == col && b->watched[i].key == key &&
		    b->watched[i].value == value)
			return 0;
	if (cstat__grow((void **)&b->watched, &b->watched_cap, b->nwatched + 1,
			sizeof(*b->watched)))
		return CSTAT_ENOMEM;
	b->watched[b->nwatched++] = (struct watched){col, key, value};
	return 0;
}

/* Notes the values res has for the watched keys in column col. */
static int
note_watched(cstat_builder *b, const struct cstat_result *res, uint32_t col)
{
	bool known = b->watch_known && b->watch_pos_valid;
	size_t kept = known ? b->watch_kept : 0;
	int rc = 0;

	b->watch_known = true;
	b->watch_kept = SIZE_MAX;
	/* The whole configuration kept, in the same column: the same. */
	if (known && !b->watch_by_name && b->watch_col == col &&
	    kept == b->watch_nconfig && kept == res->nconfig)
		return 0;
	/* A column's results mostly share one configuration: when only
	 * configuration keys are watched, the same text notes nothing new.
	 * Without what the reader says of it, the texts are compared. */
	if (!known && !b->watch_by_name && b->watch_valid &&
	    b->watch_col == col && res->config_text &&
	    b->watch_text.len == res->config_text_len &&
	    memcmp(b->watch_text.data, res->config_text,
		   res->config_text_len) == 0)
		return 0;
	if (!b->watch_pos) {
		b->watch_pos = malloc(b->nwatch * sizeof(*b->watch_pos));
		b->watch_vid = malloc(b->nwatch * sizeof(*b->watch_vid));
		if (!b->watch_pos || !b->watch_vid)
			return CSTAT_ENOMEM;
	}
	bool valid = b->watch_pos_valid;
	if (!valid)
		for (size_t k = 0; k < b->nwatch; k++)
			b->watch_pos[k] = SIZE_MAX;
	b->watch_pos_valid = false;
	for (size_t k = 0; k < b->nwatch && !rc; k++) {
		uint32_t value;
		bool moved;

		rc = watched_value(b, res, k, kept, valid, &value, &moved);
		/* Unmoved in the same column: noted already. */
		if (!rc && (moved || col != b->watch_col))
			rc = note_value(b, k, col, value);
	}
	if (rc)
		return rc;
	b->watch_pos_valid = true;
	b->watch_nconfig = res->nconfig;
	b->watch_valid = false;
	b->watch_text.len = 0;
	/* The text is kept for the comparison above only. */
	if (!known && res->config_text &&
	    cstat__buf_add(&b->watch_text, res->config_text,
			   res->config_text_len) == 0)
		b->watch_valid = true;
	b->watch_col = col;
	return 0;
}

/* Projects res to its row, column and residue keys and fills the table
 * projection; remembers them for the next result. */
static int
project(cstat_builder *b, const struct cstat_result *res, bool text,
	uint32_t *row, uint32_t *col, uint32_t *residue)
{
	int rc;

	b->last_valid = false;
	b->last_nv = 0;
	b->last_filtered = false;
	/* A fixed order filters: check every projection before any key is
	 * made, so dropped results leave no trace in the orders. */
	rc = cstat__proj_fill(&b->row_proj, res);
	if (!rc)
		rc = cstat__proj_fill(&b->col_proj, res);
	if (!rc)
		rc = cstat__proj_fill(&b->table_proj, res);
	if (rc)
		return rc;
	if (!cstat__proj_accepts(&b->row_proj) ||
	    !cstat__proj_accepts(&b->col_proj) ||
	    !cstat__proj_accepts(&b->table_proj)) {
		b->last_filtered = true;
		b->last_valid = record_identity(b, res, text) == 0;
		return 0;
	}
	rc = cstat__proj_intern(&b->row_proj, 0, row);
	if (!rc)
		rc = cstat__proj_intern(&b->col_proj, 0, col);
	if (!rc && b->has_residue)
		rc = cstat__proj_key(&b->residue_proj, res, 0, residue);
	if (!rc && b->nwatch)
		rc = note_watched(b, res, *col);
	if (rc)
		return rc;
	/* The tables found for each unit stand while no value of the table
	 * projection but the unit changes. */
	if (!b->tk_valid || b->tk_gen != b->table_proj.gen) {
		memset(b->tk_has, 0, sizeof(b->tk_has));
		b->tk_gen = b->table_proj.gen;
		b->tk_valid = true;
	}
	b->last_row = *row;
	b->last_col = *col;
	b->last_residue = *residue;
	b->last_valid = record_identity(b, res, text) == 0;
	return 0;
}

#define VCODE_MAX 134217728.0 /* 2^27: the digits of a code */
/* The reader's factor for "ns" (units.c divides 1 by 1e9). */
#define VCODE_NS (1 / 1e9)

static double
vcode_value(uint32_t code)
{
	double v = (double)(code >> 5);

	/* Dividing by 10^0 changes nothing: skip the division. */
	if (code & 15)
		v /= cstat__pow10_exact[code & 15];
	return code & 16 ? v * VCODE_NS : v;
}

/* The code of v with u = v or v / VCODE_NS as the decimal (scaled 0/1). */
static bool
vcode_try(double v, double u, uint32_t scaled, uint32_t *code)
{
	for (uint32_t k = 0; k < 16; k++) {
		double x = u * cstat__pow10_exact[k];
		if (x >= VCODE_MAX)
			return false;
		uint32_t m = (uint32_t)(x + 0.5);
		double r = x - (double)m;
		/* Not near an integer: no need to divide to know. */
		if (r > 1e-3 || r < -1e-3)
			continue;
		uint32_t c = m << 5 | scaled << 4 | k;
		if (vcode_value(c) == v) {
			*code = c;
			return true;
		}
	}
	return false;
}

/*
 * The 4-byte code of v: digits m (below 2^27) and decimal places k (below
 * 16) such that m / 10^k, correctly rounded as IEEE division is, gives
 * back v's very bits (63.9 -> 639, 1), or does so once multiplied by the
 * reader's factor for "ns" (63.9 ns read as 63.9 * 1e-9 s -> 639, 1,
 * scaled), as m << 5 | scaled << 4 | k.  False for anything else
 * (negative, -0, too many digits, NaN, infinities): the cell then keeps
 * doubles.
 */
static __attribute__((noinline)) bool
vcode_search(double v, uint32_t *code, uint32_t *hint)
{
	bool ok = v < 1e-3 ? vcode_try(v, v * 1e9, 1, code) ||
				     vcode_try(v, v, 0, code)
			   : vcode_try(v, v, 0, code) ||
				     vcode_try(v, v * 1e9, 1, code);
	if (ok)
		*hint = *code & 31;
	return ok;
}

static inline bool
vcode_of(double v, uint32_t *code, uint32_t *hint)
{
	if (!(v >= 0) || v >= VCODE_MAX || (v == 0 && signbit(v)))
		return false;
	/* Counts (B/op, allocs/op) first: a whole number is its own code. */
	uint32_t m = (uint32_t)v;
	if ((double)m == v) {
		*code = m << 5;
		return true;
	}
	/* The places and scaling of the table's last code fit most values
	 * of its unit: one try.  The guess at the decimal only picks the
	 * digits: a code is kept only if it gives back v exactly. */
	double x = (*hint & 16 ? v * 1e9 : v) * cstat__pow10_exact[*hint & 15];
	if (x < VCODE_MAX) {
		uint32_t c = (uint32_t)(x + 0.5) << 5 | (*hint & 31);
		if (vcode_value(c) == v) {
			*code = c;
			return true;
		}
	}
	return vcode_search(v, code, hint);
}

/*
 * n 4-byte words at the end of t's slab, at an even index (doubles are
 * aligned): *at gets where.  The slab doubles as it grows.
 */
static int
slab_take(struct btable *t, uint64_t n, uint32_t *at)
{
	uint64_t start = (t->slab_len + 1) & ~(uint64_t)1;

	if (start + n > UINT32_MAX)
		return CSTAT_ENOMEM;
	if (start + n > t->slab_cap) {
		size_t cap = t->slab_cap ? t->slab_cap * 2 : 64;
		if (cap < start + n)
			cap = (size_t)(start + n);
		uint32_t *ns = realloc(t->slab, cap * sizeof(*ns));
		if (!ns)
			return CSTAT_ENOMEM;
		t->slab = ns;
		t->slab_cap = cap;
	}
	*at = (uint32_t)start;
	t->slab_len = (size_t)(start + n);
	cstat__prefault(t->slab, t->slab_len * sizeof(*t->slab),
			t->slab_cap * sizeof(*t->slab), &t->slab_mapped);
	return 0;
}

static double *
cell_doubles(const struct btable *t, const struct bcell *c)
{
	return (double *)(void *)(t->slab + c->at);
}

/* The most values a cell's room (cap) can hold, and a same cell's n. */
#define CAP_MAX ((1u << 30) - 1)

/*
 * Makes room in c for more values: exactly as many when the cell is new
 * (a run's length is known before its values come), else at least half
 * as many again as it holds, so a cell that gets values one at a time
 * grows geometrically.  An outgrown block is left in the slab.
 */
static int
cell_reserve(struct btable *t, struct bcell *c, uint32_t more)
{
	uint64_t need = (uint64_t)c->n + more;
	uint32_t at;

	if (need <= c->cap)
		return 0;
	if (c->n && need < (uint64_t)c->cap + c->cap / 2 + 4)
		need = (uint64_t)c->cap + c->cap / 2 + 4;
	if (need >= 1u << 30)
		return CSTAT_ENOMEM;
	uint64_t words = c->wide ? 2 : 1;
	if (slab_take(t, need * words, &at))
		return CSTAT_ENOMEM;
	if (c->same) {
		/* Its one code, as many times as it holds values. */
		uint32_t code = t->slab[c->at];
		for (uint32_t i = 0; i < c->n; i++)
			t->slab[at + i] = code;
		c->same = 0;
	} else if (c->n) {
		memmove(t->slab + at, t->slab + c->at,
			(size_t)(c->n * words) * sizeof(*t->slab));
	}
	c->at = at;
	c->cap = (uint32_t)need & CAP_MAX;
	return 0;
}

/* Turns c's codes into doubles, for a value that has no code. */
static int
cell_widen(struct btable *t, struct bcell *c)
{
	uint32_t cap = c->cap > c->n ? c->cap : c->n + 1;
	uint32_t at;

	if (slab_take(t, (uint64_t)cap * 2, &at))
		return CSTAT_ENOMEM;
	double *nv = (double *)(void *)(t->slab + at);
	for (uint32_t i = 0; i < c->n; i++)
		nv[i] = vcode_value(t->slab[c->at + i]);
	c->at = at;
	c->cap = cap & CAP_MAX;
	c->wide = 1;
	return 0;
}

/* Appends v to cell ci of table ti: cell_push()'s general case.  same:
 * v starts a run (cstat__builder_expect) all of whose values are v. */
static __attribute__((noinline)) int
cell_push_slow(cstat_builder *b, uint32_t ti, uint32_t ci, double v, bool same)
{
	struct btable *t = &b->tables[ti];
	struct bcell *c = &t->cells[ci];
	uint32_t code = 0;
	bool coded = !c->wide && vcode_of(v, &code, &t->hint);

	if (!c->wide && !coded && !c->n) {
		/* An empty cell whose first value has no code: its room
		 * is taken as doubles at once, not as codes then again. */
		c->wide = 1;
		c->cap = 0;
	}
	if (coded && !c->n && same && b->expect > 1) {
		/* A run of one value: its code, once. */
		if (cell_reserve(t, c, 1))
			return CSTAT_ENOMEM;
		t->slab[c->at] = code;
		c->same = 1;
		c->n = 1;
		t->nvals++;
		return 0;
	}
	/* A same cell comes here only for another value (cell_push() adds
	 * its own code): room of its own spreads the code out. */
	if (c->n >= c->cap) {
		/* A new cell without a known run starts with room for 4. */
		uint32_t more = b->expect ? b->expect : c->n ? 1 : 4;
		if (cell_reserve(t, c, more))
			return CSTAT_ENOMEM;
	}
	if (!c->wide && !coded && cell_widen(t, c))
		return CSTAT_ENOMEM;
	if (c->wide)
		cell_doubles(t, c)[c->n++] = v;
	else
		t->slab[c->at + c->n++] = code;
	t->nvals++;
	return 0;
}

/* Appends v to cell ci of table ti.  Inlined where runs are added: most
 * values are a code stored in room the cell already has, or the code a
 * same cell holds.  same: as for cell_push_slow(). */
static inline int
cell_push(cstat_builder *b, uint32_t ti, uint32_t ci, double v, bool same)
{
	struct btable *t = &b->tables[ti];
	struct bcell *c = &t->cells[ci];
	uint32_t code;

	if (!c->wide && c->n && vcode_of(v, &code, &t->hint)) {
		if (c->n < c->cap) {
			t->slab[c->at + c->n++] = code;
			t->nvals++;
			return 0;
		}
		if (c->same && code == t->slab[c->at] && c->n < CAP_MAX) {
			c->n++;
			t->nvals++;
			return 0;
		}
	}
	return cell_push_slow(b, ti, ci, v, same);
}

/* Whether values[i] of a run's results are all the same
 * (cstat__builder_expect_same). */
static inline bool
run_same(const cstat_builder *b, size_t i)
{
	return i < 64 && (b->expect_same >> i & 1);
}

/* Writes c's values (in t's slab) as doubles into out. */
static void
cell_values(const struct btable *t, const struct bcell *c, double *out)
{
	if (c->wide) {
		memcpy(out, cell_doubles(t, c), (size_t)c->n * sizeof(*out));
		return;
	}
	if (c->same) {
		double v = vcode_value(t->slab[c->at]);
		for (uint32_t i = 0; i < c->n; i++)
			out[i] = v;
		return;
	}
	for (uint32_t i = 0; i < c->n; i++)
		out[i] = vcode_value(t->slab[c->at + i]);
}

void
cstat__builder_expect(cstat_builder *b, size_t nrun)
{
	b->expect = nrun < UINT32_MAX ? (uint32_t)nrun : 0;
	b->expect_same = 0;
}

void
cstat__builder_expect_same(cstat_builder *b, uint64_t same)
{
	b->expect_same = same;
}

size_t
cstat__builder_value_words(const cstat_builder *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->ntables; i++)
		n += b->tables[i].slab_len;
	return n;
}

/* Whether res's units are those of the last result, slot by slot. */
static bool
same_units(const cstat_builder *b, const struct cstat_result *res)
{
	for (size_t i = 0; i < res->nvalues; i++)
		if (!b->last_unit_has[i] ||
		    !same_cstr(res->values[i].unit,
			       cstat__strtab_str(&b->strs, b->last_unit_id[i])))
			return false;
	return true;
}

/* Appends res's values to the cells of the last result's values. */
static int
append_values(cstat_builder *b, const struct cstat_result *res)
{
	for (size_t i = 0; i < res->nvalues; i++)
		if (cell_push(b, b->last_tables[i], b->last_cells[i],
			      res->values[i].value, run_same(b, i)))
			return CSTAT_ENOMEM;
	return 0;
}

int
cstat__builder_append_last(cstat_builder *b, const double *vals, size_t n)
{
	if (!b->built && b->last_dropped)
		return 0;
	if (b->built || !b->last_nv || n != b->last_nv)
		return CSTAT_ESTATE;
	for (size_t i = 0; i < n; i++)
		if (cell_push(b, b->last_tables[i], b->last_cells[i], vals[i],
			      run_same(b, i)))
			return CSTAT_ENOMEM;
	return 0;
}

/* Whether filter key key is lit (which starts with '.' or '/'): the
 * first two bytes rule out most keys before a call to strcmp(), which
 * -filter makes several times for every result added. */
static bool
key_is(const char *key, const char *lit)
{
	return key[0] == lit[0] && key[1] == lit[1] && strcmp(key, lit) == 0;
}

/* The text of key in res, NUL-terminated in s (benchproc's extractors;
 * a missing key is ""). */
static const char *
key_text(struct cstat__buf *s, const char *key, const struct cstat_result *res)
{
	const char *name = res->name;
	size_t len = res->name_len;

	s->len = 0;
	if (cstat__buf_reserve(s, len + 1))
		return NULL;
	s->data[0] = '\0';
	if (key_is(key, ".fullname"))
		return name;
	if (key_is(key, ".file"))
		return res->file;
	if (key_is(key, ".name")) {
		const char *slash = memchr(name, '/', len);
		size_t n = slash ? (size_t)(slash - name) : len;
		if (!slash) {
			size_t i = len;
			while (i > 0 && name[i - 1] >= '0' &&
			       name[i - 1] <= '9')
				i--;
			if (i < len && i > 0 && name[i - 1] == '-')
				n = i - 1;
		}
		cstat__buf_add(s, name, n);
		return s->data;
	}
	if (key[0] == '/') {
		/* The "-N" suffix for /gomaxprocs, else a "/key=value" part. */
		size_t g = len;
		for (size_t i = len; i-- > 0;) {
			if (name[i] == '-' && i < len - 1) {
				g = i;
				break;
			}
			if (!(name[i] >= '0' && name[i] <= '9'))
				break;
		}
		if (strcmp(key, "/gomaxprocs") == 0 && g < len) {
			cstat__buf_add(s, name + g + 1, len - g - 1);
			return s->data;
		}
		size_t kl = strlen(key);
		for (const char *p = memchr(name, '/', g); p;) {
			const char *next =
				memchr(p + 1, '/', (size_t)(name + g - p - 1));
			size_t n = (size_t)((next ? next : name + g) - p);
			if (n > kl && memcmp(p, key, kl) == 0 && p[kl] == '=') {
				cstat__buf_add(s, p + kl + 1, n - kl - 1);
				return s->data;
			}
			p = next;
		}
		return s->data;
	}
	for (size_t i = 0; i < res->nconfig; i++)
		if (strcmp(res->config[i].key, key) == 0)
			return res->config[i].value;
	return s->data;
}

static bool
matches(const struct cstat__fnode *n, const char *text)
{
	if (n->re)
		return cstat__re_match(n->re, text, strlen(text), NULL);
	return strcmp(n->literal, text) == 0;
}

/*
 * Whether value i of res passes filter node n.  Evaluating per value is
 * the same as benchstat's masks: a match on .unit decides per value, any
 * other match for the whole result.
 */
static bool
filter_keeps(struct cstat__buf *b, const struct cstat__fnode *n,
	     const struct cstat_result *res, size_t i)
{
	switch (n->kind) {
	case CSTAT__FN_AND:
		for (size_t k = 0; k < n->nkids; k++)
			if (!filter_keeps(b, n->kids[k], res, i))
				return false;
		return true;
	case CSTAT__FN_OR:
		for (size_t k = 0; k < n->nkids; k++)
			if (filter_keeps(b, n->kids[k], res, i))
				return true;
		return false;
	case CSTAT__FN_NOT:
		return !filter_keeps(b, n->kids[0], res, i);
	case CSTAT__FN_MATCH:
		break;
	}
	if (key_is(n->key, ".unit")) {
		const struct cstat_value *v = &res->values[i];
		return matches(n, v->unit) ||
		       (v->orig_unit && v->orig_unit[0] &&
			matches(n, v->orig_unit));
	}
	const char *text = key_text(b, n->key, res);
	return text && matches(n, text);
}

/*
 * Applies -filter: NULL when no value of res passes, res itself when all
 * do, else a copy in *copy holding only the values that pass.
 */
static const struct cstat_result *
apply_filter(cstat_builder *b, const struct cstat_result *res,
	     struct cstat_result *copy)
{
	size_t kept = 0;

	/* Without .unit the answer is the same for every value. */
	if (!b->filter_by_unit)
		return !res->nvalues || filter_keeps(&b->fscratch, b->filter,
						     res, 0)
			       ? res
			       : NULL;
	if (cstat__grow((void **)&b->fvalues, &b->fvalues_cap, res->nvalues + 1,
			sizeof(*b->fvalues)))
		return NULL;
	for (size_t i = 0; i < res->nvalues; i++)
		if (filter_keeps(&b->fscratch, b->filter, res, i))
			b->fvalues[kept++] = res->values[i];
	if (kept == res->nvalues)
		return res;
	if (kept == 0)
		return NULL;
	*copy = *res;
	copy->values = b->fvalues;
	copy->nvalues = kept;
	return copy;
}

bool
cstat__builder_drops(const cstat_builder *b, const struct cstat_result *res,
		     struct cstat__buf *scratch)
{
	return b->filter_shared && res->nvalues &&
	       !filter_keeps(scratch, b->filter, res, 0);
}

bool
cstat__builder_may_drop(const cstat_builder *b)
{
	return b->filter_shared;
}

void
cstat__builder_config_same(cstat_builder *b, size_t k)
{
	b->cfg_same = k;
	b->cfg_known = true;
}

/*
 * Passes what the caller said of res's configuration (or that it said
 * nothing) on to the projections, which may fill it later; returns
 * whether it is the last result's (same_identity()'s same).
 */
static int
note_same(cstat_builder *b, const struct cstat_result *res)
{
	bool known = b->cfg_known;
	size_t k = b->cfg_same, last = b->last_nconfig;

	b->cfg_known = false;
	b->last_nconfig = res->nconfig;
	if (k > res->nconfig)
		k = res->nconfig;
	if (k > last)
		k = last;
	/* What the watched keys' search may skip (note_watched()). */
	if (!known)
		b->watch_known = false;
	if (k < b->watch_kept)
		b->watch_kept = k;
	cstat__proj_same(&b->row_proj, known, k);
	cstat__proj_same(&b->col_proj, known, k);
	cstat__proj_same(&b->table_proj, known, k);
	cstat__proj_same(&b->residue_proj, known, k);
	if (!known)
		return -1;
	return k == res->nconfig && k == last;
}

int
cstat_builder_add(cstat_builder *b, const struct cstat_result *res)
{
	uint32_t row, col, residue = 0;
	int rc;

	if (!b || !res)
		return CSTAT_EINVAL;
	if (b->built)
		return CSTAT_ESTATE;
	struct cstat_result copy;
	/* 1: the configuration is the last result's, 0: it is not, -1:
	 * unknown (compare the texts). */
	int same = note_same(b, res);
	b->last_dropped = false;
	if (b->filter) {
		res = apply_filter(b, res, &copy);
		if (!res) {
			/* Filtered out: nothing may be appended as if it
			 * had gone to the last result's cells. */
			b->last_nv = 0;
			b->last_dropped = true;
			return 0;
		}
	}
	/* A result made by hand may lack config_text: project it fully. */
	if (b->last_valid && (res->config_text || !res->nconfig) &&
	    same_identity(b, res, same)) {
		if (b->last_filtered)
			return 0;
		row = b->last_row;
		col = b->last_col;
		residue = b->last_residue;
		/* The same benchmark with the same units as last time: its
		 * values go to the same cells. */
		if (b->last_nv && res->nvalues == b->last_nv &&
		    same_units(b, res))
			return append_values(b, res);
	} else {
		rc = project(b, res, same < 0, &row, &col, &residue);
		if (rc || b->last_filtered)
			return rc;
	}
	for (size_t i = 0; i < res->nvalues; i++) {
		const struct cstat_value *v = &res->values[i];
		uint32_t unit, tkey, table;
		struct bcell *c;
		size_t slot = i & 7;
		/* Compared by text, not by address: a reader's units
		 * move with each record, and interning one again costs
		 * a hash and a lookup per value. */
		if (b->last_unit_has[slot] &&
		    same_cstr(v->unit,
			      cstat__strtab_str(&b->strs,
						b->last_unit_id[slot]))) {
			unit = b->last_unit_id[slot];
		} else {
			rc = cstat__strtab_intern(&b->strs, v->unit,
						  strlen(v->unit), &unit);
			if (rc)
				return rc;
			b->last_unit_has[slot] = true;
			b->last_unit_id[slot] = unit;
		}
		if (b->tk_has[slot] && b->tk_unit[slot] == unit) {
			table = b->tk_table[slot];
		} else {
			rc = cstat__proj_intern(&b->table_proj, unit, &tkey);
			if (!rc)
				rc = table_for_key(b, tkey, &table);
			if (rc)
				return rc;
			b->tk_has[slot] = true;
			b->tk_unit[slot] = unit;
			b->tk_table[slot] = table;
		}
		rc = cell_for(b, table, row, col, residue, &c);
		if (!rc)
			rc = note_residue(b, &b->tables[table],
					  b->tables[table].last_cell, residue);
		if (rc)
			return rc;
		/* cell_for() left the cell's index in the table's cache. */
		uint32_t ci = b->tables[table].last_cell;
		if (cell_push(b, table, ci, v->value, run_same(b, i)))
			return CSTAT_ENOMEM;
		if (i < 8) {
			b->last_cells[i] = ci;
			b->last_tables[i] = table;
		}
	}
	b->last_nv = res->nvalues <= 8 ? res->nvalues : 0;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Watched keys. */

int
cstat_builder_watch(cstat_builder *b, const char *keys)
{
	if (!b || !keys || b->nwatch || b->ncells || b->built)
		return CSTAT_EINVAL;
	for (const char *p = keys; *p;) {
		size_t n = strcspn(p, ",");
		if (n) {
			char **v =
				realloc(b->watch, (b->nwatch + 1) * sizeof(*v));
			if (!v)
				return CSTAT_ENOMEM;
			b->watch = v;
			if (!(v[b->nwatch] = strndup(p, n)))
				return CSTAT_ENOMEM;
			b->nwatch++;
			/* Name keys ("/gomaxprocs") change with the name;
			 * configuration keys split no table. */
			if (p[0] == '/' || p[0] == '.')
				b->watch_by_name = true;
			else if (cstat__proj_mask_config(&b->table_proj,
							 v[b->nwatch - 1]))
				return CSTAT_ENOMEM;
		}
		p += n + (p[n] == ',');
	}
	return 0;
}

/* Appends value id v as "X" (trimmed: Go's cpu line may end in spaces), or
 * none for a result without the key. */
static int
put_value(const cstat_builder *b, struct cstat__buf *out, uint32_t v)
{
	const char *s = cstat__strtab_str(&b->strs, v);
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	if (!n)
		return cstat__buf_printf(out, "none");
	return cstat__buf_printf(out, "\"%.*s\"", (int)n, s);
}

/* At most this many values per key, and columns per value, are named. */
#define WATCH_SHOWN 3

/*
 * Appends "KEY: "X" (a, b) vs "Y" (c)" for key id key: each value in the
 * order first seen, with the columns that had it.
 */
static int
put_key(const cstat_builder *b, struct cstat__buf *out, uint32_t key,
	struct cstat__buf *label)
{
	size_t nvalues = 0;
	int rc =
		cstat__buf_printf(out, "%s:", cstat__strtab_str(&b->strs, key));

	for (size_t i = 0; i < b->nwatched && !rc; i++) {
		const struct watched *w = &b->watched[i];
		size_t seen = 0, ncols = 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = b->watched[j].key == key &&
			       b->watched[j].value == w->value;
		if (w->key != key || seen)
			continue;
		if (++nvalues > WATCH_SHOWN)
			continue;
		rc = cstat__buf_printf(out, "%s", nvalues > 1 ? " vs " : " ");
		if (!rc)
			rc = put_value(b, out, w->value);
		for (size_t j = i; j < b->nwatched && !rc; j++) {
			if (b->watched[j].key != key ||
			    b->watched[j].value != w->value)
				continue;
			if (++ncols > WATCH_SHOWN)
				continue;
			rc = cstat__proj_label(&b->col_proj, b->watched[j].col,
					       label);
			if (!rc)
				rc = cstat__buf_printf(out, "%s%s",
						       ncols > 1 ? ", " : " (",
						       label->data);
		}
		if (!rc && ncols > WATCH_SHOWN)
			rc = cstat__buf_printf(out, " and %zu more",
					       ncols - WATCH_SHOWN);
		if (!rc)
			rc = cstat__buf_addc(out, ')');
	}
	if (!rc && nvalues > WATCH_SHOWN)
		rc = cstat__buf_printf(out, " and %zu more value%s",
				       nvalues - WATCH_SHOWN,
				       nvalues - WATCH_SHOWN == 1 ? "" : "s");
	return rc;
}

int
cstat_builder_watch_diff(const cstat_builder *b, char *buf, size_t size)
{
	struct cstat__buf out = {0}, label = {0};
	int n = 0, rc = 0;

	if (!b)
		return CSTAT_EINVAL;
	if (b->strs_given)
		return CSTAT_ESTATE;
	/* A key differs when it was noted with two values. */
	for (size_t i = 0; i < b->nwatched && !rc; i++) {
		uint32_t key = b->watched[i].key;
		bool first = true, differs = false;
		for (size_t j = 0; j < i && first; j++)
			first = b->watched[j].key != key;
		for (size_t j = i + 1; j < b->nwatched && first && !differs;
		     j++)
			differs = b->watched[j].key == key &&
				  b->watched[j].value != b->watched[i].value;
		if (!first || !differs)
			continue;
		if (n++)
			rc = cstat__buf_printf(&out, "; ");
		if (!rc)
			rc = put_key(b, &out, key, &label);
	}
	if (!rc && buf && size)
		snprintf(buf, size, "%s", out.data ? out.data : "");
	cstat__buf_release(&out);
	cstat__buf_release(&label);
	return rc ? CSTAT_ENOMEM : n;
}

/* ---------------------------------------------------------------------- */
/* Building. */

/* What one thread of the build needs for itself. */
struct worker {
	struct cstat__ucache *ucache;
	/* Order statistics of the median's interval, by sample size. */
	long *ci_lo, *ci_hi;
	size_t ci_cap;
	/* Summaries only: the values of the row being summarized. */
	double *row_vals;
	size_t row_cap;
};

struct build {
	cstat_builder *b;
	cstat_tables *out;
	const struct cstat_stats_opts *opts;
	/* Guards the output's string table while threads summarize. */
	pthread_mutex_t mu;
	struct worker w[2];
	unsigned nthreads;
	struct cstat__buf buf;
	/* The global order of every row and column key: rank[key], and the
	 * key of each rank.  Tables sort their rows by rank. */
	uint32_t *row_rank, *row_by_rank, *col_rank, *col_by_rank;
	uint64_t *bits;	    /* one bit per row or column key */
	uint32_t *label_of; /* by row key: its label's string id, or ~0 */
	/* The warnings that read the same in every cell, made up front. */
	uint32_t w_ci, w_utest, w_equal;
	int utest_need; /* uTestSamples(alpha), 10 if none */
	/* Scratch: position of a row / column key in the current table; for
	 * a table set up by rows, row_pos holds a row key's table row, whose
	 * chain of cells its row job follows, instead. */
	uint32_t *row_pos, *col_pos;
	size_t row_pos_cap, col_pos_cap;
	/* Scratch for table keys: the projection's values, the output's
	 * values, and by builder string id its output id + 1 (0 unknown). */
	uint32_t *pkey, *okey, *omap;
	/* table_key(): the last table's key in the builder (when
	 * have_prev), and positions in okey that changed since. */
	uint32_t prev_key, *okey_dirty;
	bool have_prev;
	size_t omap_cap;
	/* Each cell's builder cell (by row, then column): for summaries
	 * only, whose values are made doubles a row at a time; for tables
	 * set up by rows, whose values the row jobs copy to the tables. */
	const struct bcell **src;
	const struct btable *src_table; /* whose slab holds their values */
	/* The row jobs set up the current table's cells from src (NULL: an
	 * absent cell): its memory, written only by them, is then zeroed by
	 * the system and written on both threads, not first on one. */
	bool cells_by_rows;
	/* Set up by rows and keeping values: the table's values, row r's
	 * from vals + row_at[r] on, its cells' in column order; each chunk
	 * of rows takes its stretch of vals from vals_next on. */
	double *vals;
	size_t *row_at;
	atomic_size_t vals_next;
	/* Set up by rows: the table's row keys in order. */
	const uint32_t *rows;
};

/* Copies builder string id s into the output's string table (the same
 * id when the tables took the builder's strings). */
static int
ostr(struct build *bd, uint32_t s, uint32_t *out)
{
	const struct cstat__strtab *in = &bd->b->strs;

	if (bd->b->strs_given) {
		*out = s;
		return 0;
	}

	return cstat__strtab_intern(&bd->out->strs, cstat__strtab_str(in, s),
				    cstat__strtab_len(in, s), out);
}

static int owarn(struct build *bd, uint32_t *out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
owarn(struct build *bd, uint32_t *out, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return CSTAT_EINVAL;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	pthread_mutex_lock(&bd->mu);
	int rc = cstat__strtab_intern(&bd->out->strs, msg, (size_t)n, out);
	pthread_mutex_unlock(&bd->mu);
	return rc;
}

void
cstat_tables_free(cstat_tables *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ntables; i++) {
		struct cstat__table *tb = &t->tables[i];
		free(tb->row_labels);
		free(tb->col_vals);
		free(tb->cells);
		free(tb->summary);
	}
	free(t->tables);
	free(t->stats);
	free(t->key_fields);
	free(t->col_fields);
	cstat__vpool_release(&t->values);
	cstat__strtab_release(&t->strs);
	cstat__seqtab_release(&t->keys);
	free(t);
}

/* Whether watched key id key had two values in one column. */
static bool
mixed_in_column(const cstat_builder *b, uint32_t key)
{
	for (size_t i = 0; i < b->nwatched; i++)
		for (size_t j = i + 1; j < b->nwatched; j++)
			if (b->watched[i].key == key &&
			    b->watched[j].key == key &&
			    b->watched[i].col == b->watched[j].col &&
			    b->watched[i].value != b->watched[j].value)
				return true;
	return false;
}

int
cstat_builder_watch_mixed(const cstat_builder *b, char *buf, size_t size)
{
	struct cstat__buf out = {0};
	int n = 0;

	if (!b)
		return CSTAT_EINVAL;
	if (b->strs_given)
		return CSTAT_ESTATE;
	for (size_t k = 0; k < b->nwatch; k++) {
		uint32_t key = cstat__strtab_find(&b->strs, b->watch[k],
						  strlen(b->watch[k]));
		if (key == UINT32_MAX || !mixed_in_column(b, key))
			continue;
		if ((n++ && cstat__buf_addc(&out, ',')) ||
		    cstat__buf_adds(&out, b->watch[k])) {
			cstat__buf_release(&out);
			return CSTAT_ENOMEM;
		}
	}
	if (buf && size)
		snprintf(buf, size, "%s", out.data ? out.data : "");
	cstat__buf_release(&out);
	return n;
}

/*
 * The values watched key sid had: 0 when none was noted, else 1 with *v
 * the value when there was one, or 2 when there were several.
 */
static int
watched_values(const cstat_builder *b, uint32_t sid, uint32_t *v)
{
	int n = 0;

	for (size_t i = 0; i < b->nwatched; i++) {
		if (b->watched[i].key != sid)
			continue;
		if (n && b->watched[i].value != *v)
			return 2;
		*v = b->watched[i].value;
		n = 1;
	}
	return n;
}

/* Whether field f of the table projection is a watched configuration key
 * (masked while adding); *v its value when it had only one. */
static bool
watched_field(const cstat_builder *b, uint32_t f, uint32_t *v, bool *differs)
{
	const struct cstat__field *fd = &b->table_proj.fields[f];

	*differs = false;
	if (fd->kind != CSTAT__F_CONFIGSUB)
		return false;
	for (size_t k = 0; k < b->table_proj.nmasked; k++)
		if (b->table_proj.masked[k] == fd->key) {
			*differs = watched_values(b, fd->key, v) != 1;
			return true;
		}
	return false;
}

/* Drops the watched keys that had several values from the table keys'
 * fields: they name no table.  The others show their one value. */
static void
drop_differing(const cstat_builder *b, uint32_t *flat, uint32_t *names,
	       size_t *n)
{
	size_t kept = 0;

	for (size_t i = 0; i < *n; i++) {
		uint32_t v;
		bool differs;
		if (watched_field(b, flat[i], &v, &differs) && differs)
			continue;
		flat[kept] = flat[i];
		names[kept++] = names[i];
	}
	*n = kept;
}

static int
field_names(struct build *bd, const struct cstat__proj *p, uint32_t **names,
	    size_t *n, uint32_t **flat_out)
{
	uint32_t *flat;
	int rc = cstat__proj_flat(p, &flat, n);

	if (rc)
		return rc;
	*names = malloc((*n + 1) * sizeof(**names));
	if (!*names) {
		free(flat);
		return CSTAT_ENOMEM;
	}
	for (size_t i = 0; i < *n; i++) {
		const char *name = p->fields[flat[i]].name;
		rc = cstat__strtab_intern(&bd->out->strs, name, strlen(name),
					  &(*names)[i]);
		if (rc) {
			free(flat);
			return rc;
		}
	}
	*flat_out = flat;
	return 0;
}

/*
 * Summarizes one cell whose values are in place: sort, center, interval
 * and the summary warnings.  Runs on any build thread.
 */
static int
summarize_cell(struct build *bd, struct worker *w, struct cstat__cell *oc,
	       bool exact, bool sorted)
{
	double conf = bd->opts->confidence;
	char a[40], b[40];

	if (!sorted)
		cstat__sort_doubles(oc->values, oc->n);
	if (exact) {
		cstat__mode_summary(oc->values, oc->n, &oc->center, &oc->lo,
				    &oc->hi);
		if (oc->values[0] != oc->values[oc->n - 1]) {
			cstat__fmt_go_float(a, oc->values[0]);
			cstat__fmt_go_float(b, oc->values[oc->n - 1]);
			return owarn(bd, &oc->warn[oc->nwarn++],
				     "exact distribution expected, but values "
				     "range from %s to %s",
				     a, b);
		}
		return 0;
	}
	/* QuantileCI depends only on n: compute it once per size. */
	if (oc->n >= w->ci_cap) {
		size_t old = w->ci_cap, c2 = w->ci_cap;
		if (cstat__grow((void **)&w->ci_lo, &w->ci_cap,
				(size_t)oc->n + 1, sizeof(*w->ci_lo)) ||
		    cstat__grow((void **)&w->ci_hi, &c2, (size_t)oc->n + 1,
				sizeof(*w->ci_hi)))
			return CSTAT_ENOMEM;
		for (size_t i = old; i < w->ci_cap; i++)
			w->ci_lo[i] = w->ci_hi[i] = LONG_MIN;
	}
	if (w->ci_lo[oc->n] == LONG_MIN)
		cstat__quantile_ci(oc->n, 0.5, conf, &w->ci_lo[oc->n],
				   &w->ci_hi[oc->n]);
	long lo = w->ci_lo[oc->n], hi = w->ci_hi[oc->n];
	oc->center = cstat__quantile_sorted(oc->values, oc->n, 0.5);
	oc->lo = lo < 1 || lo > (long)oc->n ? -INFINITY : oc->values[lo - 1];
	oc->hi = hi < 1 || hi > (long)oc->n ? INFINITY : oc->values[hi - 1];
	if (isinf(oc->lo) || isinf(oc->hi))
		oc->warn[oc->nwarn++] = bd->w_ci;
	return 0;
}

static int
compare_cell(struct build *bd, struct worker *w, struct cstat__cell *oc,
	     const struct cstat__cell *base, bool exact)
{
	double alpha = bd->opts->alpha;
	int rc;

	oc->has_cmp = true;
	if (exact) {
		/* benchmath's assumeExact: P = 0 and alpha = 0, so the delta
		 * is always shown. */
		oc->p = 0;
		oc->significant = true;
		return 0;
	}
	/* Both cells were sorted as they were summarized. */
	rc = cstat__mann_whitney_sorted(w->ucache, base->values, base->n,
					oc->values, oc->n, &oc->p);
	if (rc < 0)
		return rc;
	if (rc == CSTAT_SAMPLES_EQUAL) {
		oc->p = 1;
		oc->significant = !(oc->p > alpha);
		oc->cmpwarn[oc->ncmpwarn++] = bd->w_equal;
		return 0;
	}
	/* FormatDelta shows "~" only when p > alpha: p == alpha counts. */
	oc->significant = !(oc->p > alpha);
	uint32_t need = (uint32_t)bd->utest_need;
	if (oc->p > alpha && base->n < need && oc->n < need)
		oc->cmpwarn[oc->ncmpwarn++] = bd->w_utest;
	return 0;
}

/* Makes the warnings every cell shares, once per build. */
static int
common_warnings(struct build *bd)
{
	double conf = bd->opts->confidence, alpha = bd->opts->alpha;
	int need = cstat__median_samples(conf);
	char a[40];
	int rc;

	cstat__fmt_go_float(a, conf);
	rc = owarn(bd, &bd->w_ci,
		   "need %s %d samples for confidence interval at level %s",
		   need < 0 ? ">" : ">=", need < 0 ? 50 : need, a);
	if (!rc)
		rc = owarn(bd, &bd->w_equal, "all samples are equal");
	need = cstat__utest_samples(alpha);
	bd->utest_need = need < 0 ? 10 : need;
	cstat__fmt_go_float(a, alpha);
	if (!rc)
		rc = owarn(bd, &bd->w_utest,
			   "need %s %d samples to detect a difference at "
			   "alpha level %s",
			   need < 0 ? ">" : ">=", bd->utest_need, a);
	return rc;
}

/* One build thread's share of a table's rows: ROW_CHUNK rows at a time
 * from *next on, taken by whichever job is free. */
struct row_job {
	struct build *bd;
	struct worker *w;
	struct cstat__table *t;
	atomic_size_t *next;
	int rc;
};

/* Rows a job takes at a time when the jobs share them out as they go:
 * 79 chunks in a table of 20,000 rows, so that a job slowed by the
 * machine (a late start, a busy neighbour) leaves the other at most one
 * chunk to finish alone. */
#define ROW_CHUNK 256

/* Points row r's present cells at consecutive doubles from v on, their
 * values copied there from the builder's slab. */
static void
copy_row_values(struct build *bd, struct cstat__table *t, size_t r, double *v)
{
	const struct bcell **src = &bd->src[r * t->ncols];
	struct cstat__cell *row = &t->cells[r * t->ncols];

	for (size_t c = 0; c < t->ncols; c++) {
		if (!row[c].present)
			continue;
		row[c].values = v;
		cell_values(bd->src_table, src[c], v);
		v += src[c]->n;
	}
}

/* Summaries only: row r's values as doubles in w's scratch. */
static int
row_values(struct build *bd, struct worker *w, struct cstat__table *t, size_t r)
{
	const struct bcell **src = &bd->src[r * t->ncols];
	const struct cstat__cell *row = &t->cells[r * t->ncols];
	size_t total = 0;

	for (size_t c = 0; c < t->ncols; c++)
		if (row[c].present)
			total += src[c]->n;
	if (cstat__grow((void **)&w->row_vals, &w->row_cap, total + 1,
			sizeof(*w->row_vals)))
		return CSTAT_ENOMEM;
	copy_row_values(bd, t, r, w->row_vals);
	return 0;
}

/* The data-quality checks of cell (r, c) of t, on its values in the
 * order read (cstat_builder_diagnose()); a cell with a finding is kept,
 * under the lock that guards the output's strings. */
static int
diagnose_cell(struct build *bd, const struct cstat__table *t, size_t r,
	      size_t c, struct cstat__cell *oc)
{
	const cstat_tables *o = bd->out;
	struct cstat_diagnosis g = {0};
	/* The checks want the values in run order and sorted: the cell is
	 * sorted here, as summarize_cell() would sort it (a build with
	 * checks tells it not to again), and the run order kept in a copy. */
	double stack[64], *v = oc->n <= 64 ? stack : malloc(oc->n * sizeof(*v));
	int rc;

	if (!v)
		return CSTAT_ENOMEM;
	memcpy(v, oc->values, oc->n * sizeof(*v));
	cstat__sort_doubles(oc->values, oc->n);
	rc = cstat__diagnose_sorted(bd->b->dg, v, oc->values, oc->n, &g);
	if (v != stack)
		free(v);
	if (rc || !cstat__diagnose_keeps(bd->b->dg, &g))
		return rc;
	pthread_mutex_lock(&bd->mu);
	const char *col =
		o->ncol_fields ? cstat__tstr(o, t->col_vals[c * o->ncol_fields +
							    o->ncol_fields - 1])
			       : "";
	rc = cstat__diagnose_keep(
		bd->b->dg, &g, col, cstat__tstr(o, t->row_labels[r]),
		cstat__tstr(o, t->unit), (size_t)(t - o->tables), r, c);
	pthread_mutex_unlock(&bd->mu);
	return rc;
}

/* Points row r's entries of bd->src at its cells in the builder (NULL
 * where it has none), from its table row's chain; returns how many
 * values they hold. */
static size_t
place_row(struct build *bd, const struct cstat__table *t, size_t r)
{
	const struct bcell **src = &bd->src[r * t->ncols];
	const struct bcell *cells = bd->src_table->cells;
	uint32_t tr = bd->row_pos[bd->rows[r]];
	size_t n = 0;

	memset(src, 0, t->ncols * sizeof(*src));
	for (uint32_t i = bd->b->trows[tr].first_cell; i;
	     i = cells[i - 1].next) {
		src[bd->col_pos[cells[i - 1].col]] = &cells[i - 1];
		n += cells[i - 1].n;
	}
	return n;
}

/* Places rows [r0, r1) (place_row()); for a table that keeps its values,
 * each row's start in bd->vals: the rows take the next stretch of the
 * block as long as their values, wherever the other job's chunks went, so
 * neither waits for the other's count (cells find their values by their
 * own pointers, not by their place in the block). */
static void
place_rows(struct build *bd, const struct cstat__table *t, size_t r0, size_t r1)
{
	size_t total = 0;

	for (size_t r = r0; r < r1; r++) {
		size_t n = place_row(bd, t, r);
		total += n;
		if (bd->row_at)
			bd->row_at[r] = n;
	}
	if (!bd->row_at)
		return;
	size_t at = atomic_fetch_add(&bd->vals_next, total);
	for (size_t r = r0; r < r1; r++) {
		size_t n = bd->row_at[r];
		bd->row_at[r] = at;
		at += n;
	}
}

/* Row r's cells, empty but for those present in bd->src; a table that
 * keeps its values gets them here, copied from the builder's slab. */
static void
set_up_row(struct build *bd, struct cstat__table *t, size_t r)
{
	const struct bcell **src = &bd->src[r * t->ncols];
	struct cstat__cell *row = &t->cells[r * t->ncols];

	memset(row, 0, t->ncols * sizeof(*row));
	for (size_t c = 0; c < t->ncols; c++) {
		if (src[c]) {
			row[c].present = true;
			row[c].n = src[c]->n;
		}
	}
	if (bd->vals)
		copy_row_values(bd, t, r, bd->vals + bd->row_at[r]);
}

/* Summarizes, then compares with the baseline, every cell of rows
 * [r0, r1): a row's cells never depend on another row's. */
static int
rows_range(struct row_job *j, size_t r0, size_t r1)
{
	struct cstat__table *t = j->t;
	int rc = 0;

	if (j->bd->cells_by_rows) {
		cstat__populate(&t->cells[r0 * t->ncols],
				(r1 - r0) * t->ncols * sizeof(*t->cells));
		place_rows(j->bd, t, r0, r1);
	}
	for (size_t r = r0; r < r1 && !rc; r++) {
		struct cstat__cell *row = &t->cells[r * t->ncols];
		if (j->bd->cells_by_rows)
			set_up_row(j->bd, t, r);
		if (j->bd->b->summaries_only)
			rc = row_values(j->bd, j->w, t, r);
		for (size_t c = 0; c < t->ncols && !rc; c++) {
			/* A cell the checks saw is sorted already. */
			bool sorted = j->bd->b->dg != NULL;
			if (row[c].present && sorted)
				rc = diagnose_cell(j->bd, t, r, c, &row[c]);
			if (row[c].present && !rc)
				rc = summarize_cell(j->bd, j->w, &row[c],
						    t->exact, sorted);
		}
		if (row[0].present && !j->bd->b->cells_only)
			for (size_t c = 1; c < t->ncols && !rc; c++)
				if (row[c].present)
					rc = compare_cell(j->bd, j->w, &row[c],
							  &row[0], t->exact);
		for (size_t c = 0; c < t->ncols && j->bd->b->summaries_only;
		     c++)
			row[c].values = NULL;
	}
	return rc;
}

static void *
rows_main(void *arg)
{
	struct row_job *j = arg;
	size_t nrows = j->t->nrows;

	while (!j->rc) {
		size_t r0 = atomic_fetch_add(j->next, ROW_CHUNK);
		if (r0 >= nrows)
			break;
		j->rc = rows_range(
			j, r0, nrows - r0 > ROW_CHUNK ? r0 + ROW_CHUNK : nrows);
	}
	return NULL;
}

/* Runs rows_main over all rows of t, on two threads when worth it. */
static int
summarize_rows(struct build *bd, struct cstat__table *t)
{
	atomic_size_t next;
	struct row_job a = {bd, &bd->w[0], t, &next, 0};
	struct row_job b = {bd, &bd->w[1], t, &next, 0};
	pthread_t th;

	atomic_init(&next, 0);
	/* Rows are shared out, so a table needs a few; a history's have
	 * as many cells as a run has benchmarks, times its runs.  Without
	 * a second thread to be had, this one takes every chunk. */
	if (bd->nthreads < 2 || t->nrows < 2 || t->nrows * t->ncols < 2048 ||
	    pthread_create(&th, NULL, rows_main, &b)) {
		rows_main(&a);
		return a.rc;
	}
	rows_main(&a);
	pthread_join(th, NULL);
	return a.rc ? a.rc : b.rc;
}

/* "benchmarks vary in ..." for a cell whose results differ in residue. */
static int
residue_warning(struct build *bd, struct cstat__cell *oc, const struct bres *bc)
{
	const struct cstat__proj *p = &bd->b->residue_proj;
	uint32_t *flat;
	size_t nflat;
	int rc;

	if (!bc || !bc->resx)
		return 0;
	const struct resx *x = &bd->b->resx[bc->resx - 1];
	rc = cstat__proj_flat(p, &flat, &nflat);
	if (rc)
		return rc;
	bd->buf.len = 0;
	rc = cstat__buf_adds(&bd->buf, "benchmarks vary in ");
	bool any = false;
	for (size_t i = 0; i < nflat && !rc; i++) {
		uint32_t f = p->fields[flat[i]].idx;
		uint32_t v0 = cstat__proj_get(p, bc->res0, f);
		bool differs = false;
		for (size_t k = 0; k < x->n; k++)
			if (cstat__proj_get(p, x->ids[k], f) != v0)
				differs = true;
		if (!differs)
			continue;
		if (any)
			rc = cstat__buf_adds(&bd->buf, ", ");
		if (!rc)
			rc = cstat__buf_adds(&bd->buf, p->fields[flat[i]].name);
		any = true;
	}
	free(flat);
	if (rc || !any)
		return rc;
	return cstat__strtab_intern(&bd->out->strs, bd->buf.data, bd->buf.len,
				    &oc->warn[oc->nwarn++]);
}

static int
summarize_col(struct build *bd, struct cstat__table *t, size_t col)
{
	struct cstat__summary *s = &t->summary[col];
	double *sums = malloc((t->nrows + 1) * sizeof(*sums));
	double *ratios = malloc((t->nrows + 1) * sizeof(*ratios));
	size_t nsum = 0, nratio = 0, nbase = 0;
	bool bad_ratio = false;
	int rc = 0;

	if (!sums || !ratios) {
		rc = CSTAT_ENOMEM;
		goto out;
	}
	for (size_t r = 0; r < t->nrows; r++) {
		const struct cstat__cell *base = &t->cells[r * t->ncols];
		const struct cstat__cell *c = &t->cells[r * t->ncols + col];
		if (base->present)
			nbase++;
		if (!c->present)
			continue;
		sums[nsum++] = c->center;
		if (!c->has_cmp)
			continue;
		double a = c->center, bv = base->center;
		if (a == bv) {
			ratios[nratio++] = 1;
		} else if (bv == 0) {
			bad_ratio = true;
			ratios[nratio++] = 0;
		} else {
			ratios[nratio++] = a / bv;
		}
	}
	if (col > 0 && nbase != nratio) {
		rc = owarn(bd, &s->warn[s->nwarn++],
			   "benchmark set differs from baseline; geomeans may "
			   "not be comparable");
		if (rc)
			goto out;
	}
	double gm = cstat__geomean(sums, nsum);
	if (isnan(gm)) {
		rc = owarn(bd, &s->warn[s->nwarn++],
			   "summaries must be >0 to compute geomean");
		if (rc)
			goto out;
	} else {
		s->has_summary = true;
		s->summary = gm;
	}
	if (col > 0 && !bad_ratio) {
		gm = cstat__geomean(ratios, nratio);
		if (isnan(gm)) {
			rc = owarn(bd, &s->warn[s->nwarn++],
				   "ratios must be >0 to compute geomean");
		} else {
			s->has_ratio = true;
			s->ratio = gm;
		}
	}
out:
	free(sums);
	free(ratios);
	return rc;
}

/* The geomean row's columns, from c0 on, every step-th. */
struct col_job {
	struct build *bd;
	struct cstat__table *t;
	size_t c0, step;
	int rc;
};

static void *
cols_main(void *arg)
{
	struct col_job *j = arg;

	for (size_t c = j->c0; c < j->t->ncols && !j->rc; c += j->step)
		j->rc = summarize_col(j->bd, j->t, c);
	return NULL;
}

/* The geomean row: columns are independent, so a large table's are
 * shared between two threads. */
static int
summarize_cols(struct build *bd, struct cstat__table *t)
{
	struct col_job a = {bd, t, 0, 1, 0}, b = {bd, t, 1, 2, 0};
	pthread_t th;

	if (bd->nthreads < 2 || t->ncols < 2 || t->nrows < 1024 ||
	    pthread_create(&th, NULL, cols_main, &b)) {
		cols_main(&a);
		return a.rc;
	}
	a.step = 2;
	cols_main(&a);
	pthread_join(th, NULL);
	return a.rc ? a.rc : b.rc;
}

static int
scratch_pos(uint32_t **v, size_t *cap, size_t need)
{
	size_t old = *cap;

	if (cstat__grow((void **)v, cap, need, sizeof(**v)))
		return CSTAT_ENOMEM;
	if (*cap > old)
		memset(*v + old, 0xff, (*cap - old) * sizeof(**v));
	return 0;
}

/*
 * Sorts every key of p once, so each table can order its own keys by
 * comparing integers: *rank gets each key's position, *by_rank the inverse.
 */
static int
rank_keys(const struct cstat__proj *p, uint32_t **rank, uint32_t **by_rank)
{
	size_t n = p->keys.count;

	*rank = malloc((n + 1) * sizeof(**rank));
	*by_rank = malloc((n + 1) * sizeof(**by_rank));
	if (!*rank || !*by_rank)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < n; i++)
		(*by_rank)[i] = (uint32_t)i;
	/*
	 * One field in first-observation order (benchstat's default rows and
	 * columns): every new key brings a new value, so keys were interned
	 * in their sort order already.
	 */
	bool in_order = p->nparts == 1 && !p->parts[0].is_group &&
			p->fields[p->parts[0].field].order == CSTAT__O_FIRST;
	int rc = in_order ? 0 : cstat__proj_sort(p, *by_rank, n);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		(*rank)[(*by_rank)[i]] = (uint32_t)i;
	return 0;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Sorts keys[0..n) by their global rank.  A table holding a good share of
 * all keys marks their ranks in a bitmap and reads it back in order; a
 * small one sorts its ranks.  scratch has room for one bit per key.
 */
static int
sort_by_rank(uint32_t *keys, size_t n, const uint32_t *rank,
	     const uint32_t *by_rank, size_t nkeys, uint64_t *scratch)
{
	if (n > 64 && n >= nkeys / 16) {
		size_t words = (nkeys + 63) / 64, k = 0;
		memset(scratch, 0, words * sizeof(*scratch));
		for (size_t i = 0; i < n; i++)
			scratch[rank[keys[i]] / 64] |= 1ULL
						       << (rank[keys[i]] % 64);
		for (size_t w = 0; w < words; w++)
			for (uint64_t bits = scratch[w]; bits; bits &= bits - 1)
				keys[k++] =
					by_rank[w * 64 +
						(size_t)__builtin_ctzll(bits)];
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		keys[i] = rank[keys[i]];
	qsort(keys, n, sizeof(*keys), cmp_u32);
	for (size_t i = 0; i < n; i++)
		keys[i] = by_rank[keys[i]];
	return 0;
}

/* ostr() remembered for every builder string id: table keys repeat their
 * values, and a string's hash costs more than a lookup. */
static int
ostr_memo(struct build *bd, uint32_t s, uint32_t *out)
{
	if (s >= bd->omap_cap) {
		size_t old = bd->omap_cap;
		if (cstat__grow((void **)&bd->omap, &bd->omap_cap,
				(size_t)s + 1, sizeof(*bd->omap)))
			return CSTAT_ENOMEM;
		memset(bd->omap + old, 0,
		       (bd->omap_cap - old) * sizeof(*bd->omap));
	}
	if (!bd->omap[s]) {
		int rc = ostr(bd, s, out);
		if (rc)
			return rc;
		bd->omap[s] = *out + 1;
	}
	*out = bd->omap[s] - 1;
	return 0;
}

/* okey[i] for the value v of field key_flat[i] of the table projection. */
static int
okey_set(struct build *bd, const uint32_t *key_flat, size_t i, uint32_t v)
{
	cstat_builder *b = bd->b;
	bool differs;

	if (b->table_proj.nmasked)
		watched_field(b, key_flat[i], &v, &differs);
	return ostr_memo(bd, v, &bd->okey[i]);
}

/*
 * okey for table key `key` when it is long: tables come in the order of
 * their keys, which mostly share their fields with the last one, so only
 * the fields where the two differ (found without visiting the others)
 * change, and the output's key is interned from those.
 */
static int
table_key_long(struct build *bd, uint32_t key, const uint32_t *key_flat,
	       uint32_t *out)
{
	const struct cstat__proj *tp = &bd->b->table_proj;
	size_t n = bd->out->nkey_fields, nf = tp->nfields, nd = 0;
	bool all = !bd->have_prev, added;
	int rc = 0;

	if (all) {
		/* pkey: by field position, where it is in okey + 1. */
		memset(bd->pkey, 0, (nf + 1) * sizeof(*bd->pkey));
		for (size_t i = 0; i < n; i++)
			bd->pkey[tp->fields[key_flat[i]].idx] = (uint32_t)i + 1;
		for (size_t i = 0; i < n && !rc; i++)
			rc = okey_set(
				bd, key_flat, i,
				cstat__seqtab_get(&tp->keys, key,
						  tp->fields[key_flat[i]].idx));
	}
	for (size_t d = 0; !all && !rc && d < nf; d++) {
		d = cstat__seqtab_diff(&tp->keys, bd->prev_key, key, d, nf);
		if (d == nf || !bd->pkey[d])
			continue;
		size_t i = bd->pkey[d] - 1;
		rc = okey_set(bd, key_flat, i,
			      cstat__seqtab_get(&tp->keys, key, d));
		bd->okey_dirty[nd++] = (uint32_t)i;
	}
	bd->have_prev = false;
	if (!rc)
		rc = cstat__seqtab_intern_at(&bd->out->keys, bd->okey, n,
					     bd->okey_dirty, nd, all, out,
					     &added);
	if (rc)
		return rc;
	bd->prev_key = key;
	bd->have_prev = true;
	return 0;
}

/* The table key, field by field, for the header lines: one sequence in
 * the output's keys, sharing what it has in common with the others. */
static int
table_key(struct build *bd, const struct btable *bt, struct cstat__table *t,
	  const uint32_t *key_flat)
{
	cstat_builder *b = bd->b;
	const struct cstat__proj *tp = &b->table_proj;
	size_t n = bd->out->nkey_fields;
	bool added;
	int rc;

	if (!bd->pkey) {
		bd->pkey = malloc((tp->nfields + 1) * sizeof(*bd->pkey));
		bd->okey = malloc((n + 1) * sizeof(*bd->okey));
		bd->okey_dirty = malloc((n + 1) * sizeof(*bd->okey_dirty));
		if (!bd->pkey || !bd->okey || !bd->okey_dirty)
			return CSTAT_ENOMEM;
	}
	if (n > CSTAT__SEQ_WIDTH)
		return table_key_long(bd, bt->key, key_flat, &t->key);
	cstat__seqtab_fill(&tp->keys, bt->key, bd->pkey, tp->nfields);
	for (size_t i = 0; i < n; i++) {
		rc = okey_set(bd, key_flat, i,
			      bd->pkey[tp->fields[key_flat[i]].idx]);
		if (rc)
			return rc;
	}
	return cstat__seqtab_intern(&bd->out->keys, bd->okey, n, &t->key,
				    &added);
}

/*
 * The label of row key `row` when it is one field's value, a string of
 * the tables' own (they took the builder's strings: summaries only): that
 * string's id, found without copying and hashing the label again (a
 * benchmark's full name by default, 20,000 of them in a large input).
 * An empty value is string 0, "", as its label is.  false when the label
 * must be made: several fields, or the .config group.
 */
static bool
label_is_value(const struct build *bd, uint32_t row, uint32_t *out)
{
	const struct cstat__proj *p = &bd->b->row_proj;

	if (p->strs != &bd->out->strs || p->nparts != 1 || p->parts[0].is_group)
		return false;
	*out = cstat__proj_get(p, row, p->fields[p->parts[0].field].idx);
	return true;
}

static int
build_table(struct build *bd, const struct btable *bt, struct cstat__table *t,
	    const uint32_t *key_flat, const uint32_t *col_flat)
{
	cstat_builder *b = bd->b;
	const struct cstat__proj *tp = &b->table_proj;
	uint32_t *rows = NULL;
	int rc;

	rc = table_key(bd, bt, t, key_flat);
	if (rc)
		return rc;
	uint32_t unit = cstat__proj_get(tp, bt->key, (uint32_t)tp->unit_field);
	rc = ostr(bd, unit, &t->unit);
	if (rc)
		return rc;
	const char *unit_str = cstat__strtab_str(
		b->strs_given ? &bd->out->strs : &b->strs, unit);
	const char *assume =
		cstat_reader_unit_meta(bd->opts->units, unit_str, "assume");
	t->exact = assume && strcmp(assume, "exact") == 0;
	/* Which way is better, for renderers that colour changes: the
	 * unit's better= metadata, else its class (throughput is higher). */
	const char *better =
		cstat_reader_unit_meta(bd->opts->units, unit_str, "better");
	if (better && strcmp(better, "higher") == 0)
		t->higher_better = true;
	else if (better && strcmp(better, "lower") == 0)
		t->higher_better = false;
	else
		t->higher_better =
			cstat_unit_class_of(unit_str) == CSTAT_CLASS_THROUGHPUT;

	/* Rows and columns, sorted in the global order of their keys; the
	 * columns are the distinct columns of its cells, noted as added. */
	t->nrows = bt->ntrows;
	t->ncols = bt->ncols;
	if (t->ncols &&
	    t->nrows > (SIZE_MAX / sizeof(*t->cells) - 1) / t->ncols)
		return CSTAT_ENOMEM;
	rows = malloc((t->nrows + 1) * sizeof(*rows));
	t->row_labels = malloc((t->nrows + 1) * sizeof(*t->row_labels));
	uint32_t *cols = malloc((t->ncols + 1) * sizeof(*cols));
	t->col_vals = malloc((t->ncols * bd->out->ncol_fields + 1) *
			     sizeof(*t->col_vals));
	/* No cell with residues to note here: the row jobs set the cells
	 * up (set_up_row()), and copy their values when the table keeps
	 * them; the main thread only notes which builder cell goes where. */
	size_t ncells = t->nrows * t->ncols + 1;
	bd->cells_by_rows = !bt->res;
	bool need_src = b->summaries_only || bd->cells_by_rows;
	bool row_vals = bd->cells_by_rows && !b->summaries_only;
	t->cells = bd->cells_by_rows
			   ? cstat__big_alloc(ncells * sizeof(*t->cells))
			   : cstat__big_calloc(ncells, sizeof(*t->cells));
	t->summary = calloc(t->ncols + 1, sizeof(*t->summary));
	free(bd->src);
	free(bd->row_at);
	bd->src = NULL;
	bd->row_at = NULL;
	bd->vals = NULL;
	atomic_store(&bd->vals_next, 0);
	if (need_src) {
		bd->src = bd->cells_by_rows
				  ? cstat__big_alloc(ncells * sizeof(*bd->src))
				  : malloc(ncells * sizeof(*bd->src));
		bd->src_table = bt;
	}
	if (row_vals) {
		bd->row_at = malloc((t->nrows + 1) * sizeof(*bd->row_at));
		if (bt->nvals)
			bd->vals = cstat__arena_alloc_aligned(
				&bd->out->values.arena,
				bt->nvals * sizeof(double), sizeof(double));
	}
	rc = scratch_pos(&bd->row_pos, &bd->row_pos_cap,
			 b->row_proj.keys.count);
	if (rc) {
		free(rows);
		free(cols);
		return rc;
	}
	if (!rows || !t->row_labels || !cols || !t->col_vals || !t->cells ||
	    !t->summary || (need_src && !bd->src) ||
	    (row_vals && (!bd->row_at || (bt->nvals && !bd->vals)))) {
		free(rows);
		free(cols);
		return CSTAT_ENOMEM;
	}
	for (size_t i = 0; i < t->nrows; i++) {
		rows[i] = b->trows[bt->trows[i]].row;
		if (bd->cells_by_rows)
			bd->row_pos[rows[i]] = bt->trows[i];
	}
	if (t->ncols)
		memcpy(cols, bt->cols, t->ncols * sizeof(*cols));
	rc = sort_by_rank(rows, t->nrows, bd->row_rank, bd->row_by_rank,
			  b->row_proj.keys.count, bd->bits);
	if (!rc)
		rc = sort_by_rank(cols, t->ncols, bd->col_rank, bd->col_by_rank,
				  b->col_proj.keys.count, bd->bits);
	if (!rc)
		rc = scratch_pos(&bd->col_pos, &bd->col_pos_cap,
				 b->col_proj.keys.count);
	for (size_t i = 0; i < t->nrows && !rc; i++) {
		if (!bd->cells_by_rows)
			bd->row_pos[rows[i]] = (uint32_t)i;
		/* Row keys recur in every unit's table: label each once. */
		if (bd->label_of[rows[i]] == UINT32_MAX &&
		    !label_is_value(bd, rows[i], &bd->label_of[rows[i]])) {
			rc = cstat__proj_label(&b->row_proj, rows[i], &bd->buf);
			if (!rc)
				rc = cstat__strtab_intern(
					&bd->out->strs, bd->buf.data,
					bd->buf.len, &bd->label_of[rows[i]]);
		}
		t->row_labels[i] = bd->label_of[rows[i]];
	}
	for (size_t i = 0; i < t->ncols && !rc; i++) {
		bd->col_pos[cols[i]] = (uint32_t)i;
		for (size_t f = 0; f < bd->out->ncol_fields && !rc; f++) {
			uint32_t v = cstat__proj_get(
				&b->col_proj, cols[i],
				b->col_proj.fields[col_flat[f]].idx);
			rc = ostr(bd, v,
				  &t->col_vals[i * bd->out->ncol_fields + f]);
		}
	}
	/* Move each cell's values to its place, noting mixed residues; the
	 * row jobs find a table set up by rows its cells themselves. */
	for (size_t i = 0; i < bt->ncells && !rc && !bd->cells_by_rows; i++) {
		const struct bcell *bc = &bt->cells[i];
		size_t r = bd->row_pos[b->trows[bc->trow].row];
		size_t c = bd->col_pos[bc->col];
		struct cstat__cell *oc = &t->cells[r * t->ncols + c];
		oc->present = true;
		oc->n = bc->n;
		if (b->summaries_only) {
			bd->src[r * t->ncols + c] = bc;
		} else {
			oc->values = cstat__arena_alloc_aligned(
				&bd->out->values.arena,
				(size_t)bc->n * sizeof(double), sizeof(double));
			if (!oc->values) {
				rc = CSTAT_ENOMEM;
				break;
			}
			cell_values(bt, bc, oc->values);
		}
		rc = residue_warning(bd, oc, bt->res ? &bt->res[i] : NULL);
	}
	/* Summaries, then comparisons against column 0 of each row. */
	bd->rows = rows;
	if (!rc)
		rc = summarize_rows(bd, t);
	bd->rows = NULL;
	if (!rc && !b->cells_only)
		rc = summarize_cols(bd, t);

	/* Reset the scratch positions touched by this table. */
	for (size_t i = 0; i < t->nrows; i++)
		bd->row_pos[rows[i]] = UINT32_MAX;
	for (size_t i = 0; i < t->ncols; i++)
		bd->col_pos[cols[i]] = UINT32_MAX;
	free(rows);
	free(cols);
	return rc;
}

void
cstat_stats_opts_default(struct cstat_stats_opts *o)
{
	const struct cstat_stats_opts def = CSTAT_STATS_OPTS_INIT;

	if (o)
		*o = def;
}

/*
 * Takes the room for every value the tables will keep in one block of
 * their pool, which build_table() then fills cell by cell: the values are
 * all written once, and a block of 10 MB (1.2 million values) taken at
 * once is on huge pages where the system lends them, a fault per 2 MB
 * instead of 2,400 of 4 kB.  @return 0 or CSTAT_ENOMEM.
 */
static int
reserve_values(const cstat_builder *b, struct cstat__vpool *pool)
{
	size_t n = 0;

	for (size_t i = 0; i < b->ntables; i++)
		n += b->tables[i].nvals;
	if (n == 0)
		return 0;
	if (n > SIZE_MAX / sizeof(double))
		return CSTAT_ENOMEM;
	return cstat__arena_reserve(&pool->arena, n * sizeof(double));
}

int
cstat_builder_build(cstat_builder *b, const struct cstat_stats_opts *opts,
		    cstat_tables **out)
{
	/* NULL means the defaults; the build keeps opts only while it runs. */
	const struct cstat_stats_opts def = CSTAT_STATS_OPTS_INIT;
	struct build bd = {0};
	uint32_t *keys = NULL, *key_flat = NULL, *col_flat = NULL;
	cstat_tables *t;
	int rc;

	if (!out)
		return CSTAT_EINVAL;
	*out = NULL;
	if (!opts)
		opts = &def;
	if (!b || !(opts->alpha >= 0 && opts->alpha <= 1) ||
	    !(opts->confidence >= 0 && opts->confidence <= 1))
		return CSTAT_EINVAL;
	if (b->built)
		return CSTAT_ESTATE;
	t = calloc(1, sizeof(*t));
	if (!t)
		return CSTAT_ENOMEM;
	rc = cstat__strtab_init(&t->strs);
	if (!rc) {
		rc = cstat__seqtab_init(&t->keys);
		if (rc)
			cstat__strtab_release(&t->strs);
	}
	if (rc) {
		free(t);
		return rc;
	}
	t->alpha = opts->alpha;
	t->confidence = opts->confidence;
	t->threads = opts->threads;
	t->cells_only = b->cells_only;
	t->no_values = b->summaries_only;
	t->read_words = cstat__builder_value_words(b);
	bd.b = b;
	bd.out = t;
	bd.opts = opts;
	b->built = true;
	/* The values, as doubles, go to the tables, which own them from
	 * now on; for summaries only, to scratch a row at a time. */
	cstat__vpool_init(&t->values);
	/* The lookup maps served adding only; free them before the tables
	 * need memory of their own. */
	cstat__u64map_release(&b->trow_map);
	cstat__u64map_release(&b->cell_map);
	/* So are the row keys' hash tables (a row key per benchmark) and
	 * the first table row of each key. */
	cstat__seqtab_seal(&b->row_proj.keys);
	/*
	 * Building reads the builder's strings but interns none there.
	 * Tables of summaries only are written after the builder is freed:
	 * they take its strings (every benchmark's name among them) instead
	 * of copying those they need, and builder ids are table ids.  Their
	 * labels and warnings are interned there, so the strings keep their
	 * hash table: sealed, the first warning would hash every name again.
	 */
	if (!b->summaries_only) {
		cstat__strtab_seal(&b->strs);
	} else {
		cstat__strtab_release(&t->strs);
		t->strs = b->strs;
		memset(&b->strs, 0, sizeof(b->strs));
		b->strs_given = true;
		b->table_proj.strs = b->row_proj.strs = &t->strs;
		b->col_proj.strs = b->residue_proj.strs = &t->strs;
	}
	free(b->row_first);
	free(b->row_ntrows);
	b->row_first = b->row_ntrows = NULL;
	b->row_cap = 0;
	bd.nthreads = opts->threads > 1 ? 2 : 1;
	if (pthread_mutex_init(&bd.mu, NULL)) {
		cstat_tables_free(t);
		return CSTAT_ENOMEM;
	}
	rc = cstat__ucache_new(&bd.w[0].ucache);
	if (!rc && bd.nthreads > 1)
		rc = cstat__ucache_new(&bd.w[1].ucache);
	if (!rc)
		rc = common_warnings(&bd);
	if (!rc)
		rc = field_names(&bd, &b->table_proj, &t->key_fields,
				 &t->nkey_fields, &key_flat);
	if (!rc && b->table_proj.nmasked)
		drop_differing(b, key_flat, t->key_fields, &t->nkey_fields);
	if (!rc)
		rc = field_names(&bd, &b->col_proj, &t->col_fields,
				 &t->ncol_fields, &col_flat);
	if (rc)
		goto out;
	t->unit_field = -1;
	for (size_t i = 0; i < t->nkey_fields; i++)
		if ((int)key_flat[i] == b->table_proj.unit_field)
			t->unit_field = (int)i;

	/* Tables in the order of their keys. */
	keys = malloc((b->ntables + 1) * sizeof(*keys));
	t->tables = calloc(b->ntables + 1, sizeof(*t->tables));
	if (!keys || !t->tables) {
		rc = CSTAT_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < b->ntables; i++)
		keys[i] = b->tables[i].key;
	rc = cstat__proj_sort(&b->table_proj, keys, b->ntables);
	if (!rc)
		rc = rank_keys(&b->row_proj, &bd.row_rank, &bd.row_by_rank);
	if (!rc)
		rc = rank_keys(&b->col_proj, &bd.col_rank, &bd.col_by_rank);
	if (!rc) {
		size_t nk = b->row_proj.keys.count > b->col_proj.keys.count
				    ? b->row_proj.keys.count
				    : b->col_proj.keys.count;
		bd.bits = malloc((nk / 64 + 1) * sizeof(*bd.bits));
		bd.label_of = malloc((b->row_proj.keys.count + 1) *
				     sizeof(*bd.label_of));
		if (!bd.bits || !bd.label_of)
			rc = CSTAT_ENOMEM;
		else
			memset(bd.label_of, 0xff,
			       (b->row_proj.keys.count + 1) *
				       sizeof(*bd.label_of));
	}
	if (!rc && !b->summaries_only)
		rc = reserve_values(b, &t->values);
	if (!rc && b->dg)
		rc = cstat__diagnose_expect(b->dg, b->ncells);
	for (size_t i = 0; i < b->ntables && !rc; i++) {
		struct btable *bt = &b->tables[b->table_of_key[keys[i]] - 1];
		rc = build_table(&bd, bt, &t->tables[i], key_flat, col_flat);
		t->ntables = i + 1;
		/* The table has its own copy of what it needs now. */
		free(bt->cells);
		free(bt->trows);
		free(bt->res);
		free(bt->slab);
		free(bt->cols);
		free(bt->col_bits);
		bt->cols = NULL;
		bt->col_bits = NULL;
		bt->ncols = bt->cols_cap = bt->col_words = 0;
		bt->cells = NULL;
		bt->trows = NULL;
		bt->res = NULL;
		bt->slab = NULL;
		bt->ncells = bt->cells_cap = bt->res_cap = 0;
		bt->ntrows = bt->trows_cap = 0;
		bt->slab_len = bt->slab_cap = bt->nvals = 0;
		bt->cells_mapped = bt->slab_mapped = 0;
	}
out:
	free(keys);
	free(key_flat);
	free(col_flat);
	free(bd.row_pos);
	free(bd.col_pos);
	free(bd.pkey);
	free(bd.okey);
	free(bd.okey_dirty);
	free(bd.omap);
	for (int k = 0; k < 2; k++) {
		free(bd.w[k].ci_lo);
		free(bd.w[k].ci_hi);
		free(bd.w[k].row_vals);
		cstat__ucache_free(bd.w[k].ucache);
	}
	pthread_mutex_destroy(&bd.mu);
	free(bd.bits);
	free(bd.label_of);
	free(bd.row_rank);
	free(bd.row_by_rank);
	free(bd.col_rank);
	free(bd.col_by_rank);
	cstat__buf_release(&bd.buf);
	free(bd.src);
	free(bd.row_at);
	if (rc) {
		cstat_tables_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void
cstat__builder_cells_only(cstat_builder *b)
{
	b->cells_only = true;
}

static int
builder_diagnose(cstat_builder *b, cstat_diagnose *dg, bool strong)
{
	if (!b || !dg)
		return CSTAT_EINVAL;
	if (b->built)
		return CSTAT_ESTATE;
	int rc = cstat__diagnose_feed(dg, strong);
	if (!rc)
		b->dg = dg;
	return rc;
}

int
cstat_builder_diagnose(cstat_builder *b, cstat_diagnose *dg)
{
	return builder_diagnose(b, dg, false);
}

int
cstat_builder_diagnose_strong(cstat_builder *b, cstat_diagnose *dg)
{
	return builder_diagnose(b, dg, true);
}

int
cstat_builder_summaries_only(cstat_builder *b)
{
	if (!b)
		return CSTAT_EINVAL;
	if (b->built)
		return CSTAT_ESTATE;
	b->summaries_only = true;
	return 0;
}
