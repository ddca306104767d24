/*
 * hyperfine.c - hyperfine's --export-json files.
 *
 * Each result is one command: its "times" (seconds, one per run) become
 * sec/op values, its "memory_usage_byte" (the peak resident set of each
 * run) max-RSS-B values.  The benchmark name is the command (or the
 * --command-name, which hyperfine writes in the same field) with white
 * space written as '_', as go test writes sub-benchmark names, so that it
 * stays one name in Go's text format and in baseline files.  Parameters
 * (--parameter-scan, --parameter-list) become sub-benchmark keys
 * "/name=value", and their values in the command are written back as
 * "{name}", so that one command template is one row whatever the values
 * (cstat -col /threads).
 */
#include <stdlib.h>
#include <string.h>

#include "json-whole.h"

/* What a run's memory is called: not B/op (bytes allocated per op). */
static const char mem_unit[] = "max-RSS-B";

static int
sniff(const char *head, size_t len, bool whole)
{
	size_t at;

	(void)whole;
	if (len == 0 || head[0] != '{' ||
	    !cstat__jw_key(head, len, 0, "results", &at))
		return 0;
	while (at < len && strchr(" \t\r\n", head[at]))
		at++;
	if (at >= len || head[at] != '[')
		return 0;
	return cstat__jw_key(head, len, at, "command", NULL) ? 90 : 0;
}

/* Whether c may be part of a word of a command (then a parameter's value
 * next to it is not the whole word). */
static bool
word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/*
 * The parameter whose value stands as a whole word at cmd[i..], or NULL;
 * *vlen gets the value's length.
 */
static const cJSON *
param_at(const char *cmd, size_t len, size_t i, const cJSON *params,
	 size_t *vlen)
{
	const cJSON *p;

	if (i > 0 && word_char(cmd[i - 1]))
		return NULL;
	cJSON_ArrayForEach(p, params)
	{
		if (!cJSON_IsString(p) || !p->string)
			continue;

		size_t n = strlen(p->valuestring);

		if (n == 0 || n > len - i ||
		    memcmp(cmd + i, p->valuestring, n) != 0 ||
		    (i + n < len && word_char(cmd[i + n])))
			continue;
		*vlen = n;
		return p;
	}
	return NULL;
}

/*
 * The benchmark name of a command: the command with each parameter's
 * value written back as {name} where it stands as a word, then
 * "/name=value" per parameter.
 */
static int
bench_name(struct cstat__buf *b, const char *cmd, const cJSON *params)
{
	size_t len = strlen(cmd), start = 0;
	const cJSON *p;

	b->len = 0;
	for (size_t i = 0; i < len && params; i++) {
		size_t vlen;

		if (!(p = param_at(cmd, len, i, params, &vlen)))
			continue;
		if (cstat__buf_add(b, cmd + start, i - start) ||
		    cstat__buf_addc(b, '{') ||
		    cstat__buf_add(b, p->string, strlen(p->string)) ||
		    cstat__buf_addc(b, '}'))
			return CSTAT_ENOMEM;
		i += vlen - 1;
		start = i + 1;
	}
	if (cstat__buf_add(b, cmd + start, len - start))
		return CSTAT_ENOMEM;
	cJSON_ArrayForEach(p, params)
	{
		struct cstat__buf v = {0};
		int rc = cstat__jw_text(&v, p);

		if (!rc &&
		    (cstat__buf_addc(b, '/') ||
		     cstat__buf_add(b, p->string ? p->string : "",
				    strlen(p->string ? p->string : "")) ||
		     cstat__buf_addc(b, '=') ||
		     cstat__buf_add(b, v.data ? v.data : "", v.len)))
			rc = CSTAT_ENOMEM;
		cstat__buf_release(&v);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Appends the numbers of array arr to *vals in unit; *bad counts what is
 * not a number.
 */
static int
add_values(struct cstat__rv **vals, size_t *n, size_t *cap, const cJSON *arr,
	   const char *unit, size_t *bad)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, arr)
	{
		if (!cJSON_IsNumber(v)) {
			(*bad)++;
			continue;
		}
		if (cstat__grow((void **)vals, cap, *n + 1, sizeof(**vals)))
			return CSTAT_ENOMEM;
		(*vals)[(*n)++] = (struct cstat__rv){v->valuedouble, unit};
	}
	return 0;
}

/* Whether the list "a, b, c" holds item. */
static bool
listed(const char *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list; (p = strstr(p, item)); p++)
		if ((p == list || p[-1] == ' ') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

/* The warning for runs that exited with a non-zero status. */
static int
warn_exit_codes(struct cstat__rq *q, const char *cmd, const cJSON *codes)
{
	char list[128] = "";
	size_t bad = 0, runs = 0, used = 0;
	const cJSON *c;

	cJSON_ArrayForEach(c, codes)
	{
		runs++;
		if (cJSON_IsNumber(c) && c->valuedouble == 0)
			continue;
		bad++;

		char one[32];

		if (cJSON_IsNumber(c))
			snprintf(one, sizeof(one), "%.0f", c->valuedouble);
		else
			snprintf(one, sizeof(one), "killed by a signal");
		/* Each code once, in the order they first came. */
		if (listed(list, one) || used + strlen(one) + 3 >= sizeof(list))
			continue;
		used += (size_t)snprintf(list + used, sizeof(list) - used,
					 "%s%s", used ? ", " : "", one);
	}
	if (!bad)
		return 0;
	return cstat__rq_warn(q, 0,
			      "command \"%s\": %zu of %zu runs failed (exit "
			      "status %s); hyperfine measured them anyway "
			      "(-i) and they are compared as the others",
			      cmd, bad, runs, list);
}

/* One result of the file. */
static int
read_result(struct cstat__rq *q, const cJSON *res, size_t idx,
	    struct cstat__buf *name)
{
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(res, "command");

	if (!cJSON_IsObject(res) || !cJSON_IsString(cmd) ||
	    !cmd->valuestring[0])
		return cstat__rq_warn(q, 0,
				      "results[%zu] has no \"command\"; "
				      "skipped",
				      idx);

	const char *c = cmd->valuestring;
	const cJSON *params =
		cJSON_GetObjectItemCaseSensitive(res, "parameters");
	struct cstat__rv *vals = NULL;
	size_t n = 0, cap = 0, bad = 0;
	int rc = bench_name(name, c, cJSON_IsObject(params) ? params : NULL);

	if (!rc)
		rc = add_values(&vals, &n, &cap,
				cJSON_GetObjectItemCaseSensitive(res, "times"),
				"sec/op", &bad);
	size_t ntimes = n;
	const cJSON *mem =
		cJSON_GetObjectItemCaseSensitive(res, "memory_usage_byte");
	if (!rc && cJSON_IsArray(mem))
		rc = add_values(&vals, &n, &cap, mem, mem_unit, &bad);
	if (!rc && bad)
		rc = cstat__rq_warn(q, 0,
				    "command \"%s\": %zu times or memory "
				    "sizes are not numbers; skipped",
				    c, bad);
	if (!rc && ntimes == 0)
		rc = cstat__rq_warn(q, 0, "command \"%s\": no times; skipped",
				    c);
	else if (!rc)
		rc = cstat__rq_result(q, name->data, name->len, vals, n, 0);
	free(vals);
	if (!rc)
		rc = warn_exit_codes(
			q, c,
			cJSON_GetObjectItemCaseSensitive(res, "exit_codes"));
	return rc;
}

/*
 * Refuses a file whose results hold only summary statistics (hyperfine
 * before "times" was exported): a mean and a deviation cannot be compared
 * as samples.  @return 1 when it was refused, 0, or CSTAT_ENOMEM.
 */
static int
refuse_without_times(struct cstat__rq *q, const cJSON *results)
{
	const cJSON *res, *first = NULL;
	size_t missing = 0, all = 0;

	cJSON_ArrayForEach(res, results)
	{
		all++;
		if (cJSON_IsObject(res) &&
		    !cJSON_IsArray(
			    cJSON_GetObjectItemCaseSensitive(res, "times")) &&
		    missing++ == 0)
			first = cJSON_GetObjectItemCaseSensitive(res,
								 "command");
	}
	if (!missing)
		return 0;

	int rc = cstat__rq_fail(
		q, CSTAT_EFORMAT, 0,
		"%zu of %zu results have no \"times\" (the time of each "
		"run), only summary statistics such as the mean, which "
		"cannot be compared (the first: command \"%s\"); export "
		"again with a hyperfine that writes \"times\"",
		missing, all, cJSON_IsString(first) ? first->valuestring : "?");
	return rc ? rc : 1;
}

static int
read_doc(struct cstat__rq *q, const cJSON *root)
{
	const cJSON *results =
		cJSON_GetObjectItemCaseSensitive(root, "results");

	if (!cJSON_IsArray(results))
		return cstat__rq_fail(q, CSTAT_EFORMAT, 0,
				      "no \"results\" array: not a hyperfine "
				      "--export-json file");

	int rc = refuse_without_times(q, results);

	if (rc)
		return rc < 0 ? rc : 0;
	return cstat__jw_each(q, results, read_result);
}

static int
feed(void *state, struct cstat__rq *q, const char *data, size_t len)
{
	return cstat__jw_feed(state, q, data, len, read_doc);
}

const struct cstat__format cstat__format_hyperfine = {
	.name = "hyperfine",
	.title = "hyperfine JSON",
	.json = true,
	.sniff = sniff,
	.feed = feed,
	.state_size = sizeof(struct cstat__jw_state),
	.release = cstat__jw_release,
};
