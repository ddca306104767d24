/*
 * cregress - the CI gate: fail a build on a real benchmark regression, and
 * only then.
 *
 * A thin main() over libcstat: read BASE and NEW into cstat's tables (the
 * same -filter/-row/-col/-ignore/-table), judge every comparison with the
 * gate's settings (config file first, then flags), write the reports and
 * exit with the verdict.  With -aa it reads one file, splits each
 * benchmark's results into two halves and reports what the gate would say
 * comparing a run with itself.
 *
 * Benchmarks match across the machine-fingerprint keys (cpu, goos, ...),
 * with one warning saying what differs.
 *
 * Exit codes: 0 no regression; 1 a regression (with -strict, also an
 * inconclusive comparison); 2 a usage error, a bad setting, an input that
 * could not be read, or (with -strict) inputs from different machines.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "analyses.h"
#include "cli.h"
#include "tools.h"
#include "cstat.h"

#define PROG "cregress"

static void
usage(FILE *out, const struct cli_flag *flags, size_t n)
{
	fputs("Usage: cregress [flags] BASE NEW\n"
	      "       cregress -aa [flags] FILE\n"
	      "       cregress -plan CHANGE [flags] FILE [NEW]\n"
	      "\n"
	      "cregress compares benchmark results as cstat does and gives "
	      "every benchmark and\n"
	      "unit a verdict: regression, improvement, unchanged or "
	      "inconclusive.  A\n"
	      "regression is a change in the worse direction for its unit that "
	      "is significant\n"
	      "(Mann-Whitney U test at -alpha, corrected for the number of "
	      "comparisons) and\n"
	      "larger than its threshold.  Inputs are files, \"-\" or "
	      "label=file, as for cstat.\n"
	      "\n"
	      "The threshold applies to the change of the medians (the "
	      "estimate) by default,\n"
	      "so a true change of exactly the threshold is flagged about "
	      "half the time;\n"
	      "-threshold-on interval flags only changes whose whole "
	      "confidence interval\n"
	      "(the ratio new/base) is past the threshold.  -aa's "
	      "detectable change is the\n"
	      "one the gate flags in 80% of comparisons.\n"
	      "\n"
	      "Exit status:\n"
	      "  0  no regression\n"
	      "  1  at least one regression (with -strict: or an inconclusive "
	      "comparison)\n"
	      "  2  usage error, bad setting or config file, unreadable input, "
	      "nothing to\n"
	      "     compare, or (-strict) inputs from different machines\n"
	      "\n"
	      "Thresholds: -threshold 5% sets the default; -threshold "
	      "SELECTOR=PCT adds a\n"
	      "rule, SELECTOR being class:time|memory|allocs|throughput|other, "
	      "unit:UNIT,\n"
	      "bench:GLOB, or bench:GLOB joined by ',' with a class or unit.  "
	      "The most\n"
	      "specific rule wins; -explain BENCH shows which one applied.  "
	      "A GLOB matches\n"
	      "names with or without their -N suffix; a rule that matches "
	      "no benchmark is\n"
	      "named in a warning with the closest names.  -threshold "
	      "exponent=D is the rise\n"
	      "of a scaling exponent allowed with -scaling KEY (default "
	      "0.1).\n"
	      "\n"
	      "Machines: benchmarks match across the -fingerprint keys "
	      "(the CPU, OS and\n"
	      "architecture); when they differ, one warning says how, and "
	      "-strict makes it\n"
	      "an error (exit 2).\n"
	      "\n"
	      "Noise: -history FILE (a cstat history, one run per line) "
	      "estimates each\n"
	      "benchmark's run-to-run spread from its run medians; a "
	      "regression must then\n"
	      "also exceed the change a run of the same code stays within "
	      "(noise-aware\n"
	      "threshold, at -noise-alpha over all benchmarks).\n"
	      "\n"
	      "Planning: -plan 3% prints, instead of a verdict, the -count "
	      "per side at which\n"
	      "the gate (its alpha, correction, threshold rules) flags a 3% "
	      "change in each\n"
	      "unit's worse direction with 80% power (-plan-power), from "
	      "the noise of FILE\n"
	      "(or of BASE); counts over 100 are \"not reachable\".  Exit 0, "
	      "or 2 on bad input.\n"
	      "\n"
	      "Flags:\n",
	      out);
	cli_print_flags(flags, n, out);
	cli_print_version_flag(out);
	fputc('\n', out);
	cli_print_input_formats(out);
}

static void
on_syntax(void *ctx, const struct cstat_diag *d)
{
	(void)ctx;
	cli_print_diag(PROG, d);
}

static unsigned
threads(void)
{
	return sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
}

/* The report called name[0..len): any cstat_report_parse() knows but
 * calibration, which -aa picks itself.  0 or CSTAT_EINVAL. */
static int
format_of(const char *name, size_t len, enum cstat_report *f)
{
	char buf[16];

	if (len >= sizeof buf)
		return CSTAT_EINVAL;
	memcpy(buf, name, len);
	buf[len] = '\0';
	if (cstat_report_parse(buf, f) || *f == CSTAT_REPORT_CALIBRATION)
		return CSTAT_EINVAL;
	return 0;
}

/* -o [FORMAT:]FILE: an explicit format, or one from the extension.
 * 0 or CSTAT_EINVAL. */
static int
parse_output(const char *arg, const char **path, enum cstat_report *f)
{
	const char *colon = strchr(arg, ':');

	if (colon && !format_of(arg, (size_t)(colon - arg), f)) {
		*path = colon + 1;
		return **path ? 0 : CSTAT_EINVAL;
	}
	*path = arg;
	const char *dot = strrchr(arg, '.');
	if (!dot)
		return CSTAT_EINVAL;
	dot++;
	if (strcmp(dot, "md") == 0 || strcmp(dot, "markdown") == 0)
		*f = CSTAT_REPORT_MARKDOWN;
	else if (strcmp(dot, "json") == 0)
		*f = CSTAT_REPORT_JSON;
	else if (strcmp(dot, "xml") == 0)
		*f = CSTAT_REPORT_JUNIT;
	else if (strcmp(dot, "txt") == 0 || strcmp(dot, "log") == 0)
		*f = CSTAT_REPORT_TEXT;
	else
		return CSTAT_EINVAL;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* -aa: each benchmark's results alternate between halves A and B. */

struct seen {
	uint64_t *keys; /* hash of name and configuration; 0 is empty */
	uint32_t *count;
	size_t cap, n;
};

static uint64_t
fnv(const char *s, size_t len, uint64_t h)
{
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211u;
	}
	return h;
}

/* The number of earlier results with res's name and configuration. */
static int
seen_count(struct seen *s, const struct cstat_result *res, uint32_t *out)
{
	uint64_t h = fnv(res->name, res->name_len, 14695981039346656037u);

	h = fnv("\n", 1, h);
	if (res->config_text)
		h = fnv(res->config_text, res->config_text_len, h);
	h |= 1;
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		uint64_t *keys = calloc(cap, sizeof(*keys));
		uint32_t *count = calloc(cap, sizeof(*count));
		if (!keys || !count) {
			free(keys);
			free(count);
			return -1;
		}
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->keys[i])
				continue;
			size_t j = s->keys[i] & (cap - 1);
			while (keys[j])
				j = (j + 1) & (cap - 1);
			keys[j] = s->keys[i];
			count[j] = s->count[i];
		}
		free(s->keys);
		free(s->count);
		s->keys = keys;
		s->count = count;
		s->cap = cap;
	}
	size_t j = h & (s->cap - 1);
	while (s->keys[j] && s->keys[j] != h)
		j = (j + 1) & (s->cap - 1);
	if (!s->keys[j]) {
		s->keys[j] = h;
		s->n++;
	}
	*out = s->count[j]++;
	return 0;
}

static int
read_split(cstat_builder *b, cstat_reader *r, const struct cstat_input *in)
{
	struct cstat_diag d;
	struct seen s = {0};
	const struct cstat_result *res;
	int rc = cstat_reader_open_input(r, in, &d);

	if (rc) {
		cli_print_diag(PROG, &d);
		return 2;
	}
	while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
		if (rc == CSTAT_ESYNTAX) {
			cli_print_diag(PROG, &d);
			continue;
		}
		if (rc < 0) {
			cli_print_error(PROG, rc, &d);
			break;
		}
		struct cstat_result half = *res;
		uint32_t k;
		if (seen_count(&s, res, &k)) {
			rc = CSTAT_ENOMEM;
			fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(rc));
			break;
		}
		half.file = k % 2 ? "B" : "A";
		rc = cstat_builder_add(b, &half);
		if (rc) {
			fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(rc));
			break;
		}
	}
	free(s.keys);
	free(s.count);
	return rc ? 2 : 0;
}

/* ---------------------------------------------------------------------- */
/* -history: the run-to-run noise of each benchmark. */

/* Prints a warning: about the history, or a rule that matches nothing. */
static void
on_history_warning(void *ctx, const struct cstat_diag *d)
{
	char msg[1024];

	(void)ctx;
	cstat_diag_format(d, msg, sizeof(msg));
	fprintf(stderr, "%s: warning: %s\n", PROG, msg);
}

/*
 * Reads the history at path into tables grouped as the comparison's are
 * (its columns are its runs) and hands their spreads to the settings.
 * @return 0 or 2 (reported).
 */
static int
use_history(cstat_gate_config *gc, const char *path,
	    const struct cstat_builder_opts *bopts)
{
	struct cstat_builder_opts hopts = *bopts;
	struct cstat_diag d;
	cstat_run **runs = NULL;
	cstat_tables *t = NULL;
	size_t n = 0;
	bool cut = false;
	int rc;

	memset(&d, 0, sizeof(d));
	hopts.col = ".file";
	/* Its last runs only, streamed one record at a time: the noise
	 * estimate looks no further back (CSTAT_GATE_HISTORY_RUNS), and a
	 * history of 10,000 runs took seconds to read whole. */
	rc = cstat_history_read_tail(path, CSTAT_GATE_HISTORY_RUNS, &hopts,
				     0.95, &t, &runs, &n, &cut,
				     on_history_warning, NULL, &d);
	if (!rc && n == 0) {
		fprintf(stderr, "%s: -history %s: no runs in it\n", PROG, path);
		cstat_tables_free(t);
		cstat_history_free(runs, n);
		return 2;
	}
	if (!rc)
		rc = cstat_gate_config_set_history(gc, t, path);
	if (!rc)
		rc = cstat_gate_config_set_history_cut(gc, cut);
	if (rc)
		cli_print_error(PROG, rc, &d);
	cstat_tables_free(t);
	cstat_history_free(runs, n);
	return rc ? 2 : 0;
}

/* ---------------------------------------------------------------------- */

static int
apply(cstat_gate_config *c, const char *key, const char *value)
{
	struct cstat_diag d;
	int rc = cstat_gate_config_set(c, key, value, &d);

	if (rc == CSTAT_ENOMEM)
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(rc));
	else if (rc)
		fprintf(stderr, "%s: -%s: %s\n", PROG,
			strcmp(key, "ignore") == 0	   ? "skip"
			: strcmp(key, "threshold_on") == 0 ? "threshold-on"
							   : key,
			d.message);
	return rc ? 2 : 0;
}

/* ---------------------------------------------------------------------- */
/* -plan: the runs needed, instead of a verdict. */

/* The settings of -plan, -plan-power and -plan-count; 0 or 2 (said). */
static int
plan_opts(const char *change, const char *power, const char *count,
	  struct cstat_plan_opts *o)
{
	double pw = 0;
	char *end;

	memset(o, 0, sizeof(*o));
	if (cstat_plan_change_parse(change, &o->change)) {
		fprintf(stderr,
			"%s: -plan %s: want a change above 0 such as 3%%\n",
			PROG, change);
		return 2;
	}
	if (power && (cstat_plan_change_parse(power, &pw) || pw >= 1)) {
		fprintf(stderr,
			"%s: -plan-power %s: want a percentage between 0%% "
			"and 100%% such as 80%%\n",
			PROG, power);
		return 2;
	}
	o->power = pw;
	if (count) {
		errno = 0;
		unsigned long v = strtoul(count, &end, 10);
		if (errno || end == count || *end || v == 0 || v > 1000 ||
		    count[0] == '-') {
			fprintf(stderr,
				"%s: -plan-count %s: want a count from 1 to "
				"1000\n",
				PROG, count);
			return 2;
		}
		o->at_count = v;
	}
	return 0;
}

/*
 * Ends a report written to f (opened on path, or standard output when
 * path is NULL) by a writer that returned rc (< 0 an error, else done):
 * flushes f, closes it when it is a file, and says what failed.  Every
 * output of the tool ends here, so each failure reads the same.
 * @return 0, or 2 (the exit status) when a write failed.
 */
static int
finish_output(FILE *f, const char *path, int rc)
{
	rc = rc < 0 ? rc : 0;
	if (!rc && fflush(f))
		rc = CSTAT_EIO;
	rc = cli_write_error(rc);
	if (path && fclose(f) && !rc)
		rc = cli_write_error(CSTAT_EIO);
	if (rc) {
		fprintf(stderr, "%s: write %s: %s\n", PROG,
			path ? path : "standard output", cstat_strerror(rc));
		return 2;
	}
	return 0;
}

/* path opened for writing, or standard output when NULL; NULL (said)
 * when it cannot be opened. */
static FILE *
open_output(const char *path)
{
	FILE *f = path ? fopen(path, "w") : stdout;

	if (!f && path)
		fprintf(stderr, "%s: open %s: %s\n", PROG, path,
			strerror(errno));
	return f;
}

/* Writes the plan to path (NULL: standard output); 0 or 2 (said). */
static int
write_plan(const cstat_plan *p, enum cstat_report fmt, const char *path)
{
	FILE *f = open_output(path);

	return f ? finish_output(f, path, cstat_plan_write(p, fmt, f)) : 2;
}

/* Plans from tables' first column and writes every report asked for. */
static int
plan_main(const cstat_tables *t, const cstat_gate_config *gc,
	  const struct cstat_plan_opts *o, enum cstat_report fmt,
	  const enum cstat_report *out_fmt, const char *const *out_path,
	  size_t nout)
{
	cstat_plan *p = NULL;
	int rc = cstat_plan_new(&p, t, gc, o), status = 2;

	if (rc) {
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(rc));
		return 2;
	}
	if (cstat_plan_count(p) == 0) {
		fprintf(stderr, "%s: -plan: no benchmark to plan\n", PROG);
		goto out;
	}
	if (write_plan(p, fmt, NULL))
		goto out;
	for (size_t i = 0; i < nout; i++)
		if (write_plan(p, out_fmt[i], out_path[i]))
			goto out;
	status = 0;
out:
	cstat_plan_free(p);
	return status;
}

/* Whether fmt is a report a plan has; says so when not. */
static bool
plan_format_ok(enum cstat_report fmt)
{
	if (fmt == CSTAT_REPORT_TEXT || fmt == CSTAT_REPORT_MARKDOWN ||
	    fmt == CSTAT_REPORT_JSON)
		return true;
	fprintf(stderr,
		"%s: -plan writes text, markdown or json: a plan is no "
		"verdict for junit or github\n",
		PROG);
	return false;
}

/* Writes the gate's report to path (NULL: standard output); 0 or 2. */
static int
write_report(const cstat_gate *g, enum cstat_report fmt, bool strict,
	     const char *path)
{
	FILE *f = open_output(path);

	return f ? finish_output(f, path, cstat_gate_write(g, fmt, strict, f))
		 : 2;
}

int
cregress_tool_main(int argc, char **argv)
{
	const char *table = ".config", *row = ".fullname", *col = ".file";
	const char *ignore = "", *filter = "*", *format = "text";
	const char *alpha = NULL, *confidence = NULL, *correction = NULL;
	const char *threshold_on = NULL;
	const char *config = NULL, *explain = NULL, *history = NULL;
	const char *noise_alpha = NULL, *input_format = "";
	const char *fingerprint = NULL, *scaling = NULL;
	const char *plan = NULL, *plan_power = NULL, *plan_count = NULL;
	bool no_diagnose = false;
	struct cli_list thresholds = {0}, skips = {0}, betters = {0},
			outputs = {0};
	bool strict = false, aa = false;
	const struct cli_flag flags[] = {
		{"aa", CLI_BOOL, &aa, NULL,
		 "calibrate: split each benchmark's results of one FILE into "
		 "two halves\n    \tand report false alarms and the change "
		 "detected with 80% power",
		 NULL},
		{"alpha", CLI_STRING, &alpha, "α",
		 "significance level, before the correction", "0.05"},
		{"better", CLI_LIST, &betters, "UNIT=higher|lower",
		 "the direction of a unit (repeatable)", NULL},
		{"col", CLI_STRING, &col, "projection",
		 "split results into columns by distinct values of projection",
		 "\".file\""},
		{"confidence", CLI_STRING, &confidence, "level",
		 "confidence level of the change's interval", "0.95"},
		{"config", CLI_STRING, &config, "file",
		 "read settings from a JSON file; flags override it", NULL},
		{"correction", CLI_STRING, &correction, "holm|bh|none",
		 "correction for testing many comparisons", "holm"},
		{"explain", CLI_STRING, &explain, "BENCH",
		 "explain the verdicts of benchmarks matching the glob BENCH "
		 "instead of\n    \tthe report (same exit status)",
		 NULL},
		{"fingerprint", CLI_STRING, &fingerprint, "keys",
		 "compare across these machine keys, with a warning when "
		 "they differ\n    \t(-strict: an error); \"\" for none",
		 "\"" CSTAT_DEFAULT_FINGERPRINT "\""},
		{"filter", CLI_STRING, &filter, "query",
		 "use only benchmarks matching benchfilter query", "\"*\""},
		{"format", CLI_STRING, &format,
		 "text|markdown|json|junit|github",
		 "the report on standard output", "text"},
		{"history", CLI_STRING, &history, "file",
		 "a cstat history (.jsonl): also require a regression to "
		 "exceed each\n    \tbenchmark's run-to-run noise in it "
		 "(the noise-aware threshold)",
		 NULL},
		{"ignore", CLI_STRING, &ignore, "keys",
		 "ignore variations in keys (as cstat)", NULL},
		{"input-format", CLI_STRING, &input_format, "name",
		 "read inputs in this format instead of choosing by content "
		 "(see below)",
		 NULL},
		{"no-diagnose", CLI_BOOL, &no_diagnose, NULL,
		 "leave the data-quality warnings (strong findings in each "
		 "benchmark's\n    \tvalues in run order) out of the reports",
		 NULL},
		{"noise-alpha", CLI_STRING, &noise_alpha, "α",
		 "with -history: the chance that a run of the same code "
		 "exceeds some\n    \tbenchmark's noise-aware threshold",
		 "0.005"},
		{"o", CLI_LIST, &outputs, "[FORMAT:]FILE",
		 "also write a report to FILE, in FORMAT or the one its "
		 "extension says\n    \t(.txt .md .json .xml); repeatable",
		 NULL},
		{"plan", CLI_STRING, &plan, "CHANGE",
		 "print the -count per side that detects CHANGE (3%) with "
		 "80% power\n    \tfrom FILE's (or BASE's) noise, instead of "
		 "the verdict",
		 NULL},
		{"plan-count", CLI_STRING, &plan_count, "N",
		 "with -plan: the count per side the suite's expected share "
		 "detected is\n    \tfor, instead of each benchmark's count "
		 "in the input",
		 NULL},
		{"plan-power", CLI_STRING, &plan_power, "PCT",
		 "with -plan: the power to plan for", "80%"},
		{"row", CLI_STRING, &row, "projection",
		 "split results into rows by distinct values of projection",
		 "\".fullname\""},
		{"scaling", CLI_STRING, &scaling, "key",
		 "also gate on how cost grows with the sub-benchmark key (/n): "
		 "a scaling\n    \texponent that rose by more than "
		 "-threshold exponent=D (0.1) regresses",
		 NULL},
		{"skip", CLI_LIST, &skips, "GLOB",
		 "leave benchmarks matching GLOB out of the gate (repeatable)",
		 NULL},
		{"strict", CLI_BOOL, &strict, NULL,
		 "exit 1 when a comparison is inconclusive, too", NULL},
		{"table", CLI_STRING, &table, "projection",
		 "split results into tables by distinct values of projection",
		 "\".config\""},
		{"threshold", CLI_LIST, &thresholds, "[SELECTOR=]PCT",
		 "the default threshold, or a rule (repeatable)", "5%"},
		{"threshold-on", CLI_STRING, &threshold_on, "estimate|interval",
		 "what must pass the threshold: the change, or its whole "
		 "confidence\n    \tinterval",
		 "estimate"},
	};
	const size_t nflags = sizeof(flags) / sizeof(flags[0]);
	if (argc == CLI_QUERY_FLAG) /* cbaseline asks (cli.h) */
		return cli_flag_arity(flags, nflags, argv[0]);
	struct cstat_diag d;
	cstat_gate_config *gc = NULL;
	cstat_inputs *inputs = NULL;
	cstat_reader *reader = NULL;
	cstat_builder *builder = NULL;
	cstat_tables *tables = NULL;
	cstat_gate *gate = NULL;
	struct analyses an = {0};
	char *ignored = NULL, *hist_ignored = NULL, *fp = NULL;
	bool reread = false;
	const char *out_path[CLI_LIST_MAX];
	enum cstat_report out_fmt[CLI_LIST_MAX], fmt;
	int first, rc, status = 2;
	bool help;

	gsl_set_error_handler_off();
	if (cli_version(PROG, argc, argv, flags, nflags))
		return cli_finish_stdout(PROG, 0);
	if (cli_parse(PROG, argc, argv, flags, nflags, &first, &help)) {
		usage(stderr, flags, nflags);
		return 2;
	}
	if (help) {
		usage(stdout, flags, nflags);
		return 0;
	}
	int ninputs = argc - first;
	struct cstat_plan_opts popts;
	if (plan && (aa || explain || history)) {
		fprintf(stderr,
			"%s: -plan takes no -aa, -explain or -history\n", PROG);
		return 2;
	}
	if (plan && (plan_opts(plan, plan_power, plan_count, &popts) ||
		     ninputs < 1 || ninputs > 2)) {
		if (ninputs < 1 || ninputs > 2)
			fprintf(stderr, "%s: -plan takes FILE or BASE NEW\n",
				PROG);
		return 2;
	}
	if (!plan && (plan_power || plan_count)) {
		fprintf(stderr, "%s: -plan-power and -plan-count need -plan\n",
			PROG);
		return 2;
	}
	if (!plan && (aa ? ninputs != 1 : ninputs < 2)) {
		fprintf(stderr,
			aa ? "%s: -aa takes one input file\n"
			   : "%s: need a BASE and a NEW input\n",
			PROG);
		usage(stderr, flags, nflags);
		return 2;
	}
	if (format_of(format, strlen(format), &fmt)) {
		fprintf(stderr,
			"%s: -format must be one of text, markdown (md), "
			"json, junit, github\n",
			PROG);
		return 2;
	}
	if (plan && !plan_format_ok(fmt))
		return 2;
	for (size_t i = 0; i < outputs.n; i++) {
		if (parse_output(outputs.v[i], &out_path[i], &out_fmt[i]) ||
		    (plan && !plan_format_ok(out_fmt[i]))) {
			if (plan)
				return 2;
			fprintf(stderr,
				"%s: -o %s: say the format as FORMAT:FILE, "
				"FORMAT one of text, markdown (md), json, "
				"junit, github, or use a .txt, .log, .md, "
				".markdown, .json or .xml file\n",
				PROG, outputs.v[i]);
			return 2;
		}
	}
	if (cstat_gate_config_new(&gc)) {
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(CSTAT_ENOMEM));
		return 2;
	}
	size_t max_input;
	if (cli_reader_limits(PROG, NULL, &max_input))
		goto out;
	cstat_gate_config_set_max_size(gc, max_input);
	if (config) {
		rc = cstat_gate_config_load(gc, config, &d);
		if (rc) {
			cli_print_error(PROG, rc, &d);
			goto out;
		}
	}
	if ((alpha && apply(gc, "alpha", alpha)) ||
	    (confidence && apply(gc, "confidence", confidence)) ||
	    (correction && apply(gc, "correction", correction)) ||
	    (threshold_on && apply(gc, "threshold_on", threshold_on)) ||
	    (noise_alpha && apply(gc, "noise-alpha", noise_alpha)) ||
	    (fingerprint && apply(gc, "fingerprint", fingerprint)))
		goto out;
	for (size_t i = 0; i < thresholds.n; i++)
		if (apply(gc, "threshold", thresholds.v[i]))
			goto out;
	for (size_t i = 0; i < skips.n; i++)
		if (apply(gc, "ignore", skips.v[i]))
			goto out;
	for (size_t i = 0; i < betters.n; i++)
		if (apply(gc, "better", betters.v[i]))
			goto out;

	/* The fingerprint keys split no table; what differs is said. */
	fp = strdup(cstat_gate_config_fingerprint(gc));
	if (!fp) {
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(CSTAT_ENOMEM));
		goto out;
	}
again:;
	char *keys = cli_fingerprint_keys(fp, table, row, col, ignore);
	ignored = keys ? cli_ignore_keys(ignore, keys, false) : NULL;
	/* A history's runs from several machines make one series each. */
	hist_ignored = keys ? cli_ignore_keys(ignore, keys, true) : NULL;
	if (!ignored || !hist_ignored) {
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(CSTAT_ENOMEM));
		free(keys);
		goto out;
	}
	struct cstat_builder_opts bopts = {table, row, col, ignored, filter};
	rc = cstat_builder_new(&builder, &bopts, &d);
	if (!rc)
		rc = cstat_builder_watch(builder, keys);
	free(keys);
	if (rc) {
		cli_print_error(PROG, rc, &d);
		goto out;
	}
	struct cstat_builder_opts hopts = bopts;
	hopts.ignore = hist_ignored;
	if (history && !reread && use_history(gc, history, &hopts))
		goto out;
	rc = cstat_inputs_new(&inputs, (const char *const *)argv + first,
			      (size_t)ninputs);
	if (!rc)
		rc = cstat_reader_new(&reader);
	if (rc) {
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(rc));
		goto out;
	}
	if (cli_input_format(PROG, inputs, input_format) ||
	    cli_reader_limits(PROG, reader, NULL))
		goto out;
	if (aa) {
		if (read_split(builder, reader, cstat_inputs_get(inputs, 0)))
			goto out;
	} else {
		/* The diagnostics come from the builder; -scaling reads the
		 * inputs again, alongside. */
		if (analyses_start(PROG, gc, inputs, scaling, !no_diagnose,
				   &an))
			goto out;
		if (analyses_builder(PROG, builder, &an))
			goto out;
		rc = cstat_builder_read(builder, reader, inputs, threads(),
					on_syntax, NULL, &d);
		if (rc) {
			cli_print_error(PROG, rc, &d);
			goto out;
		}
	}
	/* A key with two values within one input (one file with two
	 * machines' results) keeps splitting tables, as cstat's: merging it
	 * would pool both machines' values in one cell.  Read again. */
	if (!reread) {
		char *less;
		int m = cli_split_mixed(PROG, builder, inputs, fp, &less);
		if (m == 2)
			goto out;
		if (m == 1) {
			free(fp);
			fp = less;
			free(ignored);
			free(hist_ignored);
			ignored = hist_ignored = NULL;
			analyses_free(&an);
			cstat_builder_free(builder);
			cstat_reader_free(reader);
			cstat_inputs_free(inputs);
			builder = NULL;
			reader = NULL;
			inputs = NULL;
			reread = true;
			goto again;
		}
	}
	if (cli_machine_warning(PROG, builder, strict))
		goto out;
	/* The tables' own significance marks are not used: the gate tests
	 * with its own alpha after the correction. */
	struct cstat_stats_opts sopts = {0.05, 0.95, reader, threads()};
	rc = cstat_builder_build(builder, &sopts, &tables);
	/* The tables own copies of everything: free the builder's memory
	 * before the gate needs its own (as cstat does before rendering). */
	cstat_builder_free(builder);
	builder = NULL;
	if (!rc && plan) {
		status = plan_main(tables, gc, &popts, fmt, out_fmt, out_path,
				   outputs.n);
		goto out;
	}
	if (!rc)
		rc = cstat_gate_new_threaded(&gate, tables, gc, reader, aa,
					     threads());
	if (rc) {
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(rc));
		goto out;
	}
	if (cstat_gate_count(gate) == 0) {
		fprintf(stderr,
			"%s: nothing to compare: no benchmark has results in "
			"two columns%s\n",
			PROG,
			cstat_gate_ignored(gate) ? " that -skip leaves" : "");
		goto out;
	}
	if (!aa && analyses_gate(PROG, gate, &an))
		goto out;
	if (cstat_gate_check_rules(gate, on_history_warning, NULL) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(CSTAT_ENOMEM));
		goto out;
	}
	if (explain) {
		rc = cstat_gate_explain(gate, explain, stdout);
		if (rc == 0) {
			char near[256];
			int n = cstat_gate_closest(gate, explain, 3, near,
						   sizeof(near));
			fprintf(stderr,
				"%s: -explain: no benchmark matches %s%s%s\n",
				PROG, explain, n > 0 ? "; closest: " : "",
				n > 0 ? near : "");
			goto out;
		}
		if (finish_output(stdout, NULL, rc))
			goto out;
	} else if (write_report(gate,
				aa && fmt == CSTAT_REPORT_TEXT
					? CSTAT_REPORT_CALIBRATION
					: fmt,
				strict, NULL)) {
		goto out;
	}
	for (size_t i = 0; i < outputs.n; i++)
		if (write_report(gate, out_fmt[i], strict, out_path[i]))
			goto out;
	status = aa ? 0 : cstat_gate_status(gate, strict);
out:
	free(fp);
	free(ignored);
	free(hist_ignored);
	cstat_gate_free(gate);
	analyses_free(&an);
	cstat_tables_free(tables);
	cstat_builder_free(builder);
	cstat_reader_free(reader);
	cstat_inputs_free(inputs);
	cstat_gate_config_free(gc);
	return status;
}
