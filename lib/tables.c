/*
 * tables.c - reading built tables: the accessors of cstat_tables (units,
 * rows, columns, labels, cells, their warnings and values, table keys) and
 * the one table of writers cstat_tables_write() picks a format from.  The
 * builder (builder.c) makes the tables; the renderers (render-*.c) write
 * them; this is what both sides and the library's users read them through.
 */
#include <stdlib.h>
#include <string.h>

#include "cstat-private.h"
#include "tables.h"

size_t
cstat_tables_count(const cstat_tables *t)
{
	return t ? t->ntables : 0;
}

static const struct cstat__table *
get_table(const cstat_tables *t, size_t i)
{
	return t && i < t->ntables ? &t->tables[i] : NULL;
}

const char *
cstat_table_unit(const cstat_tables *t, size_t i)
{
	const struct cstat__table *tb = get_table(t, i);

	return tb ? cstat__tstr(t, tb->unit) : NULL;
}

size_t
cstat_table_rows(const cstat_tables *t, size_t i)
{
	const struct cstat__table *tb = get_table(t, i);

	return tb ? tb->nrows : 0;
}

size_t
cstat_table_cols(const cstat_tables *t, size_t i)
{
	const struct cstat__table *tb = get_table(t, i);

	return tb ? tb->ncols : 0;
}

const char *
cstat_table_row_label(const cstat_tables *t, size_t i, size_t r)
{
	const struct cstat__table *tb = get_table(t, i);

	return tb && r < tb->nrows ? cstat__tstr(t, tb->row_labels[r]) : NULL;
}

const char *
cstat_table_col_label(const cstat_tables *t, size_t i, size_t c)
{
	const struct cstat__table *tb = get_table(t, i);

	if (!tb || c >= tb->ncols || t->ncol_fields == 0)
		return NULL;
	/* The innermost column field names the column. */
	return cstat__tstr(
		t, tb->col_vals[c * t->ncol_fields + t->ncol_fields - 1]);
}

int
cstat_table_cell(const cstat_tables *t, size_t i, size_t r, size_t c,
		 struct cstat_cell *out)
{
	const struct cstat__table *tb = get_table(t, i);

	if (out)
		memset(out, 0, sizeof(*out));
	if (!tb || r >= tb->nrows || c >= tb->ncols || !out)
		return CSTAT_EINVAL;
	const struct cstat__cell *cell = &tb->cells[r * tb->ncols + c];
	const struct cstat__cell *base = &tb->cells[r * tb->ncols];
	memset(out, 0, sizeof(*out));
	out->present = cell->present;
	if (!cell->present)
		return 0;
	out->n = cell->n;
	out->center = cell->center;
	out->lo = cell->lo;
	out->hi = cell->hi;
	out->has_comparison = cell->has_cmp;
	out->nwarnings = (size_t)cell->nwarn + cell->ncmpwarn;
	if (cell->has_cmp) {
		out->p = cell->p;
		out->significant = cell->significant;
		out->delta = cell->center / base->center - 1;
	}
	return 0;
}

const char *
cstat_table_cell_warning(const cstat_tables *t, size_t i, size_t r, size_t c,
			 size_t k)
{
	const struct cstat__table *tb = get_table(t, i);

	if (!tb || r >= tb->nrows || c >= tb->ncols)
		return NULL;
	const struct cstat__cell *cell = &tb->cells[r * tb->ncols + c];
	if (k < cell->nwarn)
		return cstat__tstr(t, cell->warn[k]);
	k -= cell->nwarn;
	if (k < cell->ncmpwarn)
		return cstat__tstr(t, cell->cmpwarn[k]);
	return NULL;
}

const double *
cstat_table_cell_values(const cstat_tables *t, size_t i, size_t r, size_t c,
			size_t *n)
{
	const struct cstat__table *tb = get_table(t, i);

	if (n)
		*n = 0;
	if (!tb || r >= tb->nrows || c >= tb->ncols || !n)
		return NULL;
	const struct cstat__cell *cell = &tb->cells[r * tb->ncols + c];
	if (!cell->present || !cell->values)
		return NULL;
	*n = cell->n;
	return cell->values;
}

int
cstat_table_key(const cstat_tables *t, size_t i, size_t k, const char **name,
		const char **value)
{
	const struct cstat__table *tb = get_table(t, i);

	if (name)
		*name = NULL;
	if (value)
		*value = NULL;
	if (!tb || !name || !value)
		return CSTAT_EINVAL;
	/* The k-th field but the unit, found without counting: callers ask
	 * for every k in turn, and a key may have 1,000s of fields. */
	size_t f = t->unit_field >= 0 && k >= (size_t)t->unit_field ? k + 1 : k;
	if (k >= t->nkey_fields || f >= t->nkey_fields)
		return CSTAT_EINVAL;
	*name = cstat__tstr(t, t->key_fields[f]);
	*value = cstat__tstr(t, cstat__table_key(t, tb, f));
	return 0;
}

bool
cstat_table_exact(const cstat_tables *t, size_t i)
{
	const struct cstat__table *tb = get_table(t, i);

	return tb && tb->exact;
}

bool
cstat_table_higher_better(const cstat_tables *t, size_t i)
{
	const struct cstat__table *tb = get_table(t, i);

	return tb && tb->higher_better;
}

/* The table renderers, one row per enum cstat_format (the index), so a new
 * format is one row here; cstat_format_parse() reads the names from it. */
typedef int (*tables_writer)(const struct cstat_tables *t, FILE *out,
			     FILE *warn);

static int
write_text(const struct cstat_tables *t, FILE *out, FILE *warn)
{
	(void)warn;
	return cstat__render_text(t, out);
}

static int
write_html(const struct cstat_tables *t, FILE *out, FILE *warn)
{
	(void)warn;
	return cstat__render_html(t, out);
}

static int
write_markdown(const struct cstat_tables *t, FILE *out, FILE *warn)
{
	(void)warn;
	return cstat__render_markdown(t, out);
}

static int
write_json(const struct cstat_tables *t, FILE *out, FILE *warn)
{
	(void)warn;
	return cstat__render_json(t, out);
}

static const struct {
	const char *name;
	tables_writer write;
} formats[] = {
	[CSTAT_FORMAT_TEXT] = {"text", write_text},
	[CSTAT_FORMAT_CSV] = {"csv", cstat__render_csv},
	[CSTAT_FORMAT_HTML] = {"html", write_html},
	[CSTAT_FORMAT_MARKDOWN] = {"markdown", write_markdown},
	[CSTAT_FORMAT_JSON] = {"json", write_json},
};

int
cstat_format_parse(const char *name, enum cstat_format *out)
{
	if (!name || !out)
		return CSTAT_EINVAL;
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(formats[i].name, name) == 0) {
			*out = (enum cstat_format)i;
			return 0;
		}
	return CSTAT_EINVAL;
}

int
cstat_tables_write(const cstat_tables *t, enum cstat_format fmt, FILE *out,
		   FILE *warn)
{
	if (!t || !out || t->cells_only)
		return CSTAT_EINVAL;
	if (t->no_values && fmt == CSTAT_FORMAT_HTML)
		return CSTAT_ESTATE;
	if ((unsigned)fmt >= sizeof formats / sizeof formats[0])
		return CSTAT_EINVAL;
	return formats[fmt].write(t, out, warn);
}
