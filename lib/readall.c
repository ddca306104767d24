/*
 * readall.c - reading every input into a builder, optionally on two
 * threads.
 *
 * cstat_builder_read() is what the cstat tool does with its inputs: open
 * each in turn on one reader (so "Unit" metadata carries across files),
 * add each result to the builder, report each malformed line, and stop at
 * the first input that cannot be read.
 *
 * With threads > 1, a second thread parses while the calling thread adds:
 * the parser copies each result into a batch (its name and values; the
 * file label and units are stable pointers), a configuration record is
 * queued before the first result of each new configuration, and the adder
 * consumes batches in order, keeping one copy of the current
 * configuration.  A configuration that gains a key before each result is
 * thus held a few times at most, not once per result (which made memory
 * quadratic in the input: 524 MB for 4,000 steps of 153 KB).  The
 * builder sees exactly the same results, syntax errors and fatal error in
 * the same order as with one thread.
 *
 * The later half of the inputs, when they are regular files, is parsed at
 * the same time on a third thread and a reader of its own, into a pipe the
 * adder turns to after the first one's END.  Only Unit metadata carries
 * from one input to the next on a reader, so that early parse stands when
 * the first half left none; otherwise the first parser stops it and
 * parses those inputs again itself.  A -filter the parsing threads can
 * decide (cstat__builder_drops) drops results before they cross.
 */
#include <pthread.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "cstat-private.h"

/* The adder's copy of the current configuration, changed in place by
 * each REC_CONFIG from the first entry it changes. */
struct snapshot {
	struct cstat__buf text; /* the configuration's text */
	struct cstat__buf kv;	/* key NUL value NUL, entry by entry */
	size_t *off;		/* by entry: where its key starts in kv */
	struct cstat_config *config;
	size_t nconfig, cap, off_cap;
	/* How many first entries the next result added shares with the
	 * last one (cstat__builder_config_same()). */
	size_t same;
};

enum rec_kind { REC_RESULT, REC_CONFIG, REC_SYNTAX, REC_FATAL, REC_END };

/*
 * A record in a batch.  A result's values and name follow it; a syntax or
 * fatal error's struct cstat_diag follows it.  A REC_CONFIG changes the
 * last configuration queued, of nvalues entries and name_len bytes of
 * text: it keeps its first nrun entries and line bytes of text, and the
 * rest of the text and NUL, then the other entries' pairs of key NUL
 * value NUL follow it (extra bytes in all).  A configuration that gains
 * a key thus costs the key, not the whole configuration.
 */
struct rec {
	enum rec_kind kind;
	int rc;		    /* REC_FATAL: the error */
	size_t size;	    /* bytes to the next record */
	const char *file;   /* the input's label (stable) */
	unsigned long snap; /* the configuration's number */
	size_t name_len, nvalues;
	unsigned long line, config_version;
	/*
	 * A run: nrun consecutive results of one benchmark with the same
	 * file, configuration and units.  The first is whole; the others are
	 * only their values, at extra (bytes from the record's start).
	 */
	size_t nrun, extra;
};

#define BATCH_BYTES (256 * 1024)
#define QUEUE_DEPTH 4

struct batch {
	char *data;
	size_t len, cap;
	size_t mapped; /* cstat__prefault()'s mark */
	struct batch *next;
};

struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *full_head, *full_tail; /* parsed, waiting to be added */
	struct batch *free_list;
	size_t nfull;
	bool got_null; /* the parser ended without a batch */
	bool stop;     /* the adder gave up: the parser should finish */
	bool halt;     /* the parser saw stop: it adds nothing more */

	cstat_reader *r;
	const cstat_inputs *in;
	size_t first, last; /* the inputs this pipe's parser reads */
	/* The builder, whose -filter the parser may apply itself, with its
	 * own scratch: a result dropped whole never crosses.  NULL when
	 * the filter never drops a result here (asked once: the builder's
	 * fields share cache lines with those the adder writes). */
	const cstat_builder *bld;
	struct cstat__buf fscratch;
	/* The filter's last answer and what it was asked of: the reader's
	 * name serial and config_version (which also changes with every
	 * file opened), drop_version 0 for none.  The filter reads nothing
	 * else of a result with values (its keys are the name's, .file and
	 * the configuration's), so a run of one benchmark is decided once. */
	unsigned long drop_name, drop_version;
	bool drop_answer;
	/* The pipe parsing the inputs from last on ahead, on a reader of its
	 * own (NULL: none); whether this one's END hands over to it. */
	struct pipe *next;
	bool handover;
	size_t depth;	    /* full batches it may hold */
	size_t snap_n;	    /* the last configuration's entries */
	unsigned long snap; /* its number, from 1 */
	/* How many first entries of the last configuration queued every
	 * result read since had (SIZE_MAX: all), from the reader. */
	size_t kept;
	/* The reader's config_version of the last result found to have
	 * that configuration (0: none yet): the same version is the same
	 * configuration, without comparing its text. */
	unsigned long snap_version;
	int err; /* the parser's own failure (out of memory) */
	/* The run being extended: the last record of run_batch, and the
	 * reader's name serial of its results. */
	struct batch *run_batch;
	size_t run_off;
	unsigned long run_name;
};

static struct batch *
take_free(struct pipe *p)
{
	struct batch *b;

	pthread_mutex_lock(&p->mu);
	while (!p->stop && p->nfull >= p->depth)
		pthread_cond_wait(&p->cv, &p->mu);
	b = p->free_list;
	if (b)
		p->free_list = b->next;
	pthread_mutex_unlock(&p->mu);
	if (!b) {
		b = calloc(1, sizeof(*b));
		if (!b)
			return NULL;
	}
	b->len = 0;
	b->next = NULL;
	return b;
}

static void
push_full(struct pipe *p, struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	if (!b) {
		/* No batch to carry the END record: say so directly. */
		p->got_null = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		return;
	}
	if (p->full_tail)
		p->full_tail->next = b;
	else
		p->full_head = b;
	p->full_tail = b;
	p->nfull++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static bool
stopped(struct pipe *p)
{
	pthread_mutex_lock(&p->mu);
	bool s = p->stop;
	pthread_mutex_unlock(&p->mu);
	return s;
}

/* Room for a record of size bytes in *bp, passing a full batch on. */
static struct rec *
append(struct pipe *p, struct batch **bp, size_t size)
{
	struct batch *b = *bp;
	size_t align = _Alignof(max_align_t);

	size = (size + align - 1) / align * align;
	if (b->len + size > BATCH_BYTES && b->len > 0) {
		push_full(p, b);
		if (stopped(p))
			p->halt = true;
		b = *bp = take_free(p);
		if (!b)
			return NULL;
	}
	if (cstat__grow((void **)&b->data, &b->cap, b->len + size, 1))
		return NULL;
	struct rec *rec = (struct rec *)(void *)(b->data + b->len);
	cstat__prefault(b->data, b->len + size, b->cap, &b->mapped);
	memset(rec, 0, sizeof(*rec));
	rec->size = size;
	b->len += size;
	p->run_batch = NULL; /* a new record ends any run */
	return rec;
}

/*
 * Adds res to the run at the end of batch b when it continues it (same
 * benchmark, file, configuration and units, room in the batch): only its
 * values cross to the adding thread.  Returns false to start a record.
 */
static bool
extend_run(struct pipe *p, struct batch *b, const char *file, unsigned long s,
	   unsigned long name_serial, const struct cstat_result *res)
{
	if (p->run_batch != b)
		return false;
	struct rec *rec = (struct rec *)(void *)(b->data + p->run_off);
	const struct cstat_value *first = (const struct cstat_value *)(rec + 1);
	const char *name = (const char *)(first + rec->nvalues);
	if (rec->file != file || rec->snap != s ||
	    rec->nvalues != res->nvalues || res->nvalues > 8 ||
	    rec->name_len != res->name_len)
		return false;
	/* The reader says when the name is unchanged; else compare. */
	if (name_serial != p->run_name &&
	    memcmp(name, res->name, res->name_len) != 0)
		return false;
	for (size_t i = 0; i < res->nvalues; i++)
		if (first[i].unit != res->values[i].unit)
			return false;
	size_t at =
		rec->extra + (rec->nrun - 1) * res->nvalues * sizeof(double);
	size_t align = _Alignof(max_align_t);
	size_t size = (at + res->nvalues * sizeof(double) + align - 1) / align *
		      align;
	if (p->run_off + size > BATCH_BYTES ||
	    (p->run_off + size > b->cap &&
	     cstat__grow((void **)&b->data, &b->cap, p->run_off + size, 1)))
		return false;
	rec = (struct rec *)(void *)(b->data + p->run_off);
	cstat__prefault(b->data, p->run_off + size, b->cap, &b->mapped);
	double *dst = (double *)(void *)((char *)rec + at);
	for (size_t i = 0; i < res->nvalues; i++)
		dst[i] = res->values[i].value;
	rec->nrun++;
	rec->size = size;
	b->len = p->run_off + size;
	return true;
}

/*
 * The number of res's configuration: the last one queued, or a new one
 * queued now as a REC_CONFIG record of the entries that changed.
 * Returns 0 when out of memory.
 */
static unsigned long
snapshot_of(struct pipe *p, struct batch **bp, const struct cstat_result *res)
{
	const char *text = res->config_text ? res->config_text : "";
	size_t k = p->snap ? p->kept : 0, n = res->nconfig;

	if (p->snap && p->snap_version &&
	    res->config_version == p->snap_version)
		return p->snap;
	p->snap_version = res->config_version;
	if (k > p->snap_n)
		k = p->snap_n;
	if (k > n)
		k = n;
	if (p->snap && k == n && k == p->snap_n)
		return p->snap;
	/* The entries from k on, and their lines of text. */
	size_t size = 1, lines = 0;
	for (size_t i = k; i < n; i++) {
		size_t kl = strlen(res->config[i].key);
		size_t vl = strlen(res->config[i].value);
		size += kl + vl + 2;
		lines += kl + vl + 3; /* "key: value\n" */
	}
	if (lines > res->config_text_len)
		return 0; /* not the reader's text */
	size_t keep = res->config_text_len - lines;
	size += lines;
	struct rec *rec = append(p, bp, sizeof(*rec) + size);
	if (!rec)
		return 0;
	rec->kind = REC_CONFIG;
	rec->name_len = res->config_text_len;
	rec->nvalues = n;
	rec->nrun = k;
	rec->line = keep;
	rec->extra = size;
	char *at = (char *)(rec + 1);
	memcpy(at, text + keep, lines);
	at += lines;
	*at++ = '\0';
	for (size_t i = k; i < n; i++) {
		size_t kl = strlen(res->config[i].key) + 1;
		size_t vl = strlen(res->config[i].value) + 1;
		memcpy(at, res->config[i].key, kl);
		memcpy(at + kl, res->config[i].value, vl);
		at += kl + vl;
	}
	p->snap_n = n;
	p->kept = SIZE_MAX;
	return ++p->snap;
}

/* Whether the builder's filter drops res, asked once for a run of results
 * of one name and configuration from one input. */
static bool
dropped(struct pipe *p, const struct cstat_result *res)
{
	unsigned long ns = cstat__reader_name_serial(p->r);

	if (!res->nvalues)
		return false;
	if (ns != p->drop_name || res->config_version != p->drop_version) {
		p->drop_answer =
			cstat__builder_drops(p->bld, res, &p->fscratch);
		p->drop_name = ns;
		p->drop_version = res->config_version;
	}
	return p->drop_answer;
}

/* Queues one result: on the run it continues, or as a record. */
static int
queue_result(struct pipe *p, struct batch **bp, const struct cstat_input *input,
	     const struct cstat_result *res)
{
	size_t kept = cstat__reader_config_kept(p->r);

	if (kept < p->kept)
		p->kept = kept;
	if (p->bld && dropped(p, res)) {
		p->run_batch = NULL; /* the next result starts a record */
		return p->halt ? 1 : 0;
	}
	size_t vbytes = res->nvalues * sizeof(*res->values);
	unsigned long s = snapshot_of(p, bp, res);
	unsigned long ns = cstat__reader_name_serial(p->r);
	struct rec *rec;

	if (s && extend_run(p, *bp, input->label, s, ns, res))
		return 0;
	rec = s ? append(p, bp, sizeof(*rec) + vbytes + res->name_len + 1)
		: NULL;
	if (!rec)
		return CSTAT_ENOMEM;
	rec->kind = REC_RESULT;
	rec->file = input->label;
	rec->snap = s;
	rec->name_len = res->name_len;
	rec->nvalues = res->nvalues;
	rec->line = res->line;
	rec->config_version = res->config_version;
	char *tail = (char *)(rec + 1);
	memcpy(tail, res->values, vbytes);
	memcpy(tail + vbytes, res->name, res->name_len + 1);
	rec->nrun = 1;
	rec->extra = (sizeof(*rec) + vbytes + res->name_len + 1 + 7) / 8 * 8;
	p->run_batch = *bp;
	p->run_off = (size_t)((char *)rec - (*bp)->data);
	p->run_name = ns;
	return p->halt ? 1 : 0; /* 1: the adder stopped */
}

/* Parses inputs [from, to) into batches; returns 0, 1 (stopped), a
 * fatal error (recorded) or CSTAT_ENOMEM. */
static int
parse_inputs(struct pipe *p, struct batch **bp, size_t from, size_t to)
{
	struct rec *rec;
	int rc = 0;

	for (size_t i = from; i < to && !rc; i++) {
		const struct cstat_input *input = cstat_inputs_get(p->in, i);
		struct cstat_diag d;
		int fatal = cstat_reader_open_input(p->r, input, &d);

		while (!fatal && !rc) {
			const struct cstat_result *res = NULL;
			int nrc = cstat_reader_next(p->r, &res, &d);
			if (nrc == 0)
				break;
			if (nrc == 1) {
				rc = queue_result(p, bp, input, res);
				continue;
			}
			if (nrc != CSTAT_ESYNTAX) {
				fatal = nrc;
				break;
			}
			rec = append(p, bp, sizeof(*rec) + sizeof(d));
			if (!rec) {
				rc = CSTAT_ENOMEM;
				break;
			}
			rec->kind = REC_SYNTAX;
			/* The reader's copy of the name goes with the next
			 * file: point at the input's label instead. */
			d.file = input->label;
			memcpy(rec + 1, &d, sizeof(d));
		}
		if (fatal && !rc) {
			rec = append(p, bp, sizeof(*rec) + sizeof(d));
			if (!rec)
				return CSTAT_ENOMEM;
			rec->kind = REC_FATAL;
			rec->rc = fatal;
			if (d.file)
				d.file = input->label;
			memcpy(rec + 1, &d, sizeof(d));
			rc = fatal;
		}
	}
	return rc;
}

/* Tells p's parser to stop: its batches will not be added. */
static void
stop_pipe(struct pipe *p)
{
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static void *
parse_main(void *arg)
{
	struct pipe *p = arg;
	struct batch *b = take_free(p);
	struct rec *rec;
	int rc;

	if (!b) {
		p->err = CSTAT_ENOMEM;
		push_full(p, NULL);
		return NULL;
	}
	rc = parse_inputs(p, &b, p->first, p->last);
	if (!rc && p->next) {
		/*
		 * The next pipe parsed the later inputs on a fresh reader:
		 * the same results, unless Unit metadata read by now would
		 * have applied to them (or clashed with theirs).  Then
		 * they are parsed again here, after these.
		 */
		if (cstat__reader_meta_count(p->r) == 0) {
			p->handover = true;
		} else {
			stop_pipe(p->next);
			rc = parse_inputs(p, &b, p->last, p->next->last);
		}
	}
	if (rc == CSTAT_ENOMEM)
		p->err = rc;
	/* Freed on the thread that allocated it, back to its own arena. */
	cstat__reader_drop_buffer(p->r);
	rec = b ? append(p, &b, sizeof(*rec)) : NULL;
	if (rec) {
		rec->kind = REC_END;
		rec->rc = p->handover;
	} else {
		p->err = CSTAT_ENOMEM;
	}
	if (b)
		push_full(p, b);
	else
		push_full(p, NULL);
	return NULL;
}

/* b's END record (always a batch's last), or NULL. */
static const struct rec *
ends(const struct batch *b)
{
	size_t off = 0, last = SIZE_MAX;

	while (off < b->len) {
		last = off;
		off += ((const struct rec *)(const void *)(b->data + off))
			       ->size;
	}
	if (last == SIZE_MAX)
		return NULL;
	const struct rec *rec =
		(const struct rec *)(const void *)(b->data + last);
	return rec->kind == REC_END ? rec : NULL;
}

/* Adds a result like res, with the values v, as a whole result. */
static int
add_like(cstat_builder *bld, const struct cstat_result *res, const double *v)
{
	struct cstat_value vals[8];
	struct cstat_result r = *res;

	for (size_t i = 0; i < res->nvalues && i < 8; i++) {
		vals[i] = res->values[i];
		vals[i].value = v[i];
	}
	r.values = vals;
	cstat__builder_config_same(bld, SIZE_MAX); /* res's configuration */
	return cstat_builder_add(bld, &r);
}

/* Points the entries from `from` at kv (all of them when kv moved). */
static void
point_entries(struct snapshot *snap, size_t from, const char *old)
{
	if (snap->kv.data != old)
		from = 0;
	for (size_t i = from; i < snap->nconfig; i++) {
		const char *at = snap->kv.data + snap->off[i];
		snap->config[i].key = at;
		snap->config[i].value = at + strlen(at) + 1;
	}
}

/* Makes the REC_CONFIG rec the current configuration: the entries and
 * text it keeps, then its own. */
static int
take_config(struct snapshot *snap, const struct rec *rec)
{
	size_t k = rec->nrun, n = rec->nvalues;
	const char *tail = (const char *)(rec + 1);
	size_t tail_len = rec->name_len - rec->line;
	const char *old = snap->kv.data;

	if (k > snap->nconfig || rec->line > snap->text.len)
		return CSTAT_ENOMEM; /* cannot happen: the parser kept them */
	snap->text.len = rec->line;
	snap->kv.len = k < snap->nconfig ? snap->off[k] : snap->kv.len;
	if (cstat__buf_add(&snap->text, tail, tail_len) ||
	    cstat__buf_add(&snap->kv, tail + tail_len + 1,
			   rec->extra - tail_len - 1) ||
	    cstat__grow((void **)&snap->config, &snap->cap, n + 1,
			sizeof(*snap->config)) ||
	    cstat__grow((void **)&snap->off, &snap->off_cap, n + 1,
			sizeof(*snap->off))) {
		snap->nconfig = 0; /* rebuilt whole by the next record */
		return CSTAT_ENOMEM;
	}
	size_t at = snap->kv.len - (rec->extra - tail_len - 1);
	for (size_t i = k; i < n; i++) {
		snap->off[i] = at;
		at += strlen(snap->kv.data + at) + 1;
		at += strlen(snap->kv.data + at) + 1;
	}
	snap->nconfig = n;
	point_entries(snap, k, old);
	if (k < snap->same)
		snap->same = k;
	return 0;
}

/* Which of a run's values (bit i: values[i], i below 64) are the same,
 * bit for bit, in every one of its results. */
static uint64_t
run_same_values(const struct rec *rec, const struct cstat_result *first)
{
	const double *extra =
		(const double *)(const void *)((const char *)rec + rec->extra);
	size_t nv = rec->nvalues < 64 ? rec->nvalues : 64;
	uint64_t same = nv == 64 ? ~(uint64_t)0 : ((uint64_t)1 << nv) - 1;

	for (size_t k = 1; k < rec->nrun && same; k++) {
		const double *v = extra + (k - 1) * rec->nvalues;
		for (size_t i = 0; i < nv; i++)
			if (memcmp(&v[i], &first->values[i].value,
				   sizeof(double)) != 0)
				same &= ~((uint64_t)1 << i);
	}
	return same;
}

/* Adds a batch's records; returns 1 at the end, 0 to go on, or < 0. */
static int
consume(struct batch *b, struct snapshot *snap, cstat_builder *bld,
	void (*on_syntax)(void *, const struct cstat_diag *), void *ctx,
	struct cstat_diag *d)
{
	for (size_t off = 0; off < b->len;) {
		const struct rec *rec =
			(const struct rec *)(void *)(b->data + off);
		off += rec->size;
		switch (rec->kind) {
		case REC_RESULT: {
			const char *tail = (const char *)(rec + 1);
			struct cstat_result res = {
				.file = rec->file,
				.name = tail +
					rec->nvalues *
						sizeof(struct cstat_value),
				.name_len = rec->name_len,
				.config = snap->config,
				.nconfig = snap->nconfig,
				.config_text =
					snap->text.data ? snap->text.data : "",
				.config_text_len = snap->text.len,
				.config_version = rec->config_version,
				.values = (const struct cstat_value
						   *)(const void *)tail,
				.nvalues = rec->nvalues,
				.line = rec->line,
			};
			/* The run's length sizes new cells exactly, and a
			 * value the same all through it is kept once. */
			cstat__builder_expect(bld, rec->nrun);
			if (rec->nrun > 1)
				cstat__builder_expect_same(
					bld, run_same_values(rec, &res));
			cstat__builder_config_same(bld, snap->same);
			snap->same = SIZE_MAX;
			int rc = cstat_builder_add(bld, &res);
			if (rc && d)
				cstat__diag_set(d, NULL, 0, 0, "%s",
						cstat_strerror(rc));
			const double *extra =
				(const double *)(const void *)((const char *)
								       rec +
							       rec->extra);
			for (size_t k = 1; k < rec->nrun && !rc; k++) {
				const double *v =
					extra + (k - 1) * rec->nvalues;
				rc = cstat__builder_append_last(bld, v,
								rec->nvalues);
				/* The builder filtered the first result's
				 * values: add this one in full. */
				if (rc == CSTAT_ESTATE)
					rc = add_like(bld, &res, v);
			}
			cstat__builder_expect(bld, 0);
			if (rc) {
				if (d)
					cstat__diag_set(d, NULL, 0, 0, "%s",
							cstat_strerror(rc));
				return rc;
			}
			break;
		}
		case REC_CONFIG:
			if (take_config(snap, rec)) {
				if (d)
					cstat__diag_set(
						d, NULL, 0, 0, "%s",
						cstat_strerror(CSTAT_ENOMEM));
				return CSTAT_ENOMEM;
			}
			break;
		case REC_SYNTAX:
			if (on_syntax) {
				struct cstat_diag sd;
				memcpy(&sd, rec + 1, sizeof(sd));
				on_syntax(ctx, &sd);
			}
			break;
		case REC_FATAL:
			if (d)
				memcpy(d, rec + 1, sizeof(*d));
			return rec->rc;
		case REC_END:
			return 1;
		}
	}
	return 0;
}

static int
pipe_init(struct pipe *p, const cstat_builder *bld, cstat_reader *r,
	  const cstat_inputs *in, size_t first, size_t last)
{
	memset(p, 0, sizeof(*p));
	p->bld = cstat__builder_may_drop(bld) ? bld : NULL;
	p->r = r;
	p->in = in;
	p->first = first;
	p->last = last;
	/* A pipe parsing ahead waits for the adder to reach it; its batches
	 * would only be memory held meanwhile. */
	p->depth = first > 0 ? 1 : QUEUE_DEPTH;
	if (pthread_mutex_init(&p->mu, NULL))
		return CSTAT_ENOMEM;
	if (pthread_cond_init(&p->cv, NULL)) {
		pthread_mutex_destroy(&p->mu);
		return CSTAT_ENOMEM;
	}
	return 0;
}

static void
free_batches(struct batch *b)
{
	while (b) {
		struct batch *next = b->next;
		free(b->data);
		free(b);
		b = next;
	}
}

static void
pipe_destroy(struct pipe *p)
{
	free_batches(p->free_list);
	free_batches(p->full_head);
	cstat__buf_release(&p->fscratch);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
}

/* The next parsed batch of p, waiting for it; NULL when the parser ran
 * out of memory at the end. */
static struct batch *
take_full(struct pipe *p)
{
	pthread_mutex_lock(&p->mu);
	while (!p->full_head && !p->got_null)
		pthread_cond_wait(&p->cv, &p->mu);
	struct batch *b = p->full_head;
	if (b) {
		p->full_head = b->next;
		if (!p->full_head)
			p->full_tail = NULL;
		p->nfull--;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return b;
}

static void
give_back(struct pipe *p, struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	b->next = p->free_list;
	p->free_list = b;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Adds the batches of p, then of the pipe it hands over to, in order. */
static int
add_pipes(struct pipe *p, cstat_builder *bld,
	  void (*on_syntax)(void *, const struct cstat_diag *), void *ctx,
	  struct cstat_diag *d, bool *handed)
{
	struct snapshot snap = {0};
	int rc = 0;

	snap.same = SIZE_MAX;

	for (;;) {
		struct batch *b = take_full(p);
		if (!b)
			break; /* the parser ran out of memory at the end */
		const struct rec *end = ends(b);
		bool next = end && end->rc && !rc;
		if (!rc) {
			int crc = consume(b, &snap, bld, on_syntax, ctx, d);
			if (crc < 0) {
				/* Keep draining to the END record, adding
				 * nothing more. */
				rc = crc;
				stop_pipe(p);
			}
		}
		give_back(p, b);
		if (next) {
			/* The same configuration record starts the next
			 * pipe's batches: its numbers are its own. */
			if (!rc && p->err)
				break;
			p = p->next;
			*handed = true;
			/* Its batches are added from now on: let it run as
			 * far ahead as the first. */
			pthread_mutex_lock(&p->mu);
			p->depth = QUEUE_DEPTH;
			pthread_cond_broadcast(&p->cv);
			pthread_mutex_unlock(&p->mu);
			continue;
		}
		if (end)
			break;
	}
	if (!rc && p->err)
		rc = p->err;
	cstat__buf_release(&snap.text);
	cstat__buf_release(&snap.kv);
	free(snap.off);
	free(snap.config);
	return rc;
}

/* Whether the parser may read input i ahead of the ones before it: a
 * regular file, which reading twice or early does not change. */
static bool
may_read_ahead(const cstat_inputs *in, size_t i)
{
	struct stat st;
	const char *path = cstat_inputs_get(in, i)->path;

	return strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
	       S_ISREG(st.st_mode);
}

static int
read_threaded(cstat_builder *bld, cstat_reader *r, const cstat_inputs *in,
	      void (*on_syntax)(void *, const struct cstat_diag *), void *ctx,
	      struct cstat_diag *d)
{
	size_t n = cstat_inputs_count(in), half = n / 2;
	struct pipe pa, pb;
	cstat_reader *rb = NULL;
	pthread_t tha, thb;
	bool two = false, handed = false;
	int rc;

	/*
	 * The later half of the inputs is parsed at once on a second
	 * parsing thread when they are regular files: the adder takes its
	 * batches after all of the first half's, so results, errors and
	 * Unit metadata come in the same order as on one reader.  Its
	 * queue is as short as the first's, so it runs ahead only as far
	 * as the adder keeps up (always, when a filter drops everything).
	 */
	for (size_t i = half; i < n && half > 0; i++)
		if (!may_read_ahead(in, i))
			half = 0;
	if (half > 0 && cstat__reader_fork(r, &rb))
		return CSTAT_ENOMEM;
	rc = pipe_init(&pa, bld, r, in, 0, rb ? half : n);
	if (rc) {
		cstat_reader_free(rb);
		return rc;
	}
	if (rb && !pipe_init(&pb, bld, rb, in, half, n)) {
		two = !pthread_create(&thb, NULL, parse_main, &pb);
		if (two)
			pa.next = &pb;
		else
			pipe_destroy(&pb);
	}
	if (!two)
		pa.last = n;
	if (pthread_create(&tha, NULL, parse_main, &pa)) {
		rc = CSTAT_ENOMEM;
		if (two)
			stop_pipe(&pb);
	} else {
		rc = add_pipes(&pa, bld, on_syntax, ctx, d, &handed);
		pthread_join(tha, NULL);
	}
	if (two) {
		stop_pipe(&pb);
		pthread_join(thb, NULL);
		/* Its Unit metadata is the reader's now. */
		if (!rc && handed)
			rc = cstat__reader_merge_meta(r, rb);
		pipe_destroy(&pb);
	}
	cstat_reader_free(rb);
	pipe_destroy(&pa);
	return rc;
}

static int
read_serial(cstat_builder *bld, cstat_reader *r, const cstat_inputs *in,
	    void (*on_syntax)(void *, const struct cstat_diag *), void *ctx,
	    struct cstat_diag *d)
{
	for (size_t i = 0; i < cstat_inputs_count(in); i++) {
		const struct cstat_input *input = cstat_inputs_get(in, i);
		int rc = cstat_reader_open_input(r, input, d);
		if (rc)
			return rc;
		for (;;) {
			const struct cstat_result *res;
			struct cstat_diag sd;
			rc = cstat_reader_next(r, &res, &sd);
			if (rc == 0)
				break;
			if (rc == 1) {
				cstat__builder_config_same(
					bld, cstat__reader_config_kept(r));
				rc = cstat_builder_add(bld, res);
				if (rc)
					return rc;
			} else if (rc == CSTAT_ESYNTAX) {
				if (on_syntax)
					on_syntax(ctx, &sd);
			} else {
				if (d)
					*d = sd;
				return rc;
			}
		}
	}
	return 0;
}

int
cstat_builder_read(cstat_builder *b, cstat_reader *r, const cstat_inputs *in,
		   unsigned threads,
		   void (*on_syntax)(void *ctx, const struct cstat_diag *d),
		   void *ctx, struct cstat_diag *d)
{
	if (!b || !r || !in)
		return CSTAT_EINVAL;
	int rc = threads > 1 && cstat_inputs_count(in) > 0
			 ? read_threaded(b, r, in, on_syntax, ctx, d)
			 : read_serial(b, r, in, on_syntax, ctx, d);
	/* Every input is read: building needs the memory more. */
	if (!rc)
		cstat__reader_drop_buffer(r);
	return rc;
}
