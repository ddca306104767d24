/*
 * texttab.h - fixed-width text table layout (internal to libcstat).
 *
 * This is a C port of the layout engine of Go benchstat
 * (golang.org/x/perf cmd/benchstat/internal/texttab).  A caller adds rows of
 * cells; each cell starts at a column, spans one or more columns, has a
 * value, an alignment and a left margin.  Formatting computes a width for
 * every column so that every cell fits, then prints each row with the cell
 * values padded to their columns.  The output matches Go's byte for byte,
 * including its quirks (see cstat__ttab_write), with one documented
 * exception: Go orders cells of equal span with an unstable sort, and this
 * port uses a stable one.
 *
 * All widths count Unicode code points ("runes"), the way Go's
 * utf8.RuneCountInString does: a valid UTF-8 sequence is one rune and every
 * byte of an invalid sequence is a rune of its own.  Values such as "│",
 * "±", "µ", "∞" and superscript digits are therefore one column wide.
 *
 * Usage mirrors the Go API:
 *
 *	Go                        C
 *	t.Row()                   cstat__ttab_row(t)
 *	t.Cell(v, opts...)        cstat__ttab_cell(t, CSTAT__TTAB_HERE, 1,
 *	                                           v, strlen(v), align, margin)
 *	t.Col(c).Span(n, v, ...)  cstat__ttab_cell(t, c, n, v, ...)
 *	t.CurCol()                cstat__ttab_cur_col(t)
 *	t.SetShrink(c, b)         cstat__ttab_set_shrink(t, c, b)
 *	t.Format(w)               cstat__ttab_write(t, out)
 *
 * Go's options map to arguments: texttab.Left, Center and Right to align,
 * LeftMargin(m) to margin (NULL when the option is absent).
 */
#ifndef CSTAT_TEXTTAB_H
#define CSTAT_TEXTTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* How a value is placed inside the width of its column(s). */
enum cstat__ttab_align {
	/* No padding at all (Go's default, texttab.Left). */
	CSTAT__TTAB_LEFT = 0,
	/* (width - runes) / 2 spaces on the left, none on the right. */
	CSTAT__TTAB_CENTER,
	/* Spaces on the left up to the width. */
	CSTAT__TTAB_RIGHT
};

/* A column argument meaning "the current column" (Go's plain Cell). */
#define CSTAT__TTAB_HERE ((size_t)-1)

/* A table under construction: opaque, created by cstat__ttab_new. */
struct cstat__ttab;

/*
 * Creates an empty table, positioned at row 0, column 0.
 *
 * @param out  receives the table; set to NULL on failure.
 * @return 0, or CSTAT_EINVAL if out is NULL, or CSTAT_ENOMEM.
 * The caller owns the table and releases it with cstat__ttab_free.
 */
int cstat__ttab_new(struct cstat__ttab **out);

/*
 * Frees t and every string copied into it.  Freeing NULL does nothing.
 */
void cstat__ttab_free(struct cstat__ttab *t);

/*
 * Starts a new row and moves to column 0.  As in Go, the row number only
 * advances once the table holds at least one cell, so calls before the
 * first cell all refer to row 0; a row with no cells prints as an empty line
 * when a later row has cells, and not at all at the end of the table.
 *
 * @param t  the table.
 */
void cstat__ttab_row(struct cstat__ttab *t);

/*
 * The current column of the current row: where the next cell added with
 * CSTAT__TTAB_HERE starts, i.e. just past the last cell added in this row.
 *
 * @param t  the table.
 * @return the column index.
 */
size_t cstat__ttab_cur_col(const struct cstat__ttab *t);

/*
 * Adds a cell to the current row, starting at column col and spanning span
 * columns, then moves the current column to col + span.  Columns skipped
 * over stay empty.
 *
 * value is copied (len bytes, need not be NUL-terminated, must not be NULL
 * unless len is 0), so the caller may reuse its buffer at once.
 *
 * margin is a NUL-terminated string printed to the left of the value, or
 * NULL for Go's default: "" for a cell in column 0 or with an empty value,
 * " " otherwise.  Each column reserves room for the widest margin (in runes)
 * of the cells starting in it, and every cell prints its own margin
 * right-aligned inside that room.  An explicit "" is not the same as NULL.
 *
 * A cell whose value and margin are both empty or white space (Unicode
 * White_Space, as Go's strings.TrimSpace) still takes part in the widths
 * but is not printed, so lines carry no trailing blanks.
 *
 * @param t       the table.
 * @param col     the first column, or CSTAT__TTAB_HERE for the current one.
 * @param span    how many columns the cell covers, at least 1.
 * @param value   the text, UTF-8.
 * @param len     its length in bytes.
 * @param align   CSTAT__TTAB_LEFT, _CENTER or _RIGHT.
 * @param margin  the left margin, or NULL for the default.
 * @return 0; CSTAT_EINVAL if col is left of the current column (Go
 *	panics), span is 0, value is NULL with len > 0, align is unknown, or a
 *	row, column, value or margin exceeds 2^32 - 1; CSTAT_ENOMEM.  On failure
 *	the table is unchanged.
 */
int cstat__ttab_cell(struct cstat__ttab *t, size_t col, size_t span,
		     const char *value, size_t len,
		     enum cstat__ttab_align align, const char *margin);

/*
 * Makes room for ncells more cells holding nbytes more bytes of values and
 * margins, so a caller that knows the size of its table avoids the slack of
 * geometric growth.  Purely an optimization: cells can always be added.
 *
 * @return 0 or CSTAT_ENOMEM (the table is unchanged).
 */
int cstat__ttab_reserve(struct cstat__ttab *t, size_t ncells, size_t nbytes);

/*
 * Marks column col as a "shrink" column, or clears the mark.  When a
 * spanning cell needs more room than its columns give, only the columns that
 * are not shrink columns are widened.  A mark on a column that never gets a
 * cell is harmless.
 *
 * @param t       the table.
 * @param col     the column index.
 * @param shrink  true to mark, false to clear.
 * @return 0, CSTAT_EINVAL if col is SIZE_MAX, or CSTAT_ENOMEM.
 */
int cstat__ttab_set_shrink(struct cstat__ttab *t, size_t col, bool shrink);

/*
 * Lays out t and writes it to out, one fwrite per line; every line ends in
 * "\n".  An empty table writes nothing.  t is not changed, so it can be
 * written again.
 *
 * Widths (all in runes):
 *  - a column's margin room is the widest margin of the cells starting in it;
 *  - a single-column cell needs its value plus the margin room;
 *  - cells spanning several columns are then taken by increasing span, in
 *    the order they were added among equal spans (Go: unstable pdqsort).  If
 *    the spanned columns are too narrow, the widths of shrink columns are
 *    subtracted from the need, the others are visited widest first (ties:
 *    leftmost first) and each is raised to the rounded-up average of what is
 *    still needed, which is then reduced by the column's width.
 *
 * Printing reproduces Go's fmt "%*s" exactly, including the cases where a
 * value overflows its columns (possible when all the columns it spans are
 * shrink columns): the gap to the next cell is then printed as its absolute
 * value in spaces, and a right-aligned value with a negative width is
 * padded on the right instead.  Go's fmt would print "%!(BADWIDTH)" for a
 * width beyond 10^6 runes; this port simply pads.
 *
 * Errors of buffered stdio may only surface when the caller flushes out.
 *
 * @param t    the table.
 * @param out  the stream to write to.
 * @return 0, CSTAT_ENOMEM (nothing or part of the table was written), or
 *	CSTAT_EIO if fwrite failed.
 */
int cstat__ttab_write(const struct cstat__ttab *t, FILE *out);

/*
 * Writes several tables as one: their rows one after another, laid out with
 * the columns they would have as a single table.  Only parts[0] may hold
 * cells that span columns.  This lets the rows of one table be built in
 * parallel, each share in its own part.  It matches cstat__ttab_write() of
 * the combined table when every row has a cell that is not blank (a row
 * with only blank cells at the end of a part would not print its empty
 * line).  parts[0]'s column statistics are widened to cover every part.
 *
 * @return 0, CSTAT_EINVAL (a later part has spanning cells), CSTAT_ENOMEM
 *	or CSTAT_EIO.
 */
int cstat__ttab_write_parts(struct cstat__ttab *const *parts, size_t n,
			    FILE *out);

#endif /* CSTAT_TEXTTAB_H */
