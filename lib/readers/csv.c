/*
 * csv.c - CSV inputs through libcsv: cstat's long CSV (a header with
 * name, value and unit columns, every other column a configuration key)
 * and criterion.rs's raw.csv (one row per sample).
 *
 * libcsv parses as the bytes arrive (csv_parse with a field and a row
 * callback), so the memory used is that of one row, whatever the size of
 * the file.  libcsv does not count lines, so the input is handed to it one
 * line at a time: a row ends on the line being parsed when the row
 * callback runs, and began as many lines earlier as its quoted fields
 * hold newlines.
 */
#include <csv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cstat-private.h"
#include "numfmt.h"
#include "readers.h"

/* The longest field read; longer is an error rather than unbounded
 * memory. */
#define FIELD_MAX (1024 * 1024)

/* Criterion's raw.csv header, exactly as criterion writes it. */
static const char criterion_header[] =
	"group,function,value,throughput_num,throughput_type,"
	"sample_measured_value,unit,iteration_count";

enum {
	CR_GROUP,
	CR_FUNCTION,
	CR_VALUE,
	CR_TPNUM,
	CR_TPTYPE,
	CR_MEASURED,
	CR_UNIT,
	CR_ITERS,
	CR_NCOLS
};

struct csv_state {
	bool criterion; /* criterion's raw.csv, not the long CSV */
	bool started;	/* the parser is initialised */
	bool stop;	/* a failure was queued */
	int err;	/* CSTAT_ENOMEM from a callback */
	struct csv_parser p;
	struct cstat__rq *q;
	unsigned long line;   /* the line being parsed (1-based) */
	unsigned long row_nl; /* newlines inside the row's fields */
	size_t ctrl_col;      /* 1 + the row's first field with a control
				 character, 0 when none has one */
	/* The row so far: its fields, NUL-terminated, one after another. */
	struct cstat__buf row;
	size_t *off; /* each field's start in row */
	size_t nfields, cap;
	/* The header, kept as a row is, and the long CSV's columns. */
	struct cstat__buf head;
	size_t *head_off;
	size_t ncols;
	size_t col_name, col_value, col_unit;
	/* The long CSV: each configuration column's value on the last row
	 * read (NUL-terminated in prev, at prev_off), "" when absent. */
	struct cstat__buf prev;
	size_t *prev_off;
};

static void *
capped_realloc(void *ptr, size_t n)
{
	return n > FIELD_MAX + 1024 ? NULL : realloc(ptr, n);
}

static const char *
field(const struct csv_state *s, size_t i)
{
	return s->row.data + s->off[i];
}

/* A field's length: up to the next field's start, less its NUL (a NUL
 * inside a field is kept in names and makes a number invalid). */
static size_t
field_len(const struct csv_state *s, size_t i)
{
	size_t end = i + 1 < s->nfields ? s->off[i + 1] : s->row.len;

	return end - s->off[i] - 1;
}

/* libcsv's field callback: appends the field to the row. */
static void
on_field(void *data, size_t len, void *arg)
{
	struct csv_state *s = arg;

	if (s->err || s->stop)
		return;
	/* One pass finds the line breaks (for line numbers) and any other
	 * control character (a reason to skip the row). */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = ((const unsigned char *)data)[i];

		if (c >= 0x20 && c != 0x7f)
			continue;
		s->row_nl += c == '\n';
		if (!s->ctrl_col)
			s->ctrl_col = s->nfields + 1;
	}
	if (s->nfields == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		size_t *off = realloc(s->off, cap * sizeof(*off));

		if (!off) {
			s->err = CSTAT_ENOMEM;
			return;
		}
		s->off = off;
		s->cap = cap;
	}
	s->off[s->nfields++] = s->row.len;
	/* cstat__buf_add ends the text with a NUL: keep it as the field's. */
	if (cstat__buf_add(&s->row, data, len))
		s->err = CSTAT_ENOMEM;
	else
		s->row.len++;
}

/* Whether the row repeats the header (files joined with cat). */
static bool
is_header_again(const struct csv_state *s)
{
	if (s->nfields != s->ncols)
		return false;
	for (size_t i = 0; i < s->ncols; i++)
		if (strcmp(field(s, i), s->head.data + s->head_off[i]) != 0)
			return false;
	return true;
}

/* A field for a message: at most 40 bytes of it. */
#define SHOW(s) 40, (s)

static int
fail(struct csv_state *s, unsigned long line, const char *msg, const char *arg)
{
	s->stop = true;
	return cstat__rq_fail(s->q, CSTAT_EFORMAT, line, "%s%s%s%s", msg,
			      arg ? " \"" : "", arg ? arg : "",
			      arg ? "\"" : "");
}

/* The long CSV's header: finds the required columns. */
static int
long_header(struct csv_state *s, unsigned long line)
{
	static const char *const need[] = {"name", "value", "unit"};
	size_t *cols[] = {&s->col_name, &s->col_value, &s->col_unit};

	for (size_t k = 0; k < 3; k++) {
		*cols[k] = SIZE_MAX;
		for (size_t i = 0; i < s->ncols; i++)
			if (strcmp(field(s, i), need[k]) == 0)
				*cols[k] = i;
		if (*cols[k] == SIZE_MAX)
			return fail(s, line,
				    "CSV header lacks the required column",
				    need[k]);
	}
	for (size_t i = 0; i < s->ncols; i++)
		for (size_t j = i + 1; j < s->ncols; j++)
			if (field_len(s, i) &&
			    strcmp(field(s, i), field(s, j)) == 0)
				return fail(s, line,
					    "CSV header repeats the column",
					    field(s, i));
	s->prev_off = calloc(s->ncols, sizeof(*s->prev_off));
	if (!s->prev_off || cstat__buf_add(&s->prev, "", 1))
		return CSTAT_ENOMEM;
	return 0;
}

/* Criterion's header must be its own, exactly. */
static int
criterion_header_check(struct csv_state *s, unsigned long line)
{
	static const char *const cols[] = {
		"group",	  "function",	     "value",
		"throughput_num", "throughput_type", "sample_measured_value",
		"unit",		  "iteration_count"};

	if (s->ncols != CR_NCOLS)
		return fail(s, line, "not criterion's raw.csv header; expected",
			    criterion_header);
	for (size_t i = 0; i < CR_NCOLS; i++)
		if (strcmp(field(s, i), cols[i]) != 0)
			return fail(s, line,
				    "not criterion's raw.csv header; expected",
				    criterion_header);
	return 0;
}

/* Keeps the row as the header. */
static int
take_header(struct csv_state *s, unsigned long line)
{
	s->head_off = malloc(s->nfields * sizeof(*s->head_off));
	if (!s->head_off || cstat__buf_add(&s->head, s->row.data, s->row.len))
		return CSTAT_ENOMEM;
	memcpy(s->head_off, s->off, s->nfields * sizeof(*s->off));
	s->ncols = s->nfields;
	return s->criterion ? criterion_header_check(s, line)
			    : long_header(s, line);
}

/* A number in column i, or a warning: @return 1 when it is one. */
static int
number(struct csv_state *s, size_t i, unsigned long line, double *v)
{
	const char *f = field(s, i);
	size_t n = field_len(s, i);

	if (n && cstat__parse_float(f, n, v) == 0)
		return 1;
	int rc = cstat__rq_warn(s->q, line,
				"%s \"%.*s\" is not a number; row skipped",
				s->head.data + s->head_off[i], SHOW(f));
	return rc ? rc : 0;
}

/* Copies the values still in use to a fresh buffer, so that prev stays
 * the size of a row or two however many rows change the configuration. */
static int
compact_prev(struct csv_state *s)
{
	struct cstat__buf b = {0};

	if (cstat__buf_add(&b, "", 1))
		return CSTAT_ENOMEM;
	for (size_t j = 0; j < s->ncols; j++) {
		const char *o = s->prev.data + s->prev_off[j];
		size_t l = strlen(o) + 1;

		if (l == 1) {
			s->prev_off[j] = 0;
			continue;
		}
		if (cstat__buf_add(&b, o, l)) {
			cstat__buf_release(&b);
			return CSTAT_ENOMEM;
		}
		s->prev_off[j] = b.len - l;
	}
	cstat__buf_release(&s->prev);
	s->prev = b;
	return 0;
}

/* Sends the configuration columns that changed since the last row. */
static int
long_config(struct csv_state *s, unsigned long line)
{
	for (size_t i = 0; i < s->ncols; i++) {
		const char *key = s->head.data + s->head_off[i];

		if (i == s->col_name || i == s->col_value || i == s->col_unit ||
		    !*key)
			continue;
		if (strcmp(s->prev.data + s->prev_off[i], field(s, i)) == 0)
			continue;
		if (cstat__rq_config(s->q, key, field(s, i), line))
			return CSTAT_ENOMEM;
		if (s->prev.len > 2 * s->row.len + 4096 && compact_prev(s))
			return CSTAT_ENOMEM;
		size_t len = field_len(s, i) + 1;

		s->prev_off[i] = s->prev.len;
		if (cstat__buf_add(&s->prev, field(s, i), len))
			return CSTAT_ENOMEM;
	}
	return 0;
}

/* The first column of the row with a control character (a line break
 * in a name would break every table it is printed in), or SIZE_MAX. */
static size_t
control_column(const struct csv_state *s)
{
	return s->ctrl_col ? s->ctrl_col - 1 : SIZE_MAX;
}

static int
control_warning(struct csv_state *s, unsigned long line, size_t i)
{
	return cstat__rq_warn(s->q, line,
			      "%s has a line break or control character; row "
			      "skipped",
			      s->head.data + s->head_off[i]);
}

static int
long_row(struct csv_state *s, unsigned long line)
{
	double v;
	size_t c;
	int rc;

	if (s->nfields != s->ncols)
		return cstat__rq_warn(s->q, line,
				      "row has %zu field%s, the header %zu; "
				      "row skipped",
				      s->nfields, s->nfields == 1 ? "" : "s",
				      s->ncols);
	if ((c = control_column(s)) != SIZE_MAX)
		return control_warning(s, line, c);
	if (!field_len(s, s->col_name))
		return cstat__rq_warn(s->q, line, "empty name; row skipped");
	if (!field_len(s, s->col_unit))
		return cstat__rq_warn(s->q, line, "empty unit; row skipped");
	if ((rc = number(s, s->col_value, line, &v)) != 1)
		return rc;
	if ((rc = long_config(s, line)) != 0)
		return rc;

	struct cstat__rv rv = {v, field(s, s->col_unit)};

	return cstat__rq_result(s->q, field(s, s->col_name),
				field_len(s, s->col_name), &rv, 1, line);
}

/* Criterion's id: group/function/value, leaving out the empty parts. */
static int
criterion_name(struct csv_state *s, struct cstat__buf *name)
{
	static const size_t parts[] = {CR_GROUP, CR_FUNCTION, CR_VALUE};

	for (size_t k = 0; k < 3; k++) {
		size_t n = field_len(s, parts[k]);

		if (!n)
			continue;
		if ((name->len && cstat__buf_add(name, "/", 1)) ||
		    cstat__buf_add(name, field(s, parts[k]), n))
			return CSTAT_ENOMEM;
	}
	return 0;
}

/* The throughput of one iteration taking ns nanoseconds, when the row has
 * one: bytes give B/s, elements elem/s. */
static int
criterion_throughput(struct csv_state *s, unsigned long line, double ns,
		     struct cstat__rv *rv)
{
	const char *type = field(s, CR_TPTYPE);
	double n;
	int rc;

	if (!*type && !field_len(s, CR_TPNUM))
		return 0;
	if (strcmp(type, "bytes") == 0)
		rv->unit = "B/s";
	else if (strcmp(type, "elements") == 0)
		rv->unit = "elem/s";
	else {
		rc = cstat__rq_warn(s->q, line,
				    "throughput_type \"%.*s\" is neither bytes "
				    "nor elements; throughput left out",
				    SHOW(type));
		return rc ? rc : 0;
	}
	if ((rc = number(s, CR_TPNUM, line, &n)) != 1)
		return rc ? rc : 0;
	rv->value = n * 1e9 / ns;
	return 1;
}

static int
criterion_row(struct csv_state *s, unsigned long line)
{
	struct cstat__rv rv[2];
	struct cstat__buf name = {0};
	char unit[64];
	double measured, iters;
	size_t c;
	int rc, ntp = 0;

	if (s->nfields != s->ncols)
		return cstat__rq_warn(s->q, line,
				      "row has %zu field%s, the header %zu; "
				      "row skipped",
				      s->nfields, s->nfields == 1 ? "" : "s",
				      s->ncols);
	if ((c = control_column(s)) != SIZE_MAX)
		return control_warning(s, line, c);
	if ((rc = number(s, CR_MEASURED, line, &measured)) != 1 ||
	    (rc = number(s, CR_ITERS, line, &iters)) != 1)
		return rc;
	if (!(iters > 0))
		return cstat__rq_warn(s->q, line,
				      "iteration_count is not positive; row "
				      "skipped");
	if (!field_len(s, CR_UNIT) || field_len(s, CR_UNIT) > 40)
		return cstat__rq_warn(s->q, line,
				      "unit is empty or too long; row skipped");
	snprintf(unit, sizeof(unit), "%s/op", field(s, CR_UNIT));
	rv[0].value = measured / iters;
	rv[0].unit = unit;
	/* A throughput needs a time; other measurements have none. */
	if (strcmp(field(s, CR_UNIT), "ns") == 0) {
		ntp = criterion_throughput(s, line, rv[0].value, &rv[1]);
		if (ntp < 0)
			return ntp;
	}
	if (criterion_name(s, &name))
		rc = CSTAT_ENOMEM;
	else if (!name.len)
		rc = cstat__rq_warn(s->q, line, "empty group; row skipped");
	else
		rc = cstat__rq_result(s->q, name.data, name.len, rv,
				      1 + (size_t)ntp, line);
	cstat__buf_release(&name);
	return rc;
}

/* libcsv's row callback. */
static void
on_row(int c, void *arg)
{
	struct csv_state *s = arg;
	unsigned long line = s->line - s->row_nl;
	int rc = 0;

	(void)c;
	if (!s->err && !s->stop) {
		if (!s->head_off)
			rc = take_header(s, line);
		else if (!is_header_again(s))
			rc = s->criterion ? criterion_row(s, line)
					  : long_row(s, line);
		if (rc)
			s->err = rc;
	}
	s->nfields = 0;
	s->row.len = 0;
	s->row_nl = 0;
	s->ctrl_col = 0;
}

static int
start(struct csv_state *s, struct cstat__rq *q)
{
	if (csv_init(&s->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
		return CSTAT_ENOMEM;
	csv_set_realloc_func(&s->p, capped_realloc);
	csv_set_blk_size(&s->p, 4096);
	s->started = true;
	s->q = q;
	s->line = 1;
	return 0;
}

/* What went wrong in libcsv, as an error on the line it was on (at the
 * end of the input: a quoted field left open). */
static int
parse_error(struct csv_state *s, bool at_end)
{
	int e = csv_error(&s->p);

	if (e == CSV_ENOMEM || e == CSV_ETOOBIG)
		return fail(s, s->line, "a field longer than 1 MiB", NULL);
	if (at_end)
		return fail(s, s->line,
			    "malformed CSV: a quoted field is not closed by "
			    "the end of the input",
			    NULL);
	return fail(s, s->line,
		    "malformed CSV: a quote inside an unquoted field, or text "
		    "after a closing quote",
		    NULL);
}

static int
feed(struct csv_state *s, struct cstat__rq *q, const char *data, size_t len)
{
	if (!s->started && start(s, q))
		return CSTAT_ENOMEM;
	if (s->stop)
		return 0;
	if (!len) {
		int rc = csv_fini(&s->p, on_field, on_row, s);

		if (s->err || s->stop)
			return s->err == CSTAT_ENOMEM ? s->err : 0;
		if (rc)
			return parse_error(s, true);
		if (!s->head_off)
			return fail(s, 0, "empty CSV: no header row", NULL);
		return 0;
	}
	for (size_t i = 0; i < len && !s->stop;) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - data) + 1 - i : len - i;

		if (csv_parse(&s->p, data + i, n, on_field, on_row, s) < n &&
		    !s->err && !s->stop)
			return parse_error(s, false);
		if (s->err == CSTAT_ENOMEM)
			return s->err;
		if (s->err)
			return 0;
		if (nl)
			s->line++;
		i += n;
	}
	return 0;
}

static int
feed_long(void *state, struct cstat__rq *q, const char *data, size_t len)
{
	return feed(state, q, data, len);
}

static int
feed_criterion(void *state, struct cstat__rq *q, const char *data, size_t len)
{
	struct csv_state *s = state;

	s->criterion = true;
	return feed(s, q, data, len);
}

static void
release(void *state)
{
	struct csv_state *s = state;

	if (s->started)
		csv_free(&s->p);
	cstat__buf_release(&s->row);
	cstat__buf_release(&s->head);
	cstat__buf_release(&s->prev);
	free(s->off);
	free(s->head_off);
	free(s->prev_off);
}

/* The first line of head (without its line end) and its length. */
static size_t
first_line(const char *head, size_t len)
{
	size_t n = 0;

	while (n < len && head[n] != '\n' && head[n] != '\r')
		n++;
	return n;
}

/* Whether the header line has the column col (unquoted, as written by
 * every tool; a quoted header is read, just not recognised). */
static bool
has_column(const char *line, size_t n, const char *col)
{
	size_t cl = strlen(col);

	for (size_t i = 0; i <= n;) {
		size_t j = i;

		while (j < n && line[j] != ',')
			j++;
		if (j - i == cl && memcmp(line + i, col, cl) == 0)
			return true;
		i = j + 1;
	}
	return false;
}

static int
sniff_long(const char *head, size_t len, bool whole)
{
	size_t n = first_line(head, len);

	(void)whole;
	if (!memchr(head, ',', n))
		return 0;
	return has_column(head, n, "name") && has_column(head, n, "value") &&
			       has_column(head, n, "unit")
		       ? 90
		       : 0;
}

static int
sniff_criterion(const char *head, size_t len, bool whole)
{
	size_t n = first_line(head, len);

	(void)whole;
	return n == sizeof(criterion_header) - 1 &&
			       memcmp(head, criterion_header, n) == 0
		       ? 100
		       : 0;
}

const struct cstat__format cstat__format_csv = {
	.name = "csv",
	.title = "cstat long CSV (name,value,unit)",
	.sniff = sniff_long,
	.feed = feed_long,
	.state_size = sizeof(struct csv_state),
	.release = release,
};

const struct cstat__format cstat__format_criterion = {
	.name = "criterion",
	.title = "criterion.rs raw.csv",
	.sniff = sniff_criterion,
	.feed = feed_criterion,
	.state_size = sizeof(struct csv_state),
	.release = release,
};
