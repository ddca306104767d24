/*
 * pytest.c - pytest-benchmark's JSON (--benchmark-json, and the files
 * --benchmark-save and --benchmark-autosave keep).
 *
 * Each benchmark's "stats.data" (the time of each round, in seconds per
 * iteration) become sec/op values; pytest-benchmark writes them only with
 * --benchmark-save-data, and a file without them is refused, since its
 * summary statistics cannot be compared as samples.  The name is the
 * test's "fullname" (its node id, "tests/test_a.py::test_x[8]"), unique in
 * a run and the same from run to run; a parametrized test's id ("[8]") is
 * written as sub-benchmark keys from "params" ("/size=8"), so that
 * cstat -col /size puts the values of one test side by side.  The stable
 * parts of "machine_info" are configuration: os (system), arch (machine)
 * and cpu (the CPU's brand), as go test's goos, goarch and cpu lines; the
 * host name and Python's version are left out, since they would put runs
 * of one suite on two CI runners or two Pythons in separate tables.
 * Numbers in "extra_info" are one value each, in a unit named by the key.
 */
#include <stdlib.h>
#include <string.h>

#include "json-whole.h"

static int
sniff(const char *head, size_t len, bool whole)
{
	if (len == 0 || head[0] != '{' ||
	    !cstat__jw_key(head, len, 0, "machine_info", NULL))
		return 0;
	if (cstat__jw_key(head, len, 0, "benchmarks", NULL))
		return 90;
	/* A long machine_info or commit_info may push "benchmarks" past the
	 * head. */
	return whole ? 0 : 60;
}

static const cJSON *
item(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* Sets configuration key from obj's string field, when it has one. */
static int
config_from(struct cstat__rq *q, const char *key, const cJSON *obj,
	    const char *field)
{
	const cJSON *v = item(obj, field);

	if (!cJSON_IsString(v) || !v->valuestring[0])
		return 0;
	return cstat__rq_config(q, key, v->valuestring, 0);
}

static int
machine_config(struct cstat__rq *q, const cJSON *mi)
{
	const cJSON *cpu = item(mi, "cpu");
	int rc = config_from(q, "os", mi, "system");

	if (!rc)
		rc = config_from(q, "arch", mi, "machine");
	/* py-cpuinfo says "brand" before version 7, "brand_raw" since. */
	if (!rc && cJSON_IsString(item(cpu, "brand_raw")))
		rc = config_from(q, "cpu", cpu, "brand_raw");
	else if (!rc)
		rc = config_from(q, "cpu", cpu, "brand");
	return rc;
}

/* The benchmark's name as given: fullname, else name. */
static const char *
given_name(const cJSON *bm)
{
	const cJSON *n = item(bm, "fullname");

	if (!cJSON_IsString(n) || !n->valuestring[0])
		n = item(bm, "name");
	return cJSON_IsString(n) && n->valuestring[0] ? n->valuestring : NULL;
}

/*
 * The name: the given one, and when the test has params, without its
 * "[id]" and with "/key=value" per parameter instead.
 */
static int
bench_name(struct cstat__buf *b, const char *given, const cJSON *params)
{
	size_t len = strlen(given);
	const cJSON *p;

	b->len = 0;
	if (cJSON_IsObject(params) && params->child) {
		/* The id starts at the first '[' after the file's path (an
		 * id may hold "::" itself). */
		const char *test = strstr(given, "::");
		const char *id = strchr(test ? test : given, '[');

		if (id && given[len - 1] == ']')
			len = (size_t)(id - given);
	}
	if (cstat__buf_add(b, given, len))
		return CSTAT_ENOMEM;
	if (!cJSON_IsObject(params))
		return 0;
	cJSON_ArrayForEach(p, params)
	{
		struct cstat__buf v = {0};
		const char *k = p->string ? p->string : "";
		int rc = cstat__jw_text(&v, p);

		if (!rc && (cstat__buf_addc(b, '/') ||
			    cstat__buf_add(b, k, strlen(k)) ||
			    cstat__buf_addc(b, '=') ||
			    cstat__buf_add(b, v.data ? v.data : "", v.len)))
			rc = CSTAT_ENOMEM;
		cstat__buf_release(&v);
		if (rc)
			return rc;
	}
	return 0;
}

/* Appends value, unit to vals. */
static int
push(struct cstat__rv **vals, size_t *n, size_t *cap, double value,
     const char *unit)
{
	if (cstat__grow((void **)vals, cap, *n + 1, sizeof(**vals)))
		return CSTAT_ENOMEM;
	(*vals)[(*n)++] = (struct cstat__rv){value, unit};
	return 0;
}

/* Warns about what of stats.data was not used, or is missing. */
static int
warn_data(struct cstat__rq *q, const char *given, const cJSON *stats,
	  size_t used, size_t bad, const char *bad_text)
{
	const cJSON *rounds = item(stats, "rounds");
	int rc = 0;

	if (bad)
		rc = cstat__rq_warn(q, 0,
				    "benchmark %s: %zu non-numeric %s in "
				    "stats.data (\"%.60s\"); skipped",
				    given, bad, bad == 1 ? "entry" : "entries",
				    bad_text);
	if (!rc && cJSON_IsNumber(rounds) &&
	    rounds->valuedouble != (double)used)
		rc = cstat__rq_warn(q, 0,
				    "benchmark %s: stats.data holds %zu times "
				    "of its %.0f rounds",
				    given, used, rounds->valuedouble);
	return rc;
}

static int
read_bench(struct cstat__rq *q, const cJSON *bm, size_t idx,
	   struct cstat__buf *name)
{
	const char *given = cJSON_IsObject(bm) ? given_name(bm) : NULL;

	if (!given)
		return cstat__rq_warn(q, 0,
				      "benchmarks[%zu] has no \"fullname\" "
				      "or \"name\"; skipped",
				      idx);

	const cJSON *stats = item(bm, "stats"), *v;
	struct cstat__rv *vals = NULL;
	size_t n = 0, cap = 0, bad = 0;
	const char *bad_text = "";
	int rc = bench_name(name, given, item(bm, "params"));

	cJSON_ArrayForEach(v, item(stats, "data"))
	{
		if (rc)
			break;
		if (cJSON_IsNumber(v)) {
			rc = push(&vals, &n, &cap, v->valuedouble, "sec/op");
		} else if (bad++ == 0 && cJSON_IsString(v)) {
			bad_text = v->valuestring;
		}
	}
	size_t ntimes = n;
	cJSON_ArrayForEach(v, item(bm, "extra_info"))
	{
		if (!rc && cJSON_IsNumber(v) && v->string && v->string[0])
			rc = push(&vals, &n, &cap, v->valuedouble, v->string);
	}
	if (!rc)
		rc = warn_data(q, given, stats, ntimes, bad, bad_text);
	if (!rc && ntimes)
		rc = cstat__rq_result(q, name->data, name->len, vals, n, 0);
	else if (!rc)
		rc = cstat__rq_warn(q, 0, "benchmark %s: no times; skipped",
				    given);
	free(vals);
	return rc;
}

/* Refuses a file saved without --benchmark-save-data.  @return 1 when
 * refused, 0, or CSTAT_ENOMEM. */
static int
refuse_without_data(struct cstat__rq *q, const cJSON *benchmarks)
{
	const cJSON *bm;
	const char *first = NULL;
	size_t missing = 0, all = 0;

	cJSON_ArrayForEach(bm, benchmarks)
	{
		all++;
		if (cJSON_IsObject(bm) &&
		    !cJSON_IsArray(item(item(bm, "stats"), "data")) &&
		    missing++ == 0)
			first = given_name(bm);
	}
	if (!missing)
		return 0;

	int rc = cstat__rq_fail(
		q, CSTAT_EFORMAT, 0,
		"%zu of %zu benchmarks have no stats.data (the time of each "
		"round; the first: %s), only summary statistics, which cannot "
		"be compared: run pytest again with --benchmark-save-data",
		missing, all, first ? first : "?");
	return rc ? rc : 1;
}

static int
read_doc(struct cstat__rq *q, const cJSON *root)
{
	const cJSON *benchmarks = item(root, "benchmarks");

	if (!cJSON_IsArray(benchmarks))
		return cstat__rq_fail(q, CSTAT_EFORMAT, 0,
				      "no \"benchmarks\" array: not a "
				      "pytest-benchmark JSON file");

	int rc = refuse_without_data(q, benchmarks);

	if (rc)
		return rc < 0 ? rc : 0;
	if ((rc = machine_config(q, item(root, "machine_info"))))
		return rc;
	return cstat__jw_each(q, benchmarks, read_bench);
}

static int
feed(void *state, struct cstat__rq *q, const char *data, size_t len)
{
	return cstat__jw_feed(state, q, data, len, read_doc);
}

const struct cstat__format cstat__format_pytest = {
	.name = "pytest",
	.title = "pytest-benchmark JSON",
	.json = true,
	.sniff = sniff,
	.feed = feed,
	.state_size = sizeof(struct cstat__jw_state),
	.release = cstat__jw_release,
};
