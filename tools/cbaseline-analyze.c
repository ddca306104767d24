/*
 * cbaseline-analyze.c - cbaseline's detect, export and forecast commands.
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
 * forecast extrapolates each series' trend since its last change point
 * (cstat_history_forecast()) and writes it with cstat_forecast_write().
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

const char cbaseline_forecast_about[] =
	"Forecasts each series of history NAME (a benchmark and unit, as "
	"detect sees\n"
	"them): the trend of its run medians since its last change point "
	"(Theil-Sen\n"
	"slope of their logarithms, so \"% a run\", with its -level "
	"interval), the next\n"
	"run's prediction interval, and, only where the trend is significant "
	"(the\n"
	"interval excludes 0: Mann-Kendall at 1 - level), when it crosses the "
	"gate's\n"
	"threshold for that unit at the current rate, relative to the level at "
	"the\n"
	"change point: \"grows 0.41% a run (worse); crosses +5% in about 11 "
	"runs\".\n"
	"Change points that a steady drift explains (the runs either side do "
	"not differ\n"
	"once its slope is taken out) are passed over.  The threshold is the "
	"gate's:\n"
	"-config FILE and -threshold rules as cregress takes them, else 5%.  "
	"Fewer than\n"
	"-min-runs runs since the change point: no forecast.  -format html "
	"writes the\n"
	"dashboard with each trend drawn on, dashed, over the next -ahead runs "
	"with its\n"
	"prediction band (docs/analyses.md).\n"
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

/* The dashboard with the forecasts drawn on (export -forecast): the
 * defaults of cbaseline forecast, its gate threshold 5%. */
static int
export_forecast(const struct analysis *a, const char *name, double alpha,
		const char *repo, FILE *out)
{
	struct cstat_forecast_opts o = CSTAT_FORECAST_OPTS_INIT;
	struct cstat_forecast *fc = NULL;
	size_t nfc = 0;

	if (alpha > 0)
		o.alpha = alpha;
	int rc = cstat_history_forecast(a->t, a->ch, a->nch, &o, &fc, &nfc);

	if (!rc)
		rc = cstat_forecast_write(a->runs, a->n, a->t, a->ch, a->nch,
					  fc, nfc, name, repo,
					  CSTAT_FORMAT_HTML, out);
	free(fc);
	return rc;
}

static int
cmd_export(const char *dir, int argc, char **argv)
{
	const char *format = NULL, *output = NULL, *repo = NULL, *filter = NULL;
	double alpha = 0;
	bool forecast = false;
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
		{"forecast", CLI_BOOL, &forecast, NULL,
		 "html: draw each significant trend on, dashed, as "
		 "cbaseline forecast does",
		 NULL},
	};
	enum cstat_format fmt;
	struct analysis a;
	const char *name;
	FILE *out = stdout;
	char *envrepo = NULL;
	int rc = parse("export", argc, argv, flags, 6, cbaseline_export_about,
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
	if (forecast && fmt != CSTAT_FORMAT_HTML) {
		fprintf(stderr,
			"%s export: -forecast draws on the dashboard: it needs "
			"-format html (cbaseline forecast writes the others)\n",
			PROG);
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
	if (forecast)
		rc = export_forecast(&a, name, alpha, repo, out);
	else
		rc = fmt == CSTAT_FORMAT_HTML
			     ? cstat_history_write_html(a.runs, a.n, a.t, a.ch,
							a.nch, repo, out)
			     : cstat_history_write(a.runs, a.n, a.t, a.ch,
						   a.nch, fmt, out);
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

/* ---------------------------------------------------------------------- */
/* forecast */

/* The gate's thresholds from -config and -threshold.  @return 0 or 2. */
static int
forecast_gate(const char *config, const struct cli_list *thr,
	      cstat_gate_config **gc)
{
	struct cstat_diag d;
	int rc = cstat_gate_config_new(gc);

	if (!rc && config)
		rc = cstat_gate_config_load(*gc, config, &d);
	for (size_t i = 0; !rc && i < thr->n; i++)
		rc = cstat_gate_config_set(*gc, "threshold", thr->v[i], &d);
	if (!rc)
		return 0;
	if (rc == CSTAT_ENOMEM)
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(rc));
	else
		cli_print_error(PROG " forecast", rc, &d);
	return 2;
}

/* The forecast's settings from its flags.  @return 0 or 2 (reported). */
static int
forecast_opts(double level, double ahead, double min_runs,
	      struct cstat_forecast_opts *o)
{
	size_t a, m;

	if (!(level > 0 && level < 1)) {
		fprintf(stderr, "%s forecast: -level must be in (0, 1)\n",
			PROG);
		return 2;
	}
	if (!(ahead >= 1 && ahead <= 1000 && ahead == floor(ahead)) ||
	    !(min_runs >= 3 && min_runs <= 1e6 &&
	      min_runs == floor(min_runs))) {
		fprintf(stderr,
			"%s forecast: -ahead must be a whole number from 1 to "
			"1000, -min-runs one from 3\n",
			PROG);
		return 2;
	}
	a = (size_t)ahead;
	m = (size_t)min_runs;
	o->level = level;
	o->ahead = a;
	o->min_runs = m;
	if (o->max_runs < m)
		o->max_runs = m;
	return 0;
}

static int
cmd_forecast(const char *dir, int argc, char **argv)
{
	const char *format = NULL, *filter = NULL, *config = NULL;
	const char *output = NULL, *repo = NULL;
	double alpha = 0, level = 0.99, ahead = 10, min_runs = 10;
	struct cli_list thr = {0};
	const struct cli_flag flags[] = {
		{"filter", CLI_STRING, &filter, "EXPR",
		 "only the benchmarks EXPR keeps", "*, all"},
		{"format", CLI_STRING, &format, "text|markdown|json|csv|html",
		 "the report's format", "text"},
		{"alpha", CLI_FLOAT, &alpha, "A",
		 "false-positive rate per series of the change points",
		 "0.005"},
		{"level", CLI_FLOAT, &level, "L",
		 "confidence of the trend's interval", "0.99"},
		{"ahead", CLI_FLOAT, &ahead, "N", "runs predicted", "10"},
		{"min-runs", CLI_FLOAT, &min_runs, "N",
		 "fewest runs since the change point", "10"},
		{"config", CLI_STRING, &config, "FILE",
		 "the gate's config file, for its thresholds", NULL},
		{"threshold", CLI_LIST, &thr, "[SELECTOR=]PCT",
		 "a threshold rule, as cregress's (repeatable)", "5%"},
		{"o", CLI_STRING, &output, "FILE", "write to FILE",
		 "standard output"},
		{"repo-url", CLI_STRING, &repo, "URL",
		 "html: link commits to URL/commit/COMMIT", NULL},
	};
	struct cstat_forecast_opts o = CSTAT_FORECAST_OPTS_INIT;
	enum cstat_format fmt = CSTAT_FORMAT_TEXT;
	struct cstat_forecast *fc = NULL;
	cstat_gate_config *gc = NULL;
	size_t nfc = 0;
	struct analysis a;
	const char *name;
	FILE *out = stdout;
	int rc = parse("forecast", argc, argv, flags, 10,
		       cbaseline_forecast_about, &name);

	if (rc)
		return rc == 1 ? 0 : 2;
	if (format && cstat_format_parse(format, &fmt)) {
		fprintf(stderr,
			"%s forecast: unknown format \"%s\" (want text, "
			"markdown, json, csv or html)\n",
			PROG, format);
		return 2;
	}
	if (check_alpha("forecast", alpha) ||
	    forecast_opts(level, ahead, min_runs, &o) ||
	    (repo && check_repo_url(repo)))
		return 2;
	if (forecast_gate(config, &thr, &gc))
		return 2;
	o.gate = gc;
	if (analyze(dir, name, filter, 0, alpha, &a)) {
		cstat_gate_config_free(gc);
		return 2;
	}
	rc = cstat_history_forecast(a.t, a.ch, a.nch, &o, &fc, &nfc);
	if (!rc && output && !(out = fopen(output, "w")))
		rc = CSTAT_EIO;
	if (!rc)
		rc = cstat_forecast_write(a.runs, a.n, a.t, a.ch, a.nch, fc,
					  nfc, name, repo, fmt, out);
	if (!rc && (fflush(out) || ferror(out)))
		rc = CSTAT_EIO;
	if (output && out && out != stdout && fclose(out) && !rc)
		rc = CSTAT_EIO;
	if (rc) {
		fprintf(stderr, "%s forecast: %s%s%s\n", PROG,
			output ? output : name, ": ",
			rc == CSTAT_EIO ? strerror(errno) : cstat_strerror(rc));
		if (output)
			remove(output);
	}
	free(fc);
	analysis_free(&a);
	cstat_gate_config_free(gc);
	return rc ? 2 : 0;
}

int
cbaseline_analyze(const char *dir, const char *cmd, int argc, char **argv)
{
	if (strcmp(cmd, "detect") == 0)
		return cmd_detect(dir, argc, argv);
	if (strcmp(cmd, "export") == 0)
		return cmd_export(dir, argc, argv);
	if (strcmp(cmd, "forecast") == 0)
		return cmd_forecast(dir, argc, argv);
	fprintf(stderr, "%s: unknown command \"%s\"\n", PROG, cmd);
	return 2;
}
