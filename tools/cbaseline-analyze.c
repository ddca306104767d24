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
 * detect -fail-on new also finds the changes of the history without its
 * newest runs, and cstat_history_alerts() says which changes are new
 * regressions; cstat_history_changes_write() writes the report in text,
 * Markdown or JSON.
 *
 * Exit codes: 0 success (whether or not changes were found); 1 detect
 * -fail-on new: a new regression; 2 a usage error, an unreadable or
 * corrupt history, or a failed write.
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

const char cbaseline_detect_about[] =
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
	"-fail-on new alerts: a change point for the worse (slower, for a\n"
	"lower-is-better unit) is new when the history without its newest -new "
	"N runs\n"
	"(default 1: detect runs after every record) shows no change for the "
	"worse of\n"
	"that series within 3 runs of it.  So a regression alerts once, on the "
	"run that\n"
	"makes it detectable (docs/cbaseline.md, \"Alerts\").\n"
	"\n"
	"Exit status: 0 (also when nothing changed); 1 with -fail-on new, a "
	"new change\n"
	"for the worse; 2 usage error or unreadable history.\n";

const char cbaseline_export_about[] =
	"Writes history NAME with its change points: html, a self-contained "
	"dashboard\n"
	"page with a chart per benchmark and unit; csv, one record per run, "
	"benchmark\n"
	"and unit; json, schema cstat-history/1 (docs/cbaseline.md).\n"
	"\n"
	"Exit status: 0; 2 usage error, unreadable history or failed "
	"write.\n";

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
analyze(const char *dir, const char *name, const char *filter, size_t since,
	double alpha, struct analysis *a)
{
	int rc;

	memset(a, 0, sizeof(*a));
	if (store_read_history(dir, name, filter, &a->t, &a->runs, &a->n))
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
		fputs("\nFlags:\n", stdout);
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

/*
 * The changes of history a that are new regressions (cstat_history_alerts()):
 * against the changes found in its first n - recent runs.  *alert is
 * malloc'd (a->nch entries).  @return 0 or 2 (reported).
 */
static int
alerts(const char *name, const struct analysis *a, size_t recent, size_t since,
       double alpha, bool **alert)
{
	struct cstat_change *och = NULL;
	size_t noch = 0;
	int rc = 0;

	*alert = calloc(a->nch + 1, sizeof(bool));
	if (!*alert)
		rc = CSTAT_ENOMEM;
	/* The changes the history showed before its newest runs; with no
	 * earlier history, every change for the worse is new. */
	if (!rc && recent < a->n)
		rc = cstat_history_changes_until(a->t, since, a->n - recent,
						 alpha, &och, &noch);
	if (!rc)
		rc = cstat_history_alerts(a->t, a->ch, a->nch, a->t, och, noch,
					  *alert);
	free(och);
	if (rc) {
		fprintf(stderr, "%s: %s: %s\n", PROG, name, cstat_strerror(rc));
		free(*alert);
		*alert = NULL;
		return 2;
	}
	return 0;
}

/* A whole number of runs from a flag.  @return 0 or 2 (reported). */
static int
whole(const char *flag, double v, double min, size_t *out)
{
	if (!(v >= min) || v != floor(v) || v > 1e15) {
		fprintf(stderr, "%s detect: -%s must be a whole number%s\n",
			PROG, flag, min > 0 ? " >= 1" : "");
		return 2;
	}
	*out = (size_t)v;
	return 0;
}

static int
cmd_detect(const char *dir, int argc, char **argv)
{
	double since = 0, alpha = 0, recent = 1;
	const char *format = NULL, *fail_on = NULL, *filter = NULL;
	const struct cli_flag flags[] = {
		{"filter", CLI_STRING, &filter, "EXPR",
		 "only the benchmarks EXPR keeps", "*, all"},
		{"since", CLI_FLOAT, &since, "N", "only the last N runs",
		 "0, all"},
		{"alpha", CLI_FLOAT, &alpha, "A",
		 "false-positive rate per series", "0.005"},
		{"format", CLI_STRING, &format, "text|markdown|json",
		 "the report's format", "text"},
		{"fail-on", CLI_STRING, &fail_on, "none|new",
		 "exit 1 on a new change for the worse", "none"},
		{"new", CLI_FLOAT, &recent, "N",
		 "with -fail-on new: the runs recorded since detect last ran",
		 "1"},
	};
	enum cstat_format fmt = CSTAT_FORMAT_TEXT;
	size_t nsince, nrecent;
	bool *alert = NULL;
	struct analysis a;
	const char *name;
	int rc = parse("detect", argc, argv, flags, 6, cbaseline_detect_about,
		       &name);

	if (rc)
		return rc == 1 ? 0 : 2;
	if (whole("since", since, 0, &nsince) ||
	    whole("new", recent, 1, &nrecent))
		return 2;
	if (store_report_format("detect", format, &fmt))
		return 2;
	bool alerting = fail_on && strcmp(fail_on, "new") == 0;
	if (fail_on && !alerting && strcmp(fail_on, "none") != 0) {
		fprintf(stderr, "%s detect: -fail-on must be none or new\n",
			PROG);
		return 2;
	}
	if (check_alpha("detect", alpha) ||
	    analyze(dir, name, filter, nsince, alpha, &a))
		return 2;
	if (alerting && alerts(name, &a, nrecent, nsince, alpha, &alert)) {
		analysis_free(&a);
		return 2;
	}
	struct cstat_detect_report rep = {name, nsince, alpha, alert};
	rc = cstat_history_changes_write(a.runs, a.n, a.t, a.ch, a.nch, &rep,
					 fmt, stdout);
	bool fail = false;
	for (size_t k = 0; alert && k < a.nch; k++)
		fail = fail || alert[k];
	free(alert);
	analysis_free(&a);
	if (rc || fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "%s: write: %s\n", PROG,
			rc && rc != CSTAT_EIO ? cstat_strerror(rc)
					      : strerror(errno));
		return 2;
	}
	return fail ? 1 : 0;
}

/* ---------------------------------------------------------------------- */
/* export */

/*
 * The repository GitHub Actions names in the environment,
 * $GITHUB_SERVER_URL/$GITHUB_REPOSITORY (malloc'd), "" when either is
 * unset or empty, NULL when out of memory.
 */
static char *
github_repo_url(void)
{
	const char *server = getenv("GITHUB_SERVER_URL");
	const char *repo = getenv("GITHUB_REPOSITORY");
	size_t n;
	char *url;

	if (!server || !*server || !repo || !*repo)
		server = repo = "";
	n = strlen(server) + strlen(repo) + 2;
	if (!(url = malloc(n)))
		return NULL;
	snprintf(url, n, "%s%s%s", server, *repo ? "/" : "", repo);
	return url;
}

static int
check_repo_url(const char *url)
{
	size_t skip = strncmp(url ? url : "", "https://", 8) == 0  ? 8
		      : strncmp(url ? url : "", "http://", 7) == 0 ? 7
								   : 0;

	if (!url)
		return 0;
	if (skip && url[skip] && !strpbrk(url, " \t\r\n\v\f"))
		return 0; /* the library refuses other control characters */
	fprintf(stderr,
		"%s export: -repo-url \"%s\" is not an http:// or https:// "
		"URL without spaces\n",
		PROG, url);
	return 1;
}

static int
cmd_export(const char *dir, int argc, char **argv)
{
	const char *format = NULL, *output = NULL, *repo = NULL, *filter = NULL;
	double alpha = 0;
	const struct cli_flag flags[] = {
		{"filter", CLI_STRING, &filter, "EXPR",
		 "only the benchmarks EXPR keeps", "*, all"},
		{"format", CLI_STRING, &format, "html|csv|json",
		 "what to write", NULL},
		{"repo-url", CLI_STRING, &repo, "URL",
		 "link the dashboard's commits to URL/commit/COMMIT",
		 "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY"},
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
	char *envrepo = NULL;
	int rc = parse("export", argc, argv, flags, 5, cbaseline_export_about,
		       &name);

	if (rc)
		return rc == 1 ? 0 : 2;
	if (!format) {
		fprintf(stderr, "%s export: need -format html, csv or json\n",
			PROG);
		return 2;
	}
	if (cstat_format_parse(format, &fmt) ||
	    (fmt != CSTAT_FORMAT_HTML && fmt != CSTAT_FORMAT_CSV &&
	     fmt != CSTAT_FORMAT_JSON)) {
		fprintf(stderr,
			"%s export: unknown format \"%s\" (want html, csv or "
			"json)\n",
			PROG, format);
		return 2;
	}
	if (!repo && !(repo = envrepo = github_repo_url())) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return 2;
	}
	if (!*repo)
		repo = NULL;
	if (check_alpha("export", alpha) || check_repo_url(repo) ||
	    analyze(dir, name, filter, 0, alpha, &a)) {
		free(envrepo);
		return 2;
	}
	if (output && !(out = fopen(output, "w"))) {
		fprintf(stderr, "%s: open %s: %s\n", PROG, output,
			strerror(errno));
		analysis_free(&a);
		free(envrepo);
		return 2;
	}
	rc = fmt == CSTAT_FORMAT_HTML
		     ? cstat_history_write_html(a.runs, a.n, a.t, a.ch, a.nch,
						repo, out)
		     : cstat_history_write(a.runs, a.n, a.t, a.ch, a.nch, fmt,
					   out);
	free(envrepo);
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
