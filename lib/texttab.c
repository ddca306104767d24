/*
 * texttab.c - fixed-width text table layout, a port of Go benchstat's
 * cmd/benchstat/internal/texttab (Table.Row, Col, Span, SetShrink, Format).
 *
 * A real run lays out hundreds of thousands of cells, so the table keeps
 * them as one byte stream: per cell a few varints and its text, about 6
 * bytes besides the text (a record per cell took 40, and a 20,000-row
 * table 8 MB).  The work Go does in Format that depends only on
 * single-column cells (the margin room and the widest value of each
 * column) is done as cells arrive, so formatting only has to sort the few
 * spanning cells, which are kept as records too.  Cells are added in row,
 * then column order (columns never move left within a row, rows never go
 * back), which is exactly the order Go's Format sorts them into for
 * printing, so they are printed as stored; blank cells, which Go does not
 * print, count in the widths and are not stored.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cstat-private.h"
#include "cstat.h"
#include "texttab.h"

/*
 * A cell that spans several columns, kept whole: laying out widens the
 * columns under it.  Cells of one column are not kept as records at all
 * (see the stream below).
 */
struct ttab_span {
	uint32_t col, span, vrunes;
};

#define MARGIN_MEMOS 4

/* What Format needs to know about a column before the spanning cells. */
struct ttab_col {
	uint32_t lmargin; /* widest margin of the cells starting here */
	uint32_t max1;	  /* widest value of the single-column cells here */
	bool has1;	  /* whether there is any single-column cell here */
};

/* A margin as cells refer to it: the table keeps each distinct one once. */
struct ttab_margin {
	char *text;
	uint32_t len, runes;
	bool blank;
};

struct cstat__ttab {
	/*
	 * Every cell that prints (not blank), in order, as a few varints
	 * (rows advanced since the last cell, column, span, margin number,
	 * alignment, the value's runes when they are not its bytes, value
	 * length) then the value's bytes: 6 bytes and the
	 * text, where a record would take 40 (a large table has 100,000s).
	 */
	unsigned char *text;
	size_t text_len, text_cap;
	size_t text_mapped; /* cstat__prefault()'s mark */
	size_t ncells;	    /* cells added, blank ones included */
	size_t stream_row;  /* the row of the last cell in the stream */

	struct ttab_col *cols;
	size_t ncols, cols_cap;

	struct ttab_span *spans;
	size_t nspans, spans_cap;

	struct ttab_margin *mtab;
	size_t nmtab, mtab_cap;

	bool *shrink;
	size_t nshrink;

	size_t cur_row, cur_col;

	/* Short margins seen lately: callers pass the same few margins
	 * again and again. */
	struct margin_memo {
		char text[16];
		size_t len; /* SIZE_MAX: unused */
		uint32_t id;
	} margins[MARGIN_MEMOS];
	size_t next_memo;
};

/*
 * Makes room for need elements of size bytes in the array p of capacity
 * *cap, growing it geometrically.  Returns the (possibly moved) array and
 * updates *cap, or returns NULL on overflow or out of memory, leaving p and
 * *cap untouched.  need must be at least 1.
 */
static void *
grow_array(void *p, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 16;
	void *np;

	if (need <= *cap)
		return p;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return NULL;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size)
		return NULL;
	np = realloc(p, ncap * size);
	if (!np)
		return NULL;
	*cap = ncap;
	return np;
}

/* The most bytes a cell adds to the stream besides its value. */
#define CELL_HEAD (7 * 5)

int
cstat__ttab_reserve(struct cstat__ttab *t, size_t ncells, size_t nbytes)
{
	/* A cell takes about 6 bytes besides its text. */
	if (ncells > (SIZE_MAX - nbytes) / 6 ||
	    ncells * 6 + nbytes > SIZE_MAX - t->text_len)
		return CSTAT_ENOMEM;
	size_t need = t->text_len + ncells * 6 + nbytes;
	/* Exact sizes: a table of 100,000s of cells should not double. */
	if (need > t->text_cap) {
		void *p = realloc(t->text, need);
		if (!p)
			return CSTAT_ENOMEM;
		t->text = p;
		t->text_cap = need;
	}
	return 0;
}

/*
 * Counts the runes of s[0, n) as Go's utf8.RuneCountInString does and
 * stores in *blank whether all of them are white space (so that Go's
 * strings.TrimSpace would leave nothing).
 */
static uint32_t
count_runes(const char *s, size_t n, bool *blank)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t count = 0;
	bool sp = true;
	size_t i = 0;

	/* ASCII, the common case: one rune per byte, blank when every byte
	 * is white space.  The leading white space, then one OR of the rest
	 * for a byte above 0x7f, eight bytes at a time (cells are short:
	 * a vectorized loop spent its time getting to its vectors). */
	uint64_t high = 0;
	size_t k;

	while (i < n && (p[i] == ' ' || (p[i] >= '\t' && p[i] <= '\r')))
		i++;
	for (k = i; k + 8 <= n; k += 8) {
		uint64_t w;
		memcpy(&w, p + k, 8);
		high |= w;
	}
	for (; k < n; k++)
		high |= p[k];
	if (!(high & 0x8080808080808080ULL)) {
		*blank = i == n;
		return (uint32_t)n;
	}
	i = 0;
	while (i < n) {
		uint32_t r;

		if (p[i] < 0x80) {
			r = p[i++];
		} else {
			unsigned long c;
			i += cstat__utf8_decode(p + i, n - i, &c);
			r = (uint32_t)c;
		}
		if (sp && !cstat__unicode_space(r))
			sp = false;
		count++;
	}
	*blank = sp;
	return count;
}

int
cstat__ttab_new(struct cstat__ttab **out)
{
	if (!out)
		return CSTAT_EINVAL;
	*out = calloc(1, sizeof **out);
	if (!*out)
		return CSTAT_ENOMEM;
	for (size_t k = 0; k < MARGIN_MEMOS; k++)
		(*out)->margins[k].len = SIZE_MAX; /* unused */
	return 0;
}

void
cstat__ttab_free(struct cstat__ttab *t)
{
	if (!t)
		return;
	free(t->text);
	free(t->cols);
	free(t->spans);
	for (size_t i = 0; i < t->nmtab; i++)
		free(t->mtab[i].text);
	free(t->mtab);
	free(t->shrink);
	free(t);
}

void
cstat__ttab_row(struct cstat__ttab *t)
{
	if (t->ncells > 0)
		t->cur_row++;
	t->cur_col = 0;
}

size_t
cstat__ttab_cur_col(const struct cstat__ttab *t)
{
	return t->cur_col;
}

/*
 * Makes room for one more cell of nbytes bytes of value ending at column
 * end, and one more spanning cell if spanning.  Returns 0 or
 * CSTAT_ENOMEM; either way the table's contents are unchanged.
 */
static int
reserve_cell(struct cstat__ttab *t, size_t nbytes, size_t end, bool spanning)
{
	void *p;

	if (nbytes > SIZE_MAX - CELL_HEAD - t->text_len)
		return CSTAT_ENOMEM;
	p = grow_array(t->text, &t->text_cap, t->text_len + nbytes + CELL_HEAD,
		       1);
	if (!p)
		return CSTAT_ENOMEM;
	t->text = p;
	p = grow_array(t->cols, &t->cols_cap, end, sizeof *t->cols);
	if (!p)
		return CSTAT_ENOMEM;
	t->cols = p;
	if (spanning) {
		p = grow_array(t->spans, &t->spans_cap, t->nspans + 1,
			       sizeof *t->spans);
		if (!p)
			return CSTAT_ENOMEM;
		t->spans = p;
	}
	return 0;
}

/* Appends x as a varint (7 bits a byte); room must have been reserved. */
static void
put_varint(struct cstat__ttab *t, uint64_t x)
{
	while (x >= 0x80) {
		t->text[t->text_len++] = (unsigned char)(x | 0x80);
		x >>= 7;
	}
	t->text[t->text_len++] = (unsigned char)x;
}

static uint64_t
get_varint(const unsigned char **p)
{
	uint64_t x = 0;
	unsigned shift = 0;

	while (**p & 0x80) {
		x |= (uint64_t)(**p & 0x7f) << shift;
		shift += 7;
		(*p)++;
	}
	x |= (uint64_t) * *p << shift;
	(*p)++;
	return x;
}

/* Whether the n bytes at a and b are the same: margins are a few bytes,
 * shorter than a call to memcmp(). */
static inline bool
short_same(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/*
 * The number of margin m[0..len) in the table's list of margins, added
 * if new; UINT32_MAX when out of memory.
 */
static uint32_t
margin_id(struct cstat__ttab *t, const char *m, size_t len)
{
	struct margin_memo *mm;

	for (size_t k = 0; k < MARGIN_MEMOS && len < sizeof(mm->text); k++) {
		mm = &t->margins[k];
		if (mm->len == len && short_same(mm->text, m, len))
			return mm->id;
	}
	uint32_t id;
	for (id = 0; id < t->nmtab; id++)
		if (t->mtab[id].len == len &&
		    memcmp(t->mtab[id].text, m, len) == 0)
			break;
	if (id == t->nmtab) {
		void *p = grow_array(t->mtab, &t->mtab_cap, t->nmtab + 1,
				     sizeof *t->mtab);
		if (!p)
			return UINT32_MAX;
		t->mtab = p;
		struct ttab_margin *nm = &t->mtab[id];
		nm->text = malloc(len + 1);
		if (!nm->text)
			return UINT32_MAX;
		memcpy(nm->text, m, len);
		nm->len = (uint32_t)len;
		nm->runes = count_runes(m, len, &nm->blank);
		t->nmtab++;
	}
	if (len < sizeof(mm->text)) {
		mm = &t->margins[t->next_memo++ % MARGIN_MEMOS];
		memcpy(mm->text, m, len);
		mm->len = len;
		mm->id = id;
	}
	return id;
}

int
cstat__ttab_cell(struct cstat__ttab *t, size_t col, size_t span,
		 const char *value, size_t len, enum cstat__ttab_align align,
		 const char *margin)
{
	struct ttab_col *tc;
	size_t mlen, end;
	bool vblank;
	int err;

	if (col == CSTAT__TTAB_HERE)
		col = t->cur_col;
	if (col < t->cur_col || span == 0 || (!value && len > 0))
		return CSTAT_EINVAL;
	if (align != CSTAT__TTAB_LEFT && align != CSTAT__TTAB_CENTER &&
	    align != CSTAT__TTAB_RIGHT)
		return CSTAT_EINVAL;
	if (col > UINT32_MAX || span > UINT32_MAX - col ||
	    t->cur_row > UINT32_MAX || len > UINT32_MAX)
		return CSTAT_EINVAL;
	end = col + span;
	if (!margin) {
		margin = col == 0 || len == 0 ? "" : " ";
		mlen = col == 0 || len == 0 ? 0 : 1;
	} else {
		mlen = strlen(margin);
	}
	if (mlen > UINT32_MAX)
		return CSTAT_EINVAL;
	/* Room is usually there already (see cstat__ttab_reserve). */
	if (end > t->cols_cap || span > 1 ||
	    len + CELL_HEAD > t->text_cap - t->text_len) {
		err = reserve_cell(t, len, end, span > 1);
		if (err)
			return err;
	}
	cstat__prefault(t->text, t->text_len + len + CELL_HEAD, t->text_cap,
			&t->text_mapped);
	uint32_t mid = margin_id(t, margin, mlen);
	if (mid == UINT32_MAX)
		return CSTAT_ENOMEM;
	const struct ttab_margin *m = &t->mtab[mid];
	uint32_t vrunes = count_runes(value, len, &vblank);

	/* A blank cell counts in the widths but prints nothing. */
	if (!(vblank && m->blank)) {
		put_varint(t, t->cur_row - t->stream_row);
		put_varint(t, col);
		put_varint(t, span);
		put_varint(t, mid);
		/* Runes are stored only when they differ from the bytes. */
		put_varint(t, (uint64_t)align | (uint64_t)(vrunes != len) << 2);
		if (vrunes != len)
			put_varint(t, vrunes);
		put_varint(t, len);
		if (len > 0)
			memcpy(t->text + t->text_len, value, len);
		t->text_len += len;
		t->stream_row = t->cur_row;
	}
	if (end > t->ncols) {
		memset(t->cols + t->ncols, 0,
		       (end - t->ncols) * sizeof *t->cols);
		t->ncols = end;
	}
	tc = &t->cols[col];
	if (m->runes > tc->lmargin)
		tc->lmargin = m->runes;
	if (span == 1) {
		if (!tc->has1 || vrunes > tc->max1)
			tc->max1 = vrunes;
		tc->has1 = true;
	} else {
		t->spans[t->nspans++] = (struct ttab_span){
			(uint32_t)col, (uint32_t)span, vrunes};
	}
	t->ncells++;
	t->cur_col = end;
	return 0;
}

int
cstat__ttab_set_shrink(struct cstat__ttab *t, size_t col, bool shrink)
{
	bool *p;

	if (col == SIZE_MAX)
		return CSTAT_EINVAL;
	if (col >= t->nshrink) {
		if (!shrink)
			return 0;
		if (col + 1 > SIZE_MAX / sizeof *p)
			return CSTAT_ENOMEM;
		p = realloc(t->shrink, (col + 1) * sizeof *p);
		if (!p)
			return CSTAT_ENOMEM;
		memset(p + t->nshrink, 0, (col + 1 - t->nshrink) * sizeof *p);
		t->shrink = p;
		t->nshrink = col + 1;
	}
	t->shrink[col] = shrink;
	return 0;
}

static bool
is_shrink(const struct cstat__ttab *t, size_t col)
{
	return col < t->nshrink && t->shrink[col];
}

/* A spanning cell as a sort key: by span, then by order of addition. */
struct span_key {
	size_t span, idx;
};

static int
cmp_span_key(const void *a, const void *b)
{
	const struct span_key *x = a, *y = b;

	if (x->span != y->span)
		return x->span < y->span ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* A column as a sort key: widest first, then leftmost first. */
struct width_key {
	int64_t width;
	size_t col;
};

static int
cmp_width_key(const void *a, const void *b)
{
	const struct width_key *x = a, *y = b;

	if (x->width != y->width)
		return x->width > y->width ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

/*
 * Widens the columns under spanning cell c, if they are too narrow for it,
 * as Go's Format does; scratch has room for c->span keys.
 */
static void
widen_for(const struct cstat__ttab *t, const struct ttab_span *c, int64_t *ws,
	  struct width_key *scratch)
{
	int64_t need = (int64_t)c->vrunes + t->cols[c->col].lmargin;
	int64_t have = 0;
	size_t n = 0;

	for (size_t col = c->col; col < (size_t)c->col + c->span; col++)
		have += ws[col];
	if (have >= need)
		return;

	/* Shrink columns keep their width but count towards the need. */
	for (size_t col = c->col; col < (size_t)c->col + c->span; col++) {
		if (is_shrink(t, col)) {
			need -= ws[col];
		} else {
			scratch[n].width = ws[col];
			scratch[n].col = col;
			n++;
		}
	}
	/*
	 * Go sorts with sort.Slice, which is an insertion sort (so stable)
	 * for up to 12 columns; ties broken by column reproduce that.
	 */
	qsort(scratch, n, sizeof *scratch, cmp_width_key);
	for (size_t i = 0; i < n; i++) {
		int64_t left = (int64_t)(n - i);
		/* C and Go both truncate towards zero: need may be < 0. */
		int64_t avg = (need + left - 1) / left;
		size_t col = scratch[i].col;

		if (ws[col] < avg)
			ws[col] = avg;
		need -= ws[col];
	}
}

/*
 * Computes the width of every column, margin room included, into ws.
 * Returns 0 or CSTAT_ENOMEM.
 */
static int
compute_widths(const struct cstat__ttab *t, int64_t *ws)
{
	struct span_key *order;
	struct width_key *scratch;
	size_t maxspan = 0;

	for (size_t col = 0; col < t->ncols; col++) {
		const struct ttab_col *tc = &t->cols[col];

		ws[col] = tc->has1 ? (int64_t)tc->max1 + tc->lmargin : 0;
	}
	if (t->nspans == 0)
		return 0;

	/*
	 * Go visits cells by increasing span with an unstable sort; among
	 * equal spans we keep the order of addition (see texttab.h).
	 */
	order = malloc(t->nspans * sizeof *order);
	if (!order)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < t->nspans; i++) {
		order[i].idx = i;
		order[i].span = t->spans[i].span;
		if (order[i].span > maxspan)
			maxspan = order[i].span;
	}
	qsort(order, t->nspans, sizeof *order, cmp_span_key);
	scratch = malloc(maxspan * sizeof *scratch);
	if (!scratch) {
		free(order);
		return CSTAT_ENOMEM;
	}
	for (size_t i = 0; i < t->nspans; i++)
		widen_for(t, &t->spans[order[i].idx], ws, scratch);
	free(scratch);
	free(order);
	return 0;
}

/* The line being built: reused for every line of the table. */
struct line {
	char *buf;
	size_t len, cap;
};

/* What line_reserve() adds to what is asked: the newline, and the
 * sixteen bytes line_spaces() stores however few it keeps. */
#define LINE_SLACK 17

static int
line_reserve(struct line *l, uint64_t extra)
{
	void *p;

	/* Room for the newline and for line_spaces()'s sixteen bytes. */
	if (extra > SIZE_MAX - l->len - LINE_SLACK)
		return CSTAT_ENOMEM;
	if (l->len + (size_t)extra + LINE_SLACK <= l->cap)
		return 0;
	p = grow_array(l->buf, &l->cap, l->len + (size_t)extra + LINE_SLACK, 1);
	if (!p)
		return CSTAT_ENOMEM;
	l->buf = p;
	return 0;
}

/* Appends n spaces; room must have been reserved. */
static void
line_spaces(struct line *l, uint64_t n)
{
	char *p = l->buf + l->len;

	/* Mostly a few spaces: sixteen at once (line_reserve() leaves room
	 * for them) beat a loop or a call to memset. */
	if (n <= 16) {
		memcpy(p, "                ", 16);
	} else {
		memset(p, ' ', (size_t)n);
	}
	l->len += (size_t)n;
}

/* Appends n bytes; room must have been reserved. */
static void
line_bytes(struct line *l, const char *s, size_t n)
{
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

/*
 * Ends the line with "\n" and writes it.  Without a stream the line stays
 * in l and the next one follows it: a part printed into memory.  Returns 0
 * or CSTAT_EIO.
 */
static int
line_flush(struct line *l, FILE *out)
{
	l->buf[l->len++] = '\n';
	if (!out)
		return 0;
	if (fwrite(l->buf, 1, l->len, out) != l->len)
		return CSTAT_EIO;
	l->len = 0;
	return 0;
}

static uint64_t
abs64(int64_t x)
{
	return x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
}

/* A cell read back from the stream. */
struct cell_view {
	uint64_t rows; /* rows advanced since the last cell */
	size_t col, span;
	const struct ttab_margin *m;
	unsigned align;
	const char *value;
	size_t vlen, runes;
};

static void
next_cell(const struct cstat__ttab *t, const unsigned char **p,
	  struct cell_view *c)
{
	c->rows = get_varint(p);
	c->col = (size_t)get_varint(p);
	c->span = (size_t)get_varint(p);
	c->m = &t->mtab[get_varint(p)];
	unsigned flags = (unsigned)get_varint(p);
	c->align = flags & 3;
	c->runes = flags & 4 ? (size_t)get_varint(p) : 0;
	c->vlen = (size_t)get_varint(p);
	if (!(flags & 4))
		c->runes = c->vlen;
	c->value = (const char *)*p;
	*p += c->vlen;
}

/*
 * Appends cell c, whose columns start at offs[c->col], to the line, where
 * *off is the number of runes Go's Format thinks it has printed so far.
 * The padding follows Go's fmt "%*s": a negative width pads by its absolute
 * value, on the right.  Returns 0 or CSTAT_ENOMEM.
 */
static int
put_cell(const struct cstat__ttab *layout, const struct cell_view *c,
	 const int64_t *offs, int64_t *off, struct line *l)
{
	int64_t lmargin = layout->cols[c->col].lmargin;
	int64_t gap = offs[c->col] - *off;
	int64_t tw = offs[c->col + c->span] - offs[c->col] - lmargin;
	int64_t runes = (int64_t)c->runes;
	uint64_t before = 0, after = 0;

	switch (c->align) {
	case CSTAT__TTAB_CENTER:
		before = abs64((tw - runes) / 2);
		break;
	case CSTAT__TTAB_RIGHT:
		if (tw >= 0 && tw > runes)
			before = (uint64_t)(tw - runes);
		else if (tw < 0 && -tw > runes)
			after = (uint64_t)(-tw - runes);
		break;
	default:
		break;
	}
	if (line_reserve(l, abs64(gap) + (uint64_t)lmargin + c->m->len +
				    before + c->vlen + after) != 0)
		return CSTAT_ENOMEM;

	line_spaces(l, abs64(gap));
	line_spaces(l, (uint64_t)(lmargin - c->m->runes));
	line_bytes(l, c->m->text, c->m->len);
	line_spaces(l, before);
	line_bytes(l, c->value, c->vlen);
	line_spaces(l, after);
	*off += gap + lmargin + runes + (int64_t)(before + after);
	return 0;
}

/*
 * Prints the cells row by row, given the column offsets, to out, or into
 * l when out is NULL (l then holds every line).  l starts empty and its
 * buffer is the caller's to free.
 */
static int
put_rows(const struct cstat__ttab *layout, const struct cstat__ttab *t,
	 const int64_t *offs, FILE *out, struct line *l)
{
	const unsigned char *p = t->text, *end = t->text + t->text_len;
	int64_t off = 0;
	int err;

	err = line_reserve(l, 256);
	if (err)
		return err;
	while (p < end) {
		struct cell_view c;
		next_cell(t, &p, &c);
		for (uint64_t r = 0; r < c.rows; r++) {
			err = line_flush(l, out);
			if (err)
				return err;
			off = 0;
		}
		err = put_cell(layout, &c, offs, &off, l);
		if (err)
			return err;
	}
	return line_flush(l, out);
}

/* A part's text made on the second thread, for the first to write. */
struct part_text {
	struct line l;
	bool done;
};

/* The parts, taken in order by whichever thread is free: the first
 * writes those it takes, the second prints its own into memory. */
struct parts_job {
	const struct cstat__ttab *layout;
	const struct cstat__ttab *const *parts;
	size_t n;
	const int64_t *offs;
	atomic_size_t next; /* the next part no thread took */
	struct part_text *text;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int err;
};

static void *
parts_main(void *arg)
{
	struct parts_job *j = arg;

	for (;;) {
		size_t k = atomic_fetch_add(&j->next, 1);
		if (k >= j->n)
			break;
		const struct cstat__ttab *part = j->parts[k];
		struct line *l = &j->text[k].l;
		/* Room for its rows at the table's width: one buffer, not
		 * one grown and copied. */
		int err =
			part->ncells
				? line_reserve(
					  l,
					  (uint64_t)(part->cur_row + 1) *
						  (uint64_t)(j->offs[j->layout
									     ->ncols] +
							     1))
				: 0;
		if (!err && part->ncells)
			err = put_rows(j->layout, part, j->offs, NULL, l);
		pthread_mutex_lock(&j->mu);
		if (err && !j->err)
			j->err = err;
		j->text[k].done = true;
		pthread_cond_signal(&j->cv);
		pthread_mutex_unlock(&j->mu);
	}
	return NULL;
}

/* Writes part k, which the second thread printed, once it has. */
static int
write_their_part(struct parts_job *j, size_t k, FILE *out)
{
	struct line *l = &j->text[k].l;
	int err;

	pthread_mutex_lock(&j->mu);
	while (!j->text[k].done)
		pthread_cond_wait(&j->cv, &j->mu);
	err = j->err;
	pthread_mutex_unlock(&j->mu);
	if (!err && l->len && fwrite(l->buf, 1, l->len, out) != l->len)
		err = CSTAT_EIO;
	free(l->buf);
	l->buf = NULL;
	return err;
}

/*
 * Prints the parts in turn.  With more than one, the parts (the header's,
 * then a large table's rows a chunk each) are taken in order by two
 * threads as they come free: the first writes its own at once and the
 * second's, made in memory meanwhile, when their turn comes.  The lines
 * are the same; the serial stretch after the rows are laid out is cut to
 * what the slower thread's last part leaves.
 */
static int
put_parts(const struct cstat__ttab *layout,
	  const struct cstat__ttab *const *parts, size_t n, const int64_t *offs,
	  FILE *out)
{
	struct parts_job j = {.layout = layout,
			      .parts = parts,
			      .n = n,
			      .offs = offs,
			      .mu = PTHREAD_MUTEX_INITIALIZER,
			      .cv = PTHREAD_COND_INITIALIZER};
	struct line l = {NULL, 0, 0};
	pthread_t th;
	bool threaded = false;
	size_t written = 0;
	int err = 0;

	atomic_init(&j.next, 0);
	if (n > 1 && (j.text = calloc(n, sizeof(*j.text))) != NULL)
		threaded = pthread_create(&th, NULL, parts_main, &j) == 0;
	while (!err) {
		size_t k = atomic_fetch_add(&j.next, 1);
		/* The parts before k that the second thread took come
		 * first. */
		for (; threaded && written < k && written < n && !err;
		     written++)
			err = write_their_part(&j, written, out);
		if (k >= n || err)
			break;
		if (parts[k]->ncells)
			err = put_rows(layout, parts[k], offs, out, &l);
		written = k + 1;
	}
	free(l.buf);
	if (threaded) {
		/* Stop it taking more; what it took is done and freed. */
		atomic_store(&j.next, n);
		pthread_join(th, NULL);
		for (size_t k = 0; k < n; k++)
			free(j.text[k].l.buf);
	}
	free(j.text);
	return err;
}

/*
 * Lays out the columns of layout (whose column statistics cover every
 * part) and prints the rows of each part in turn.
 */
static int
write_layout(const struct cstat__ttab *layout,
	     const struct cstat__ttab *const *parts, size_t n, FILE *out)
{
	int64_t *ws, *offs, sum = 0;
	int err;

	if (layout->ncols == 0)
		return 0;
	if (layout->ncols > (SIZE_MAX / sizeof *ws - 1) / 2)
		return CSTAT_ENOMEM;
	ws = malloc((2 * layout->ncols + 1) * sizeof *ws);
	if (!ws)
		return CSTAT_ENOMEM;
	offs = ws + layout->ncols;
	err = compute_widths(layout, ws);
	/* offs[col] is where col's margin starts; offs[ncols] is the end. */
	for (size_t col = 0; col < layout->ncols && !err; col++) {
		offs[col] = sum;
		sum += ws[col];
	}
	offs[layout->ncols] = sum;
	if (!err)
		err = put_parts(layout, parts, n, offs, out);
	free(ws);
	return err;
}

int
cstat__ttab_write(const struct cstat__ttab *t, FILE *out)
{
	if (t->ncells == 0)
		return 0;
	return write_layout(t, &t, 1, out);
}

int
cstat__ttab_write_parts(struct cstat__ttab *const *parts, size_t n, FILE *out)
{
	struct cstat__ttab *t = parts[0];
	size_t ncols = 0;

	for (size_t k = 0; k < n; k++) {
		if (k > 0 && parts[k]->nspans > 0)
			return CSTAT_EINVAL;
		if (parts[k]->ncols > ncols)
			ncols = parts[k]->ncols;
	}
	/* The first part's columns take the widest of every part's. */
	void *p = grow_array(t->cols, &t->cols_cap, ncols ? ncols : 1,
			     sizeof *t->cols);
	if (!p)
		return CSTAT_ENOMEM;
	t->cols = p;
	if (ncols > t->ncols)
		memset(t->cols + t->ncols, 0,
		       (ncols - t->ncols) * sizeof *t->cols);
	t->ncols = ncols;
	for (size_t k = 1; k < n; k++) {
		for (size_t col = 0; col < parts[k]->ncols; col++) {
			const struct ttab_col *src = &parts[k]->cols[col];
			struct ttab_col *dst = &t->cols[col];
			if (src->lmargin > dst->lmargin)
				dst->lmargin = src->lmargin;
			if (src->has1 && (!dst->has1 || src->max1 > dst->max1))
				dst->max1 = src->max1;
			dst->has1 |= src->has1;
		}
	}
	return write_layout(t, (const struct cstat__ttab *const *)parts, n,
			    out);
}
