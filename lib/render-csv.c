/*
 * render-csv.c - benchstat's CSV output (benchtab Table.ToCSV).
 *
 * Records follow Go's encoding/csv (the stream's CSTAT__CSV_GO rule): a
 * field is quoted when it holds a comma, a quote or a line break, is
 * "\.", or starts with a space.  A name, label or
 * configuration value that a spreadsheet would take for a formula ("=",
 * "+", "-", "@", a tab or a CR first, and not a plain number) is written
 * quoted with a "'" before it, as OWASP recommends; numbers, deltas such
 * as "-12.34%" and our own words stay as benchstat writes them.  Warnings go to
 * a second stream as spreadsheet references ("D7: message") so the CSV itself
 * stays a clean grid; it is buffered too (a large input has tens of
 * thousands of warnings, each once a write to unbuffered stderr).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "numfmt.h"
#include "ostream.h"
#include "tables.h"

struct csv {
	struct cstat__ostream out;   /* the records */
	struct cstat__ostream *warn; /* the warnings: warn_os, out or NULL */
	struct cstat__ostream warn_os;
	struct cstat__ostream line; /* the record being built (memory) */
	size_t nfields;		    /* fields in the record being built */
	unsigned long row; /* 1-based number of the record being built */
};

/*
 * Adds a field: numbers and our words as benchstat writes them, and with
 * text set a name, label or configuration value from the input, quoted
 * with a "'" before it if a spreadsheet would take it for a formula.
 */
static void
field_as(struct csv *c, const char *s, bool text)
{
	if (c->nfields++)
		cstat__os_put(&c->line, ",", 1);
	cstat__os_csv(&c->line, s, CSTAT__CSV_GO, text);
}

/* Adds a field of ours or a number, as benchstat writes it. */
static void
field(struct csv *c, const char *s)
{
	field_as(c, s, false);
}

/* Adds a name, label or configuration value from the input. */
static void
label(struct csv *c, const char *s)
{
	field_as(c, s, true);
}

static void
clear_to(struct csv *c, size_t col)
{
	while (c->nfields < col)
		field(c, "");
}

/*
 * Ends the record.  It was built apart so that its warnings, written as
 * its cells are, come before it when they share one stream.
 */
static void
emit(struct csv *c)
{
	cstat__os_put(&c->line, "\n", 1);
	cstat__os_fail(&c->out, c->line.err);
	cstat__os_put(&c->out, c->line.data, c->line.len);
	c->line.len = 0;
	c->nfields = 0;
	c->row++;
}

/* Warnings name the cell about to be written, in benchstat's odd base 26. */
static void
warn(struct csv *c, const struct cstat_tables *t, const uint32_t *ids, size_t n)
{
	char name[16];
	size_t pos = sizeof(name);

	if (!c->warn || n == 0)
		return;
	for (size_t x = c->nfields; x > 0; x /= 26)
		name[--pos] = (char)('A' + x % 26);
	if (pos == sizeof(name))
		name[--pos] = 'A';
	for (size_t i = 0; i < n; i++) {
		cstat__os_put(c->warn, name + pos, sizeof(name) - pos);
		cstat__os_uint(c->warn, c->row);
		cstat__os_put(c->warn, ": ", 2);
		cstat__os_adds(c->warn, cstat__tstr(t, ids[i]));
		cstat__os_put(c->warn, "\n", 1);
	}
}

/* The field where input column exp starts: center, CI, the extra
 * statistics (-stats), then for later columns vs base and P. */
static size_t
start_col(const struct cstat_tables *t, size_t exp)
{
	size_t k = t->nstats;

	return exp == 0 ? 1 : 1 + 2 + k + (exp - 1) * (4 + k);
}

static void
render_table(struct csv *c, const struct cstat_tables *t,
	     const struct cstat__table *tb)
{
	char num[64], ci[64];

	for (size_t f = 0; f < t->ncol_fields; f++) {
		for (size_t e = 0; e < tb->ncols; e++) {
			clear_to(c, start_col(t, e));
			label(c,
			      cstat__tstr(
				      t, tb->col_vals[e * t->ncol_fields + f]));
		}
		clear_to(c, start_col(t, tb->ncols));
		emit(c);
	}
	for (size_t e = 0; e < tb->ncols; e++) {
		clear_to(c, start_col(t, e));
		label(c, cstat__tstr(t, tb->unit));
		field(c, "CI");
		for (size_t k = 0; k < t->nstats; k++)
			field(c, t->stats[k].name);
		if (e > 0) {
			field(c, "vs base");
			field(c, "P");
		}
	}
	emit(c);
	for (size_t r = 0; r < tb->nrows; r++) {
		const struct cstat__cell *base = &tb->cells[r * tb->ncols];
		label(c, cstat__tstr(t, tb->row_labels[r]));
		for (size_t e = 0; e < tb->ncols; e++) {
			const struct cstat__cell *cell =
				&tb->cells[r * tb->ncols + e];
			if (!cell->present)
				continue;
			clear_to(c, start_col(t, e));
			warn(c, t, cell->warn, cell->nwarn);
			cstat__fmt_go_float(num, cell->center);
			cstat__pct_range(cell, ci, sizeof(ci));
			field(c, num);
			field(c, ci);
			for (size_t k = 0; k < t->nstats; k++) {
				double v = cstat__cell_stat(t, cell, k);
				/* Raw numbers, as the centers; empty when
				 * there are too few values. */
				if (isnan(v))
					field(c, "");
				else {
					cstat__fmt_go_float(num, v);
					field(c, num);
				}
			}
			if (e > 0 && cell->has_cmp) {
				warn(c, t, cell->cmpwarn, cell->ncmpwarn);
				cstat__format_delta(cell, base->center, num,
						    sizeof(num));
				cstat__format_cmp(cell, base->n, ci,
						  sizeof(ci));
				field(c, num);
				field(c, ci);
			}
		}
		emit(c);
	}
	field(c, "geomean");
	for (size_t e = 0; e < tb->ncols; e++) {
		const struct cstat__summary *s = &tb->summary[e];
		clear_to(c, start_col(t, e));
		warn(c, t, s->warn, s->nwarn);
		if (s->has_summary) {
			cstat__fmt_go_float(num, s->summary);
			field(c, num);
		}
		if (e > 0) {
			clear_to(c, start_col(t, e) + 2 + t->nstats);
			if (s->has_ratio) {
				cstat__fmt_percent(num, sizeof(num),
						   (s->ratio - 1) * 100);
				field(c, num);
			} else {
				field(c, "?");
			}
		}
	}
	clear_to(c, start_col(t, tb->ncols));
	emit(c);
}

/* Starts the streams: the warnings buffered too, or in the records'
 * stream when they go to the same file. */
static void
csv_begin(struct csv *c, FILE *out, FILE *warnf)
{
	*c = (struct csv){.row = 1};
	cstat__os_file(&c->out, out);
	cstat__os_memory(&c->line);
	if (warnf == out) {
		c->warn = &c->out;
	} else if (warnf) {
		cstat__os_file(&c->warn_os, warnf);
		c->warn = &c->warn_os;
	}
}

/* Writes out and frees the streams: the warnings first, as they came
 * before their records.  @return the first error. */
static int
csv_end(struct csv *c)
{
	int werr = c->warn == &c->warn_os ? cstat__os_close(&c->warn_os) : 0;
	int err = cstat__os_close(&c->out);

	cstat__os_release(&c->line);
	return err ? err : werr;
}

/* The configuration line "key: value" of field f of table tb. */
static void
config_line(struct csv *c, const struct cstat_tables *t,
	    const struct cstat__table *tb, size_t f)
{
	struct cstat__ostream b;

	cstat__os_memory(&b);
	cstat__os_adds(&b, cstat__tstr(t, t->key_fields[f]));
	cstat__os_put(&b, ": ", 2);
	cstat__os_adds(&b, cstat__tstr(t, cstat__table_key(t, tb, f)));
	cstat__os_fail(&c->out, b.err);
	label(c, cstat__os_cstr(&b));
	emit(c);
	cstat__os_release(&b);
}

int
cstat__render_csv(const struct cstat_tables *t, FILE *out, FILE *warnf)
{
	struct csv c;

	csv_begin(&c, out, warnf);
	for (size_t i = 0; i < t->ntables && !c.out.err; i++) {
		const struct cstat__table *tb = &t->tables[i];
		if (i > 0) {
			field(&c, "");
			emit(&c);
		}
		for (size_t f = cstat__table_key_change(t, i, 0);
		     f < t->nkey_fields;
		     f = cstat__table_key_change(t, i, f + 1)) {
			if ((int)f != t->unit_field)
				config_line(&c, t, tb, f);
		}
		render_table(&c, t, tb);
	}
	return csv_end(&c);
}
