/*
 * dotnet.c - BenchmarkDotNet's JSON reports (JsonExporter.Full, also the
 * default "--exporters json").
 *
 * A report is one object: "Title" (a per-run name with a time stamp),
 * "HostEnvironmentInfo" (the machine and runtime) and "Benchmarks", one
 * object per benchmark case with "Type", "Method", "Parameters" (the
 * parameter values as "N=100&Size=10"), "Statistics", "Memory" (with the
 * memory diagnoser) and "Measurements" (every iteration of every stage).
 * The samples are the iterations of stage Result (mode Workload): the
 * Actual iterations with the overhead subtracted and, by default, the
 * upper outliers removed, which is what BenchmarkDotNet's own statistics
 * are computed from.  Each is Nanoseconds / Operations in ns/op.  The
 * brief export has no Measurements; its Statistics.OriginalValues are the
 * same numbers (ns/op, bit for bit) and are read instead.
 *
 * The whole input is kept and parsed at its end with cJSON.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cstat-private.h"
#include "json-whole.h"
#include "readers.h"

/* Whether the quoted key appears in head. */
static bool
has_key(const char *head, size_t len, const char *key)
{
	size_t k = strlen(key);

	for (size_t i = 0; i + k <= len; i++)
		if (head[i] == '"' && memcmp(head + i, key, k) == 0)
			return true;
	return false;
}

/*
 * A report starts with "Title" and then "HostEnvironmentInfo", whose
 * "BenchmarkDotNetCaption" no other tool writes; "Benchmarks" with a
 * capital B tells it from Google Benchmark's "benchmarks".
 */
static int
sniff(const char *head, size_t len, bool whole)
{
	(void)whole;
	if (len == 0 || head[0] != '{' ||
	    !has_key(head, len, "\"HostEnvironmentInfo\""))
		return 0;
	if (has_key(head, len, "\"BenchmarkDotNetCaption\"") ||
	    has_key(head, len, "\"BenchmarkDotNetVersion\"") ||
	    has_key(head, len, "\"Benchmarks\""))
		return 90;
	return 0;
}

/* The string member key of o, or NULL. */
static const char *
str_member(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The configuration keys HostEnvironmentInfo gives: only values that stay
 * the same from run to run on one machine, since each key splits tables. */
static const struct {
	const char *field, *key;
} host_keys[] = {
	{"BenchmarkDotNetVersion", "benchmarkdotnet"},
	{"OsVersion", "os"},
	{"ProcessorName", "cpu"},
	{"Architecture", "arch"},
	{"RuntimeVersion", "runtime"},
	{"Configuration", "configuration"},
};

/* Copies s into b with control characters as spaces, so that a value
 * stays one line of Go text when a baseline writes it back. */
static int
add_one_line(struct cstat__buf *b, const char *s)
{
	for (; *s; s++)
		if (cstat__buf_addc(b, (unsigned char)*s < 0x20 ? ' ' : *s))
			return CSTAT_ENOMEM;
	return cstat__buf_addc(b, 0);
}

static int
host_config(struct cstat__rq *q, const cJSON *host)
{
	struct cstat__buf b = {0};
	int rc = 0;

	for (size_t i = 0; i < sizeof(host_keys) / sizeof(*host_keys); i++) {
		const char *v = str_member(host, host_keys[i].field);
		b.len = 0;
		if (v && !(rc = add_one_line(&b, v)))
			rc = cstat__rq_config(q, host_keys[i].key, b.data, 0);
		if (rc)
			break;
	}
	if (!rc && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
			   host, "HasAttachedDebugger")))
		rc = cstat__rq_warn(q, 0,
				    "measured with a debugger attached "
				    "(HasAttachedDebugger); the times may "
				    "not be representative");
	cstat__buf_release(&b);
	return rc;
}

/* Whether s starts a parameter: an identifier and '='. */
static bool
param_start(const char *s)
{
	size_t i = 0;

	if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	while (isalnum((unsigned char)s[i]) || s[i] == '_')
		i++;
	return s[i] == '=';
}

/*
 * Adds BenchmarkDotNet's parameter string ("N=100&Size=10": ParameterInstances.
 * PrintInfo) as Go sub-benchmark keys ("/N=100/Size=10").  A '&' splits
 * only where a name and '=' follow it, since values may hold '&'.
 */
static int
add_params(struct cstat__buf *b, const char *p)
{
	const char *seg = p;

	if (!*p)
		return 0;
	for (const char *s = p;; s++) {
		if (*s && !(*s == '&' && param_start(s + 1)))
			continue;
		if (cstat__buf_addc(b, '/') ||
		    cstat__buf_add(b, seg, (size_t)(s - seg)))
			return CSTAT_ENOMEM;
		if (!*s)
			return 0;
		seg = s + 1;
	}
}

/*
 * The job of a benchmark case, from DisplayInfo ("Type.Method: Job
 * [N=1, M=2]"), with an unnamed job's generated id ("Job-ABCDEF") left
 * out since it changes from run to run.  Empty when it cannot be told.
 */
static void
job_of(const cJSON *bm, const char **job, size_t *len)
{
	const char *di = str_member(bm, "DisplayInfo");
	const char *params = str_member(bm, "Parameters");
	const char *colon = di ? strstr(di, ": ") : NULL;

	*job = "";
	*len = 0;
	if (!colon)
		return;

	const char *s = colon + 2, *e = s + strlen(s);

	/* The parameters follow the job after " ["; they may hold " ["
	 * themselves (arrays of arrays), the job does not. */
	if (params && *params && e > s && e[-1] == ']') {
		const char *br = strstr(s, " [");
		if (br)
			e = br;
	}
	if (e - s > 4 && memcmp(s, "Job-", 4) == 0) {
		const char *paren = memchr(s, '(', (size_t)(e - s));
		if (paren)
			s = paren;
	}
	*job = s;
	*len = (size_t)(e - s);
}

/* Whether the benchmarks run under more than one job. */
static bool
several_jobs(const cJSON *benchmarks)
{
	const char *first = NULL;
	size_t first_len = 0;
	const cJSON *bm;

	cJSON_ArrayForEach(bm, benchmarks)
	{
		const char *j;
		size_t n;

		job_of(bm, &j, &n);
		if (!first) {
			first = j;
			first_len = n;
		} else if (n != first_len || memcmp(j, first, n) != 0) {
			return true;
		}
	}
	return false;
}

/* The benchmark's name: "Type.Method", its job when the report has
 * several, and its parameters.  @return 0, 1 when it has none, or
 * CSTAT_ENOMEM. */
static int
bench_name(const cJSON *bm, bool with_job, struct cstat__buf *b)
{
	const char *type = str_member(bm, "Type");
	const char *method = str_member(bm, "Method");
	const char *params = str_member(bm, "Parameters");

	b->len = 0;
	if (!method || !*method)
		return 1;
	if (type && *type &&
	    (cstat__buf_add(b, type, strlen(type)) || cstat__buf_addc(b, '.')))
		return CSTAT_ENOMEM;
	if (cstat__buf_add(b, method, strlen(method)))
		return CSTAT_ENOMEM;
	if (with_job) {
		const char *j;
		size_t n;
		job_of(bm, &j, &n);
		if (n &&
		    (cstat__buf_adds(b, "/job=") || cstat__buf_add(b, j, n)))
			return CSTAT_ENOMEM;
	}
	if (params && add_params(b, params))
		return CSTAT_ENOMEM;
	return cstat__buf_addc(b, 0) ? CSTAT_ENOMEM : 0;
}

/* The number member key of o, or NAN. */
static double
num_member(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* Whether string member key of o is want. */
static bool
is(const cJSON *o, const char *key, const char *want)
{
	const char *s = str_member(o, key);

	return s && strcmp(s, want) == 0;
}

/* What one benchmark case gives. */
struct bench {
	const char *name;
	double bytes; /* B/op, or NAN */
	bool first;   /* no result queued yet */
	size_t bad;   /* measurements that were not numbers */
};

/* Queues one sample (ns/op), with B/op on the first. */
static int
sample(struct cstat__rq *q, struct bench *b, double ns_op)
{
	struct cstat__rv v[2] = {{ns_op, "ns/op"}, {b->bytes, "B/op"}};
	size_t n = b->first && isfinite(b->bytes) ? 2 : 1;

	b->first = false;
	return cstat__rq_result(q, b->name, strlen(b->name), v, n, 0);
}

/* The samples of stage Result.  @return how many, or CSTAT_ENOMEM. */
static long
result_stage(struct cstat__rq *q, const cJSON *ms, struct bench *b)
{
	const cJSON *m;
	long n = 0;

	cJSON_ArrayForEach(m, ms)
	{
		if (!is(m, "IterationMode", "Workload") ||
		    !is(m, "IterationStage", "Result"))
			continue;

		double ns = num_member(m, "Nanoseconds");
		double ops = num_member(m, "Operations");

		if (!(isfinite(ns) && ns >= 0 && isfinite(ops) && ops >= 1)) {
			b->bad++;
			continue;
		}
		if (sample(q, b, ns / ops))
			return CSTAT_ENOMEM;
		n++;
	}
	return n;
}

/* Statistics.OriginalValues (ns/op).  @return how many, or
 * CSTAT_ENOMEM. */
static long
original_values(struct cstat__rq *q, const cJSON *bm, struct bench *b)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(bm, "Statistics");
	const cJSON *ov =
		cJSON_GetObjectItemCaseSensitive(st, "OriginalValues");
	const cJSON *v;
	long n = 0;

	cJSON_ArrayForEach(v, ov)
	{
		if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
		    v->valuedouble < 0) {
			b->bad++;
			continue;
		}
		if (sample(q, b, v->valuedouble))
			return CSTAT_ENOMEM;
		n++;
	}
	return n;
}

/* What a report held: whether any benchmark had Measurements, and how
 * many samples were read. */
struct tally {
	bool measured;
	long samples;
};

/* One benchmark case. */
static int
one_bench(struct cstat__rq *q, const cJSON *bm, bool with_job,
	  struct cstat__buf *name, struct tally *t)
{
	int rc = bench_name(bm, with_job, name);

	if (rc < 0)
		return rc;
	if (rc == 1)
		return cstat__rq_warn(q, 0,
				      "a benchmark without a \"Method\"; "
				      "skipped");

	const char *ns = str_member(bm, "Namespace");
	const cJSON *mem = cJSON_GetObjectItemCaseSensitive(bm, "Memory");
	const cJSON *ms = cJSON_GetObjectItemCaseSensitive(bm, "Measurements");
	struct bench b = {.name = name->data,
			  .bytes =
				  num_member(mem, "BytesAllocatedPerOperation"),
			  .first = true};

	/* The namespace is the package, as Go's "pkg:" line. */
	if (cstat__rq_config(q, "pkg", ns ? ns : "", 0))
		return CSTAT_ENOMEM;
	if (!(isfinite(b.bytes) && b.bytes >= 0))
		b.bytes = NAN;
	bool measured = cJSON_IsArray(ms);

	/* A report cut down to some stages (or a brief one) still has the
	 * same samples in Statistics.OriginalValues. */
	long n = measured ? result_stage(q, ms, &b) : 0;
	if (n == 0)
		n = original_values(q, bm, &b);
	if (n < 0)
		return CSTAT_ENOMEM;
	t->measured |= measured;
	t->samples += n;
	if (b.bad && cstat__rq_warn(q, 0,
				    "benchmark %s: %zu measurement%s without "
				    "a time or an operation count; skipped",
				    b.name, b.bad, b.bad == 1 ? "" : "s"))
		return CSTAT_ENOMEM;
	if (n == 0)
		return cstat__rq_warn(q, 0,
				      "benchmark %s: no measurements of stage "
				      "Result and no Statistics (did it "
				      "fail?); skipped",
				      b.name);
	return 0;
}

/* Reads a parsed report. */
static int
read_report(struct cstat__rq *q, const cJSON *root)
{
	const cJSON *benchmarks =
		cJSON_GetObjectItemCaseSensitive(root, "Benchmarks");
	struct cstat__buf name = {0};
	struct tally t = {0};
	int rc;

	if (!cJSON_IsArray(benchmarks))
		return cstat__rq_fail(q, CSTAT_EFORMAT, 0,
				      "no \"Benchmarks\" array: not a "
				      "BenchmarkDotNet JSON report");
	rc = host_config(q, cJSON_GetObjectItemCaseSensitive(
				    root, "HostEnvironmentInfo"));
	/* The memory diagnoser counts the bytes of one run of its own: one
	 * value per benchmark, the same for the same code, so a change is a
	 * change without a test (as benchstat treats exact units). */
	if (!rc)
		rc = cstat__rq_unit_meta(q, "B/op", "assume", "exact", 0);

	bool with_job = several_jobs(benchmarks);
	const cJSON *bm;

	cJSON_ArrayForEach(bm, benchmarks)
	{
		if (rc)
			break;
		rc = one_bench(q, bm, with_job, &name, &t);
	}
	cstat__buf_release(&name);
	if (rc || t.samples || t.measured ||
	    cJSON_GetArraySize(benchmarks) == 0)
		return rc;
	return cstat__rq_fail(q, CSTAT_EFORMAT, 0,
			      "BenchmarkDotNet JSON without measurements "
			      "(the brief export?): export with the full JSON "
			      "exporter ([JsonExporterAttribute.Full], or "
			      "--exporters json)");
}

static int
feed(void *state, struct cstat__rq *q, const char *data, size_t len)
{
	return cstat__jw_feed(state, q, data, len, read_report);
}

const struct cstat__format cstat__format_dotnet = {
	.name = "dotnet",
	.title = "BenchmarkDotNet JSON",
	.json = true,
	.sniff = sniff,
	.feed = feed,
	.state_size = sizeof(struct cstat__jw_state),
	.release = cstat__jw_release,
};
