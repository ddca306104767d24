/*
 * render-csv.c - benchstat's CSV output (benchtab Table.ToCSV).
 *
 * Records follow Go's encoding/csv: a field is quoted when it holds a comma,
 * a quote or a line break, or starts with a space.  A name, label or
 * configuration value that a spreadsheet would take for a formula ("=",
 * "+", "-", "@", a tab or a CR first, and not a plain number) is written
 * quoted with a "'" before it, as OWASP recommends; numbers, deltas such
 * as "-12.34%" and our own words stay as benchstat writes them.  Warnings go to
 * a second stream as spreadsheet references ("D7: message") so the CSV itself
 * stays a clean grid.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "numfmt.h"
#include "tables.h"

struct csv {
	FILE *out, *warn;
	struct cstat__buf line;
	size_t nfields;	   /* fields in the record being built */
	unsigned long row; /* 1-based number of the record being built */
	int err;
};

/* Go's unicode.IsSpace for the first rune of a field (ASCII and Latin-1). */
static bool
starts_with_space(const char *s, size_t len)
{
	unsigned char c = (unsigned char)s[0];

	if (c == ' ' || (c >= '\t' && c <= '\r'))
		return true;
	if (len >= 2 && c == 0xc2)
		return (unsigned char)s[1] == 0x85 ||
		       (unsigned char)s[1] == 0xa0;
	if (len >= 3 && c == 0xe2 && (unsigned char)s[1] == 0x80)
		return ((unsigned char)s[2] >= 0x80 &&
			(unsigned char)s[2] <= 0x8a) ||
		       (unsigned char)s[2] == 0xa8 ||
		       (unsigned char)s[2] == 0xa9 ||
		       (unsigned char)s[2] == 0xaf;
	if (len >= 3 && c == 0xe2 && (unsigned char)s[1] == 0x81)
		return (unsigned char)s[2] == 0x9f;
	if (len >= 3 && c == 0xe1 && (unsigned char)s[1] == 0x9a)
		return (unsigned char)s[2] == 0x80;
	if (len >= 3 && c == 0xe3 && (unsigned char)s[1] == 0x80)
		return (unsigned char)s[2] == 0x80;
	return false;
}

static bool
needs_quotes(const char *s, size_t len)
{
	if (len == 0)
		return false;
	if (len == 2 && s[0] == '\\' && s[1] == '.')
		return true;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n' || s[i] == '\r' || s[i] == '"' || s[i] == ',')
			return true;
	return starts_with_space(s, len);
}

/* Adds a field; a text one (label) that would start a formula in a
 * spreadsheet is quoted with a "'" before it. */
static void
field_as(struct csv *c, const char *s, bool label)
{
	size_t len = strlen(s);
	bool formula = label && cstat__csv_formula(s);

	if (c->nfields++ && cstat__buf_addc(&c->line, ','))
		c->err = CSTAT_ENOMEM;
	if (!formula && !needs_quotes(s, len)) {
		if (cstat__buf_add(&c->line, s, len))
			c->err = CSTAT_ENOMEM;
		return;
	}
	if (cstat__buf_adds(&c->line, formula ? "\"'" : "\""))
		c->err = CSTAT_ENOMEM;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"' && cstat__buf_addc(&c->line, '"'))
			c->err = CSTAT_ENOMEM;
		if (cstat__buf_addc(&c->line, s[i]))
			c->err = CSTAT_ENOMEM;
	}
	if (cstat__buf_addc(&c->line, '"'))
		c->err = CSTAT_ENOMEM;
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

static void
emit(struct csv *c)
{
	if (cstat__buf_addc(&c->line, '\n'))
		c->err = CSTAT_ENOMEM;
	if (fwrite(c->line.data, 1, c->line.len, c->out) != c->line.len)
		c->err = CSTAT_EIO;
	c->line.len = 0;
	c->nfields = 0;
	c->row++;
}

/* Warnings name the cell about to be written, in benchstat's odd base 26. */
static void
warn(struct csv *c, const struct cstat_tables *t, const uint32_t *ids, size_t n)
{
	char name[16];
	size_t pos = sizeof(name) - 1;

	if (!c->warn || n == 0)
		return;
	name[pos] = '\0';
	for (size_t x = c->nfields; x > 0; x /= 26)
		name[--pos] = (char)('A' + x % 26);
	if (pos == sizeof(name) - 1)
		name[--pos] = 'A';
	for (size_t i = 0; i < n; i++)
		if (fprintf(c->warn, "%s%lu: %s\n", name + pos, c->row,
			    cstat__tstr(t, ids[i])) < 0)
			c->err = CSTAT_EIO;
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

int
cstat__render_csv(const struct cstat_tables *t, FILE *out, FILE *warnf)
{
	struct csv c = {out, warnf, {0}, 0, 1, 0};

	for (size_t i = 0; i < t->ntables && !c.err; i++) {
		const struct cstat__table *tb = &t->tables[i];
		if (i > 0) {
			field(&c, "");
			emit(&c);
		}
		for (size_t f = cstat__table_key_change(t, i, 0);
		     f < t->nkey_fields;
		     f = cstat__table_key_change(t, i, f + 1)) {
			if ((int)f == t->unit_field)
				continue;
			uint32_t v = cstat__table_key(t, tb, f);
			struct cstat__buf b = {0};
			if (cstat__buf_printf(&b, "%s: %s",
					      cstat__tstr(t, t->key_fields[f]),
					      cstat__tstr(t, v))) {
				c.err = CSTAT_ENOMEM;
				break;
			}
			label(&c, b.data);
			emit(&c);
			cstat__buf_release(&b);
		}
		render_table(&c, t, tb);
	}
	cstat__buf_release(&c.line);
	return c.err;
}
