/*
 * gbench.c - Google Benchmark's JSON output (--benchmark_format=json, or
 * --benchmark_out=F --benchmark_out_format=json) as an input.
 *
 * The whole document is kept and parsed with cJSON at the end (JSON has
 * no line to stop at).  Each "run_type": "iteration" entry is one sample
 * of its benchmark; aggregates (mean, median, stddev, cv, BigO, RMS, ...)
 * are statistics of those samples, never samples themselves.  The
 * mapping and the reasons for it are in docs/formats.md.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cstat-private.h"
#include "json-whole.h"
#include "readers.h"

struct gbench_state {
	struct cstat__buf data;
};

/* The most values one entry gives (time, CPU time, rates, counters). */
#define MAX_VALUES 64

/* Whether needle occurs in [s, s + len). */
static bool
has(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (const char *p = s; (size_t)(s + len - p) >= n;) {
		p = memchr(p, needle[0], (size_t)(s + len - p) - n + 1);
		if (!p)
			return false;
		if (memcmp(p, needle, n) == 0)
			return true;
		p++;
	}
	return false;
}

/* Whether the line [s, e) starts with the words of Google Benchmark's
 * console header: "Benchmark  Time  CPU  Iterations". */
static bool
console_header_line(const char *s, const char *e)
{
	static const char *const words[] = {"Benchmark", "Time", "CPU",
					    "Iterations"};

	for (size_t w = 0; w < 4; w++) {
		size_t n = strlen(words[w]);

		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if ((size_t)(e - s) < n || memcmp(s, words[w], n) != 0)
			return false;
		s += n;
		if (s < e && *s != ' ' && *s != '\t' && *s != '\r')
			return false;
	}
	return true;
}

/* Whether the line [s, e) is a rule of dashes ("-----"). */
static bool
dash_line(const char *s, const char *e)
{
	if (e > s && e[-1] == '\r')
		e--;
	if (e - s < 10)
		return false;
	for (; s < e; s++)
		if (*s != '-')
			return false;
	return true;
}

/*
 * Whether head holds Google Benchmark's console table: its header line
 * with a rule of dashes right before it.  Go text has neither (its lines
 * start "BenchmarkName"), so Go text is never claimed.
 */
static bool
console_output(const char *head, size_t len)
{
	const char *end = head + len, *prev = NULL, *prev_end = NULL;

	for (const char *s = head; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;

		if (prev && dash_line(prev, prev_end) &&
		    console_header_line(s, e))
			return true;
		prev = s;
		prev_end = e;
		s = nl ? nl + 1 : end;
	}
	return false;
}

/*
 * Google Benchmark's JSON: a "benchmarks" key with keys of its entries
 * or of its context that no other tool writes.  Its console output is
 * claimed too, to refuse it by name.
 */
static int
sniff(const char *head, size_t len, bool whole)
{
	static const char *const keys[] = {
		"\"time_unit\"",	  "\"run_type\"",     "\"real_time\"",
		"\"cpu_time\"",		  "\"family_index\"", "\"mhz_per_cpu\"",
		"\"library_build_type\"",
	};

	(void)whole;
	if (len && head[0] != '{')
		return console_output(head, len) ? 100 : 0;
	if (!has(head, len, "\"benchmarks\""))
		return 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if (has(head, len, keys[i]))
			return 90;
	return 0;
}

/* ------------------------------------------------------------------------
 * The context: configuration.
 */

/*
 * Context keys that change from run to run on the same machine and
 * program.  As configuration they would put two runs in two tables
 * (benchstat's tables are keyed by every configuration key), so they are
 * left out; docs/formats.md says why each one.
 */
static const char *const per_run_keys[] = {
	"date", "executable", "load_avg", "caches", "mhz_per_cpu",
};

static bool
per_run_key(const char *key)
{
	for (size_t i = 0; i < sizeof(per_run_keys) / sizeof(*per_run_keys);
	     i++)
		if (strcmp(key, per_run_keys[i]) == 0)
			return true;
	return false;
}

/* Whether key can be a configuration key ("key: value" in Go text). */
static bool
config_key_ok(const char *key)
{
	if (!*key)
		return false;
	for (const char *p = key; *p; p++)
		if (*p == ':' || (unsigned char)*p <= ' ')
			return false;
	return true;
}

/* Queues one context scalar as configuration. */
static int
context_item(struct cstat__rq *q, const cJSON *it)
{
	char num[32], *v;
	int rc;

	if (!it->string || per_run_key(it->string) ||
	    !config_key_ok(it->string))
		return 0;
	if (cJSON_IsString(it)) {
		/* A value is one line of Go text. */
		v = strdup(it->valuestring);
		if (!v)
			return CSTAT_ENOMEM;
		for (char *p = v; *p; p++)
			if (*p == '\n' || *p == '\r' || *p == '\t')
				*p = ' ';
		rc = *v ? cstat__rq_config(q, it->string, v, 0) : 0;
		free(v);
		return rc;
	}
	if (cJSON_IsNumber(it)) {
		snprintf(num, sizeof(num), "%.17g", it->valuedouble);
		return cstat__rq_config(q, it->string, num, 0);
	}
	if (cJSON_IsBool(it))
		return cstat__rq_config(q, it->string,
					cJSON_IsTrue(it) ? "true" : "false", 0);
	return 0; /* arrays, objects and null describe no configuration */
}

static int
read_context(struct cstat__rq *q, const cJSON *ctx)
{
	if (!cJSON_IsObject(ctx))
		return 0;
	for (const cJSON *it = ctx->child; it; it = it->next) {
		int rc = context_item(q, it);
		if (rc)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * The entries: results.
 */

/* The fields of an entry that cstat uses, found in one pass over it. */
enum field {
	F_OTHER, /* a user counter when it is a number */
	F_IGNORED,
	F_NAME,
	F_RUN_NAME,
	F_RUN_TYPE,
	F_REAL_TIME,
	F_CPU_TIME,
	F_TIME_UNIT,
	F_BYTES,
	F_ITEMS,
	F_ALLOCS,
	F_ERROR,
	F_ERROR_MESSAGE,
	F_SKIPPED,
	F_SKIP_MESSAGE,
	F_AGGREGATE_NAME,
	F_BIG_O,
	F_RMS,
	F_COUNT
};

/* Google Benchmark's own fields; the rest of the numbers are counters. */
static const struct {
	const char *key;
	enum field f;
} fields[] = {
	{"name", F_NAME},
	{"family_index", F_IGNORED},
	{"per_family_instance_index", F_IGNORED},
	{"run_name", F_RUN_NAME},
	{"run_type", F_RUN_TYPE},
	{"repetitions", F_IGNORED},
	{"repetition_index", F_IGNORED},
	{"threads", F_IGNORED},
	{"iterations", F_IGNORED},
	{"real_time", F_REAL_TIME},
	{"cpu_time", F_CPU_TIME},
	{"time_unit", F_TIME_UNIT},
	{"bytes_per_second", F_BYTES},
	{"items_per_second", F_ITEMS},
	{"allocs_per_iter", F_ALLOCS},
	{"label", F_IGNORED},
	{"error_occurred", F_ERROR},
	{"error_message", F_ERROR_MESSAGE},
	{"skipped", F_SKIPPED},
	{"skip_message", F_SKIP_MESSAGE},
	{"aggregate_name", F_AGGREGATE_NAME},
	{"aggregate_unit", F_IGNORED},
	{"big_o", F_BIG_O},
	{"cpu_coefficient", F_IGNORED},
	{"real_coefficient", F_IGNORED},
	{"rms", F_RMS},
	{"complexity_n", F_IGNORED},
};

static enum field
field_of(const char *key)
{
	/* Most keys differ in their first two bytes: compare those first. */
	for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++)
		if (key[0] == fields[i].key[0] && key[0] &&
		    key[1] == fields[i].key[1] &&
		    strcmp(key, fields[i].key) == 0)
			return fields[i].f;
	return F_OTHER;
}

/* One entry: its fields by kind (NULL when absent). */
struct entry {
	const cJSON *f[F_COUNT];
	bool counters; /* a number that is no field of Google Benchmark's */
};

static void
entry_scan(const cJSON *e, struct entry *en)
{
	memset(en, 0, sizeof(*en));
	for (const cJSON *it = e->child; it; it = it->next) {
		enum field f = it->string ? field_of(it->string) : F_IGNORED;
		if (f == F_OTHER)
			en->counters |= cJSON_IsNumber(it) != 0;
		else if (!en->f[f])
			en->f[f] = it;
	}
}

static const char *
str_of(const struct entry *en, enum field f)
{
	return cJSON_IsString(en->f[f]) ? en->f[f]->valuestring : NULL;
}

/* The benchmark an entry belongs to: its run_name (the name without a
 * repetition or aggregate suffix), else its name; NULL when it has none. */
static const char *
entry_name(const struct entry *en)
{
	const char *name = str_of(en, F_RUN_NAME);

	return name && *name ? name : str_of(en, F_NAME);
}

/* Aggregate names that old versions (without "run_type") appended. */
static const char *const aggregate_suffixes[] = {
	"_mean", "_median", "_stddev", "_cv", "_BigO", "_RMS",
};

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Whether an entry is an aggregate (a statistic, not a sample). */
static bool
is_aggregate(const struct entry *en, const char *name)
{
	const char *type = str_of(en, F_RUN_TYPE);

	if (type)
		return strcmp(type, "aggregate") == 0;
	if (en->f[F_AGGREGATE_NAME] || en->f[F_BIG_O] || en->f[F_RMS])
		return true;
	for (size_t i = 0;
	     i < sizeof(aggregate_suffixes) / sizeof(*aggregate_suffixes); i++)
		if (ends_with(name, aggregate_suffixes[i]))
			return true;
	return false;
}

/* Whether an aggregate is a complexity fit (BigO, RMS): those summarise
 * the results of other names, which are read, so they need no word. */
static bool
is_complexity(const struct entry *en)
{
	const char *agg = str_of(en, F_AGGREGATE_NAME);

	if (agg)
		return strcmp(agg, "BigO") == 0 || strcmp(agg, "RMS") == 0;
	return en->f[F_BIG_O] || en->f[F_RMS];
}

/* Seconds per time_unit, or 0 for a unit Google Benchmark does not have.
 * 1/1e9 is the factor Go text's "ns/op" is tidied with, so a time in ns
 * becomes the same sec/op value from either format. */
static double
time_factor(const char *unit)
{
	if (!unit || strcmp(unit, "ns") == 0)
		return 1 / 1e9;
	if (strcmp(unit, "us") == 0)
		return 1 / 1e6;
	if (strcmp(unit, "ms") == 0)
		return 1 / 1e3;
	if (strcmp(unit, "s") == 0)
		return 1;
	return 0;
}

/* One entry's values and the unit strings they need. */
struct entry_values {
	struct cstat__rv v[MAX_VALUES];
	size_t n;
	struct cstat__buf units; /* counter names made units, NUL-separated */
	size_t unit_off[MAX_VALUES];
};

static void
add_value(struct entry_values *ev, const char *unit, const cJSON *it,
	  double factor)
{
	if (cJSON_IsNumber(it) && ev->n < MAX_VALUES) {
		ev->v[ev->n].value = it->valuedouble * factor;
		ev->v[ev->n].unit = unit;
		ev->unit_off[ev->n] = (size_t)-1;
		ev->n++;
	}
}

/* A user counter as a unit: its name (white space becomes '_' in the
 * queue, as no Go unit holds any). */
static int
add_counter(struct entry_values *ev, const char *key, double value)
{
	size_t off = ev->units.len;

	if (!*key || ev->n >= MAX_VALUES)
		return 0;
	if (cstat__buf_add(&ev->units, key, strlen(key) + 1))
		return CSTAT_ENOMEM;
	ev->v[ev->n].value = value;
	ev->unit_off[ev->n++] = off;
	return 0;
}

/* The numbers of an entry with their units. */
static int
entry_values(const cJSON *e, const struct entry *en, double factor,
	     struct entry_values *ev)
{
	ev->n = 0;
	ev->units.len = 0;
	add_value(ev, "sec/op", en->f[F_REAL_TIME], factor);
	add_value(ev, "cpu-sec/op", en->f[F_CPU_TIME], factor);
	add_value(ev, "B/s", en->f[F_BYTES], 1);
	add_value(ev, "items/s", en->f[F_ITEMS], 1);
	add_value(ev, "allocs/op", en->f[F_ALLOCS], 1);
	for (const cJSON *it = e->child; en->counters && it; it = it->next) {
		if (!it->string || !cJSON_IsNumber(it) ||
		    field_of(it->string) != F_OTHER)
			continue;
		if (add_counter(ev, it->string, it->valuedouble))
			return CSTAT_ENOMEM;
	}
	for (size_t i = 0; i < ev->n; i++)
		if (ev->unit_off[i] != (size_t)-1)
			ev->v[i].unit = ev->units.data + ev->unit_off[i];
	return 0;
}

/* Why an entry is not a sample, as a warning; 0 when it is one. */
static int
skip_reason(struct cstat__rq *q, const struct entry *en, const char *name,
	    bool *skipped)
{
	const char *msg;

	*skipped = true;
	if (cJSON_IsTrue(en->f[F_ERROR])) {
		msg = str_of(en, F_ERROR_MESSAGE);
		return cstat__rq_warn(
			q, 0, "benchmark %s: error_occurred: %s; skipped", name,
			msg ? msg : "(no error_message)");
	}
	if (cJSON_IsTrue(en->f[F_SKIPPED])) {
		msg = str_of(en, F_SKIP_MESSAGE);
		return cstat__rq_warn(
			q, 0, "benchmark %s: skipped by the benchmark: %s",
			name, msg ? msg : "(no skip_message)");
	}
	const char *unit = str_of(en, F_TIME_UNIT);

	if (time_factor(unit) == 0)
		return cstat__rq_warn(
			q, 0, "benchmark %s: unknown time_unit \"%s\"; skipped",
			name, unit);
	*skipped = false;
	return 0;
}

/* The walk over the entries. */
struct walk {
	struct cstat__rq *q;
	/* The names of benchmarks with an iteration entry, and of those
	 * with an aggregate (not a complexity fit), in order of appearance:
	 * an aggregate's name that never had an iteration is warned about. */
	struct cstat__strtab iters, aggs;
	size_t iterations; /* entries of run_type iteration */
	struct entry_values ev;
	struct cstat__buf name; /* the result's name */
};

static int
walk_init(struct walk *w, struct cstat__rq *q)
{
	memset(w, 0, sizeof(*w));
	w->q = q;
	if (cstat__strtab_init(&w->iters))
		return CSTAT_ENOMEM;
	if (cstat__strtab_init(&w->aggs)) {
		cstat__strtab_release(&w->iters);
		return CSTAT_ENOMEM;
	}
	return 0;
}

static void
walk_release(struct walk *w)
{
	cstat__strtab_release(&w->iters);
	cstat__strtab_release(&w->aggs);
	cstat__buf_release(&w->ev.units);
	cstat__buf_release(&w->name);
}

static const char rerun[] = "rerun with --benchmark_repetitions=N without "
			    "--benchmark_report_aggregates_only";

/* Queues the entry's values under its name (white space becomes '_' in
 * the queue, as Go's testing package writes sub-benchmark names). */
static int
queue_result(struct walk *w, const char *name)
{
	size_t n = strlen(name);

	return cstat__rq_result(w->q, name, n, w->ev.v, w->ev.n, 0);
}

/* One entry of "benchmarks". */
static int
read_entry(struct walk *w, const cJSON *e, size_t index)
{
	struct entry en;
	bool skipped;
	int rc;

	if (!cJSON_IsObject(e))
		return cstat__rq_warn(w->q, 0,
				      "benchmarks[%zu]: not an object; skipped",
				      index);
	entry_scan(e, &en);

	const char *name = entry_name(&en);

	if (!name || !*name)
		return cstat__rq_warn(w->q, 0,
				      "benchmarks[%zu]: no \"name\"; skipped",
				      index);
	uint32_t id;

	if (is_aggregate(&en, name))
		return is_complexity(&en)
			       ? 0
			       : cstat__strtab_intern(&w->aggs, name,
						      strlen(name), &id);
	w->iterations++;
	if (cstat__strtab_intern(&w->iters, name, strlen(name), &id))
		return CSTAT_ENOMEM;
	rc = skip_reason(w->q, &en, name, &skipped);
	if (rc || skipped)
		return rc;
	rc = entry_values(e, &en, time_factor(str_of(&en, F_TIME_UNIT)),
			  &w->ev);
	if (rc)
		return rc;
	if (w->ev.n == 0)
		return cstat__rq_warn(w->q, 0,
				      "benchmark %s: no values; skipped", name);
	return queue_result(w, name);
}

/* Says which benchmarks had only aggregates: an error when nothing else
 * was in the file, else a warning for each. */
static int
report_aggregates(struct walk *w)
{
	if (w->iterations == 0 && w->aggs.count > 1)
		return cstat__rq_fail(
			w->q, CSTAT_EFORMAT, 0,
			"Google Benchmark JSON with only aggregates (mean, "
			"median, stddev, ...), which are not samples: %s",
			rerun);
	for (uint32_t i = 1; i < w->aggs.count; i++) {
		const char *name = cstat__strtab_str(&w->aggs, i);

		if (cstat__strtab_find(&w->iters, name,
				       cstat__strtab_len(&w->aggs, i)) !=
		    UINT32_MAX)
			continue;
		int rc = cstat__rq_warn(
			w->q, 0,
			"benchmark %s: only aggregates (mean, median, ...), "
			"no repetitions; skipped: %s",
			name, rerun);
		if (rc)
			return rc;
	}
	return 0;
}

/* The document as a tree: the path for any shape read_text() does not
 * take. */
static int
read_doc(struct cstat__rq *q, const cJSON *doc)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "benchmarks");
	struct walk w;
	size_t index = 0;
	int rc;

	if (!cJSON_IsObject(doc) || !cJSON_IsArray(list))
		return cstat__rq_fail(q, CSTAT_EFORMAT, 0,
				      "not Google Benchmark JSON (no "
				      "\"benchmarks\" array)");
	if (walk_init(&w, q))
		return CSTAT_ENOMEM;
	rc = read_context(q, cJSON_GetObjectItemCaseSensitive(doc, "context"));
	for (const cJSON *e = list->child; e && !rc; e = e->next)
		rc = read_entry(&w, e, index++);
	if (!rc)
		rc = report_aggregates(&w);
	walk_release(&w);
	return rc;
}

/* ------------------------------------------------------------------------
 * The fast path.  A tree of the whole document costs several times the
 * file in memory and most of the time in malloc; Google Benchmark's
 * document is an object with a "context" and a long "benchmarks" array,
 * so the array's elements are found by a scan of the bytes and each is
 * parsed as a small tree of its own.  cJSON still checks every byte that
 * is used; anything else falls back to the whole tree.
 */

/* The index after the white space at i. */
static size_t
skip_ws(const char *t, size_t i, size_t len)
{
	while (i < len &&
	       (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	return i;
}

/* The index after the string that starts at i (a '"'), or 0. */
static size_t
skip_string(const char *t, size_t i, size_t len)
{
	for (i++; i < len;) {
		const char *q = memchr(t + i, '"', len - i);
		size_t k, bs = 0;

		if (!q)
			return 0;
		k = (size_t)(q - t);
		/* Escaped when an odd number of backslashes precede it. */
		while (k - bs > i && t[k - bs - 1] == '\\')
			bs++;
		if (bs % 2 == 0)
			return k + 1;
		i = k + 1;
	}
	return 0;
}

/* Bytes that matter when skipping an object or array: 1 a string,
 * 2 an opening bracket, 3 a closing one. */
static const unsigned char bracket_class[256] = {
	['"'] = 1, ['{'] = 2, ['['] = 2, ['}'] = 3, [']'] = 3,
};

/* The index after the value that starts at i, or 0 when it does not end
 * (cJSON checks the value itself). */
static size_t
skip_value(const char *t, size_t i, size_t len)
{
	size_t depth = 0, start = i;

	if (i >= len)
		return 0;
	if (t[i] == '"')
		return skip_string(t, i, len);
	if (t[i] != '{' && t[i] != '[') {
		while (i < len && !strchr(",]} \t\r\n", t[i]))
			i++;
		return i > start ? i : 0;
	}
	while (i < len) {
		while (i < len && !bracket_class[(unsigned char)t[i]])
			i++;
		if (i >= len)
			return 0;
		switch (bracket_class[(unsigned char)t[i]]) {
		case 1:
			i = skip_string(t, i, len);
			if (!i)
				return 0;
			continue;
		case 2:
			depth++;
			break;
		default:
			if (--depth == 0)
				return i + 1;
		}
		i++;
	}
	return 0;
}

/* A value of the text as a tree of its own, or NULL with *end at the
 * problem. */
static cJSON *
parse_at(const char *t, size_t from, size_t to, const char **end)
{
	cJSON *v = cJSON_ParseWithLengthOpts(t + from, to - from, end, false);

	if (v && *end != t + to) {
		cJSON_Delete(v);
		v = NULL;
	}
	return v;
}

/*
 * Finds the top-level "context" and "benchmarks" values of the document
 * [t, t + len): [*ctx, *ctx_end) (0, 0 when absent) and [*list,
 * *list_end).  Other values are checked with cJSON.
 * @return whether the document has the usual shape.
 */
/* Where each element of the "benchmarks" array starts and ends. */
struct spans {
	size_t (*at)[2];
	size_t n, cap;
};

/*
 * The elements of the array that starts at i, into sp.
 * @return the index after the array, 0 when it is not one, or (size_t)-1
 *         when out of memory.
 */
static size_t
scan_list(const char *t, size_t i, size_t len, struct spans *sp)
{
	i = skip_ws(t, i + 1, len);
	if (i < len && t[i] == ']')
		return i + 1;
	while (i < len) {
		size_t e = skip_value(t, i, len);

		if (!e)
			return 0;
		if (sp->n == sp->cap &&
		    cstat__grow((void **)&sp->at, &sp->cap, sp->n + 1,
				sizeof(*sp->at))) {
			sp->cap = SIZE_MAX;
			return (size_t)-1;
		}
		sp->at[sp->n][0] = i;
		sp->at[sp->n++][1] = e;
		i = skip_ws(t, e, len);
		if (i < len && t[i] == ']')
			return i + 1;
		if (i >= len || t[i] != ',')
			return 0;
		i = skip_ws(t, i + 1, len);
	}
	return 0;
}

static bool
scan_top(const char *t, size_t len, size_t *ctx, size_t *ctx_end, size_t *list,
	 size_t *list_end, struct spans *sp)
{
	size_t i = skip_ws(t, 0, len);

	*ctx = *ctx_end = *list = *list_end = 0;
	if (i >= len || t[i] != '{')
		return false;
	for (i = skip_ws(t, i + 1, len); i < len && t[i] == '"';) {
		size_t k = i, k_end = skip_string(t, i, len), v, v_end;

		if (!k_end)
			return false;
		i = skip_ws(t, k_end, len);
		if (i >= len || t[i] != ':')
			return false;
		v = skip_ws(t, i + 1, len);

		bool is_list = k_end - k == 12 &&
			       memcmp(t + k, "\"benchmarks\"", 12) == 0;

		if (is_list && (*list_end || v >= len || t[v] != '['))
			return false;
		v_end = is_list ? scan_list(t, v, len, sp)
				: skip_value(t, v, len);
		if (!v_end || v_end == (size_t)-1)
			return false;
		if (is_list) {
			*list = v;
			*list_end = v_end;
		} else if (k_end - k == 9 &&
			   memcmp(t + k, "\"context\"", 9) == 0 && !*ctx_end) {
			*ctx = v;
			*ctx_end = v_end;
		} else {
			const char *end;
			cJSON *x = parse_at(t, v, v_end, &end);
			if (!x)
				return false;
			cJSON_Delete(x);
		}
		i = skip_ws(t, v_end, len);
		if (i < len && t[i] == ',')
			i = skip_ws(t, i + 1, len);
		else
			break;
	}
	if (i >= len || t[i] != '}')
		return false;
	return skip_ws(t, i + 1, len) == len && *list_end;
}

/* Reads the elements of the "benchmarks" array one at a time. */
static int
read_list(struct walk *w, const char *t, size_t len, const struct spans *sp)
{
	for (size_t i = 0; i < sp->n; i++) {
		const char *end = t + sp->at[i][0];
		cJSON *e = parse_at(t, sp->at[i][0], sp->at[i][1], &end);
		int rc;

		if (!e)
			return cstat__jw_fail(w->q, t, len, end);
		rc = read_entry(w, e, i);
		cJSON_Delete(e);
		if (rc)
			return rc;
	}
	return 0;
}

/* The document by parts; 1 when it does not have the usual shape. */
static int
read_text(struct cstat__rq *q, const char *t, size_t len)
{
	size_t ctx, ctx_end, list, list_end;
	struct spans sp = {0};
	struct walk w;
	int rc;

	if (!scan_top(t, len, &ctx, &ctx_end, &list, &list_end, &sp)) {
		/* Out of memory for the spans (scan_list() sets cap to
		 * SIZE_MAX): the whole tree would not fit either. */
		bool oom = sp.cap == SIZE_MAX;
		free(sp.at);
		return oom ? CSTAT_ENOMEM : 1;
	}
	if (ctx_end) {
		const char *end;
		cJSON *c = parse_at(t, ctx, ctx_end, &end);
		rc = c ? read_context(q, c) : 1;
		cJSON_Delete(c);
		if (rc) {
			free(sp.at);
			return rc;
		}
	}
	if (walk_init(&w, q)) {
		free(sp.at);
		return CSTAT_ENOMEM;
	}
	rc = read_list(&w, t, len, &sp);
	free(sp.at);
	if (!rc && !cstat__rq_failed(q))
		rc = report_aggregates(&w);
	walk_release(&w);
	return rc;
}

static int
feed(void *state, struct cstat__rq *q, const char *data, size_t len)
{
	struct gbench_state *s = state;
	const char *end = NULL;

	if (len)
		return cstat__buf_add(&s->data, data, len) ? CSTAT_ENOMEM : 0;
	if (s->data.len == 0)
		return 0;
	if (s->data.data[0] != '{' && console_output(s->data.data, s->data.len))
		return cstat__rq_fail(q, CSTAT_EFORMAT, 0,
				      "Google Benchmark console output, which "
				      "cstat does not read: rerun with "
				      "--benchmark_format=json");
	if (cstat__buf_addc(&s->data, '\0'))
		return CSTAT_ENOMEM;

	size_t n = s->data.len - 1;
	int rc = read_text(q, s->data.data, n);

	if (rc != 1) {
		cstat__buf_release(&s->data);
		return rc;
	}

	cJSON *doc = cJSON_ParseWithLengthOpts(s->data.data, n + 1, &end, true);

	if (!doc) {
		rc = cstat__jw_fail(q, s->data.data, n, end);
		cstat__buf_release(&s->data);
		return rc;
	}
	/* The tree holds copies of the strings: the text can go. */
	cstat__buf_release(&s->data);
	rc = read_doc(q, doc);
	cJSON_Delete(doc);
	return rc;
}

static void
release(void *state)
{
	struct gbench_state *s = state;

	cstat__buf_release(&s->data);
}

const struct cstat__format cstat__format_gbench = {
	.name = "gbench",
	.title = "Google Benchmark JSON",
	.json = true,
	.sniff = sniff,
	.feed = feed,
	.state_size = sizeof(struct gbench_state),
	.release = release,
};
