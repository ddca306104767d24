/*
 * cbaseline-analyze.c - cbaseline's detect and export commands.
 *
 * detect prints the change points of a history: for every benchmark and
 * unit, where the level of the run medians shifted, found with the
 * library's deterministic change-point detection (lib/cpd.c).  export writes
 * the history (with its change points) as a dashboard page, CSV or JSON. Both
 * load DIR/history/NAME.jsonl, build one table column per run with
 * cstat_history_build() and ask cstat_history_changes(); the formats are
 * the library's (cstat_history_write()).
 *
 * Exit codes: 0 success (whether or not changes were found); 2 a usage
 * error, an unreadable or corrupt history, or a failed write.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cstat.h"
#include "store-util.h"
#include "tools.h"

#define PROG "cbaseline"

/* Columns of detect's report. */
#define NFIELDS 8

static const char detect_usage[] =
	"Usage: cbaseline detect [-since N] [-alpha A] NAME\n"
	"\n"
	"Prints the change points of history NAME: for every benchmark and "
	"unit, the\n"
	"runs where the level of the run medians shifted (a CUSUM of robust "
	"scores\n"
	"by binary segmentation, each split tested by permutation with a fixed "
	"seed),\n"
	"with the run's commit and time, the medians before and after, the "
	"relative\n"
	"change and its p-value.  alpha is the false-positive rate per series: "
	"with\n"
	"many benchmarks, expect about (series x alpha) false alarms.\n"
	"\n"
	"Exit status: 0 (also when nothing changed); 2 usage error or "
	"unreadable\n"
	"history.\n"
	"\n"
	"Flags:\n";

static const char export_usage[] =
	"Usage: cbaseline export -format html|csv|json [-o FILE] [-alpha A] "
	"NAME\n"
	"\n"
	"Writes history NAME with its change points: html, a self-contained "
	"dashboard\n"
	"page with a chart per benchmark and unit; csv, one record per run, "
	"benchmark\n"
	"and unit; json, schema cstat-history/1 (docs/cbaseline.md).\n"
	"\n"
	"Exit status: 0; 2 usage error, unreadable history or failed "
	"write.\n"
	"\n"
	"Flags:\n";

/* A history, its tables and its change points. */
struct analysis {
	cstat_run **runs;
	size_t n;
	cstat_tables *t;
	struct cstat_change *ch;
	size_t nch;
};

static void
analysis_free(struct analysis *a)
{
	free(a->ch);
	cstat_tables_free(a->t);
	cstat_history_free(a->runs, a->n);
}

/* Loads history name and finds its changes.  @return 0 or 2 (reported). */
static int
analyze(const char *dir, const char *name, size_t since, double alpha,
	struct analysis *a)
{
	int rc;

	memset(a, 0, sizeof(*a));
	if (store_read_history(dir, name, &a->t, &a->runs, &a->n))
		return 2;
	rc = cstat_history_changes(a->t, since, alpha, &a->ch, &a->nch);
	if (rc) {
		fprintf(stderr, "%s: %s: %s\n", PROG, name, cstat_strerror(rc));
		analysis_free(a);
		return 2;
	}
	return 0;
}

/*
 * Parses a command's flags and its one NAME.  Flags may come before NAME
 * (Go style) or after it ("export NAME -format csv", as the usage line of
 * cbaseline shows).
 * @return 0 with *name set; 1 after printing the help (exit 0); 2 after
 *         printing a usage error.
 */
static int
parse(const char *cmd, int argc, char **argv, const struct cli_flag *flags,
      size_t nflags, const char *usage, const char **name)
{
	char prog[64];
	bool help;
	int first, more;

	snprintf(prog, sizeof(prog), "%s %s", PROG, cmd);
	if (cli_parse(prog, argc, argv, flags, nflags, &first, &help))
		return 2;
	if (!help && first + 1 < argc) {
		if (cli_parse(prog, argc - first, argv + first, flags, nflags,
			      &more, &help))
			return 2;
		if (first + more != argc && !help) {
			fprintf(stderr, "%s: unexpected argument %s\n", prog,
				argv[first + more]);
			return 2;
		}
	}
	if (help) {
		fputs(usage, stdout);
		cli_print_flags(flags, nflags, stdout);
		return 1;
	}
	if (first >= argc) {
		fprintf(stderr, "%s: need a history NAME\n", prog);
		return 2;
	}
	*name = argv[first];
	return 0;
}

/* alpha in (0, 1], or 0 for the default.  @return 0 or 2 (reported). */
static int
check_alpha(const char *cmd, double alpha)
{
	if (alpha == 0 || (alpha > 0 && alpha <= 1))
		return 0;
	fprintf(stderr, "%s %s: -alpha must be in (0, 1]\n", PROG, cmd);
	return 2;
}

/* ---------------------------------------------------------------------- */
/* detect */

/* The width of UTF-8 text in columns: its code points. */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* Whether key field k has another value in some table than in the first. */
static bool
key_varies(const cstat_tables *t, size_t k)
{
	const char *n0, *v0, *n, *v;

	if (cstat_table_key(t, 0, k, &n0, &v0))
		return false;
	for (size_t i = 1; i < cstat_tables_count(t); i++)
		if (cstat_table_key(t, i, k, &n, &v) || strcmp(v, v0) != 0)
			return true;
	return false;
}

/* Field f of change c's report line into buf. */
static void
field(const struct analysis *a, const struct cstat_change *c, int f, char *buf,
      size_t size)
{
	const char *unit = cstat_table_unit(a->t, c->table);
	const char *s;
	char x[128], y[128];
	size_t len;

	switch (f) {
	case 0:
		len = (size_t)snprintf(
			buf, size, "%s",
			cstat_table_row_label(a->t, c->table, c->row));
		/* Name the configuration the tables differ in. */
		for (size_t k = 0, any = 0; len < size; k++) {
			const char *kn, *kv;
			if (cstat_table_key(a->t, c->table, k, &kn, &kv)) {
				if (any)
					snprintf(buf + len, size - len, "]");
				break;
			}
			if (!key_varies(a->t, k))
				continue;
			len += (size_t)snprintf(buf + len, size - len,
						"%s%s:%s", any++ ? " " : " [",
						kn, kv);
		}
		break;
	case 1:
		snprintf(buf, size, "%s", unit);
		break;
	case 2:
		snprintf(buf, size, "%zu", c->run);
		break;
	case 3:
		s = cstat_run_get(a->runs[c->run - 1], "commit");
		/* A hash is shown as git shortens it. */
		if (s && strlen(s) > 12 &&
		    strspn(s, "0123456789abcdef") == strlen(s))
			snprintf(buf, size, "%.12s", s);
		else
			snprintf(buf, size, "%s", s ? s : "-");
		break;
	case 4:
		s = cstat_run_get(a->runs[c->run - 1], "created");
		snprintf(buf, size, "%s", s ? s : "-");
		break;
	case 5:
		cstat_format_value(c->before, unit, x, sizeof(x));
		cstat_format_value(c->after, unit, y, sizeof(y));
		snprintf(buf, size, "%s \xe2\x86\x92 %s", x, y);
		break;
	case 6:
		if (isfinite(c->change))
			snprintf(buf, size, "%+.2f%%", c->change * 100);
		else
			snprintf(buf, size, "?");
		break;
	default:
		snprintf(buf, size, "%.2g", c->p);
	}
}

/* Adds s padded to w columns (left-aligned, or right for numbers). */
static void
pad(const char *s, size_t w, bool right, bool last)
{
	size_t n = width(s);

	if (right)
		printf("%*s", (int)(w > n ? w - n : 0), "");
	fputs(s, stdout);
	if (!right && !last)
		printf("%*s", (int)(w > n ? w - n : 0), "");
	fputs(last ? "\n" : "  ", stdout);
}

static void
report(const struct analysis *a)
{
	static const char *const head[NFIELDS] = {
		"benchmark", "unit",	"run",
		"commit",    "created", "before \xe2\x86\x92 after",
		"change",    "p"};
	static const bool right[NFIELDS] = {false, false, true, false,
					    false, false, true, true};
	size_t w[NFIELDS];
	char buf[1024];

	for (int f = 0; f < NFIELDS; f++)
		w[f] = width(head[f]);
	for (size_t k = 0; k < a->nch; k++)
		for (int f = 0; f < NFIELDS; f++) {
			field(a, &a->ch[k], f, buf, sizeof(buf));
			if (width(buf) > w[f])
				w[f] = width(buf);
		}
	for (int f = 0; f < NFIELDS; f++)
		pad(head[f], w[f], right[f], f == NFIELDS - 1);
	for (size_t k = 0; k < a->nch; k++)
		for (int f = 0; f < NFIELDS; f++) {
			field(a, &a->ch[k], f, buf, sizeof(buf));
			pad(buf, w[f], right[f], f == NFIELDS - 1);
		}
}

static int
cmd_detect(const char *dir, int argc, char **argv)
{
	double since = 0, alpha = 0;
	const struct cli_flag flags[] = {
		{"since", CLI_FLOAT, &since, "N", "only the last N runs",
		 "0, all"},
		{"alpha", CLI_FLOAT, &alpha, "A",
		 "false-positive rate per series", "0.005"},
	};
	struct analysis a;
	const char *name;
	int rc = parse("detect", argc, argv, flags, 2, detect_usage, &name);

	if (rc)
		return rc == 1 ? 0 : 2;
	if (!(since >= 0) || since != floor(since) || since > 1e15) {
		fprintf(stderr, "%s detect: -since must be a whole number\n",
			PROG);
		return 2;
	}
	if (check_alpha("detect", alpha) ||
	    analyze(dir, name, (size_t)since, alpha, &a))
		return 2;

	size_t nseries = 0, nruns = a.n;
	for (size_t i = 0; i < cstat_tables_count(a.t); i++)
		nseries += cstat_table_rows(a.t, i);
	if (since > 0 && (size_t)since < nruns)
		nruns = (size_t)since;
	const char *from = cstat_run_get(a.runs[a.n - nruns], "created");
	const char *to = cstat_run_get(a.runs[a.n - 1], "created");
	printf("history %s: runs %zu to %zu, %s to %s; alpha %g per series\n",
	       name, a.n - nruns + 1, a.n, from ? from : "?", to ? to : "?",
	       alpha > 0 ? alpha : 0.005);
	if (a.nch) {
		putchar('\n');
		report(&a);
		putchar('\n');
	}
	printf("%zu change point%s in %zu series over %zu run%s\n", a.nch,
	       a.nch == 1 ? "" : "s", nseries, nruns, nruns == 1 ? "" : "s");
	analysis_free(&a);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "%s: write: %s\n", PROG, strerror(errno));
		return 2;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* export */

static int
cmd_export(const char *dir, int argc, char **argv)
{
	const char *format = NULL, *output = NULL;
	double alpha = 0;
	const struct cli_flag flags[] = {
		{"format", CLI_STRING, &format, "html|csv|json",
		 "what to write", NULL},
		{"o", CLI_STRING, &output, "FILE", "write to FILE",
		 "standard output"},
		{"alpha", CLI_FLOAT, &alpha, "A",
		 "false-positive rate per series of the change points",
		 "0.005"},
	};
	enum cstat_format fmt;
	struct analysis a;
	const char *name;
	FILE *out = stdout;
	int rc = parse("export", argc, argv, flags, 3, export_usage, &name);

	if (rc)
		return rc == 1 ? 0 : 2;
	if (!format) {
		fprintf(stderr, "%s export: need -format html, csv or json\n",
			PROG);
		return 2;
	}
	if (strcmp(format, "html") == 0) {
		fmt = CSTAT_FORMAT_HTML;
	} else if (strcmp(format, "csv") == 0) {
		fmt = CSTAT_FORMAT_CSV;
	} else if (strcmp(format, "json") == 0) {
		fmt = CSTAT_FORMAT_JSON;
	} else {
		fprintf(stderr,
			"%s export: unknown format \"%s\" (want html, csv or "
			"json)\n",
			PROG, format);
		return 2;
	}
	if (check_alpha("export", alpha) || analyze(dir, name, 0, alpha, &a))
		return 2;
	if (output && !(out = fopen(output, "w"))) {
		fprintf(stderr, "%s: open %s: %s\n", PROG, output,
			strerror(errno));
		analysis_free(&a);
		return 2;
	}
	rc = cstat_history_write(a.runs, a.n, a.t, a.ch, a.nch, fmt, out);
	if (!rc && (fflush(out) || ferror(out)))
		rc = CSTAT_EIO;
	if (output && fclose(out) && !rc)
		rc = CSTAT_EIO;
	if (rc) {
		fprintf(stderr, "%s: write %s: %s\n", PROG,
			output ? output : "standard output",
			rc == CSTAT_EIO ? strerror(errno) : cstat_strerror(rc));
		if (output)
			remove(output);
	}
	analysis_free(&a);
	return rc ? 2 : 0;
}

int
cbaseline_analyze(const char *dir, const char *cmd, int argc, char **argv)
{
	if (strcmp(cmd, "detect") == 0)
		return cmd_detect(dir, argc, argv);
	if (strcmp(cmd, "export") == 0)
		return cmd_export(dir, argc, argv);
	fprintf(stderr, "%s: unknown command \"%s\"\n", PROG, cmd);
	return 2;
}
