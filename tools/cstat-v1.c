/*
 * cstat-v1.c - cstat -v1: the pre-2023 benchstat's command line.
 *
 * Old benchstat's flags (-delta-test, -alpha, -geomean, -split, -sort,
 * -csv, -norange, -html) over libcstat's v1 collection.  Every input is a
 * path, read (streamed, parsed ahead on a second thread when there is a
 * second core) before anything is printed.  Exit codes as cstat's: 0
 * success, 1 an input could not be read, 2 a usage error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "cstat-v1.h"
#include "cstat.h"

#define PROG "cstat"

/* Flags of either cstat that take a value, so their values are skipped
 * when looking for -v1. */
static const char *const value_flags[] = {
	"alpha", "col", "confidence", "filter",	    "format", "ignore",
	"stats", "row", "table",      "delta-test", "split",  "sort",
};

/* Flags that only the old benchstat has. */
static const char *const old_only[] = {
	"delta-test", "geomean", "sort", "split", "csv", "norange", "html",
};

static bool
in_list(const char *name, size_t len, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], name, len) == 0)
			return true;
	return false;
}

static void
usage(FILE *out, const struct cli_flag *flags, size_t n)
{
	fputs("Usage: cstat -v1 [flags] old.txt [new.txt] [more.txt ...]\n"
	      "\n"
	      "cstat -v1 is the pre-2023 benchstat: for each benchmark, the "
	      "mean of its\n"
	      "values after dropping outliers (beyond 1.5 IQR) and their "
	      "largest deviation\n"
	      "from it. With two files it tests each change; with more it "
	      "only lists them.\n"
	      "See man cstat (section V1) or " CSTAT_DOCDIR "/v1.md.\n"
	      "\n"
	      "Exit status: 0 success; 1 an input could not be read; 2 a usage "
	      "error.\n"
	      "\n"
	      "Flags:\n",
	      out);
	cli_print_flags(flags, n, out);
	cli_print_version_flag(out);
}

static int
v1_main(int argc, char **argv)
{
	const char *test = "utest", *split = "pkg,goos,goarch", *sort = "none";
	double alpha = 0.05;
	bool geomean = false, html = false, csv = false, norange = false;
	bool v1 = true;
	const struct cli_flag flags[] = {
		{"alpha", CLI_FLOAT, &alpha, "α",
		 "consider change significant if p < α", "0.05"},
		{"csv", CLI_BOOL, &csv, NULL, "print results in CSV form",
		 NULL},
		{"delta-test", CLI_STRING, &test, "test",
		 "significance test to apply to delta: utest, ttest, or none",
		 "\"utest\""},
		{"geomean", CLI_BOOL, &geomean, NULL,
		 "print the geometric mean of each file", NULL},
		{"html", CLI_BOOL, &html, NULL,
		 "print results as an HTML table", NULL},
		{"norange", CLI_BOOL, &norange, NULL,
		 "suppress range columns (CSV only)", NULL},
		{"sort", CLI_STRING, &sort, "order",
		 "sort by order: [-]delta, [-]name, none", "\"none\""},
		{"split", CLI_STRING, &split, "labels",
		 "split benchmarks by labels", "\"pkg,goos,goarch\""},
		{"v1", CLI_BOOL, &v1, NULL, "behave as the pre-2023 benchstat",
		 NULL},
	};
	const size_t nflags = sizeof(flags) / sizeof(flags[0]);
	struct cstat_diag d;
	cstat_v1 *c = NULL;
	int first, rc, status = 0;
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
	int t = cstat_v1_test_parse(test);
	int s = cstat_v1_sort_parse(sort);
	if (first >= argc || t < 0 || s < 0) {
		if (t < 0)
			fprintf(stderr,
				"%s: unknown -delta-test %s: must be one of "
				"utest, ttest, none\n",
				PROG, test);
		if (s < 0)
			fprintf(stderr,
				"%s: unknown -sort %s: must be one of none, "
				"name, -name, delta, -delta\n",
				PROG, sort);
		usage(stderr, flags, nflags);
		return 2;
	}
	struct cstat_v1_opts o = {t, alpha, geomean, split, s};
	rc = cstat_v1_new(&c, &o);
	/* A second thread parses ahead when the machine has a second core. */
	if (!rc)
		rc = cstat_v1_set_threads(
			c, sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1);
	for (int i = first; i < argc && !rc; i++) {
		rc = cstat_v1_add_file(c, argv[i], &d);
		if (rc && rc != CSTAT_ENOMEM) {
			char msg[1024];
			cstat_diag_format(&d, msg, sizeof(msg));
			fprintf(stderr, "%s: %s\n", PROG, msg);
			status = 1;
			goto out;
		}
	}
	if (!rc)
		rc = cstat_v1_write(c,
				    html  ? CSTAT_V1_HTML
				    : csv ? CSTAT_V1_CSV
					  : CSTAT_V1_TEXT,
				    norange, stdout);
	if (rc) {
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(rc));
		status = 1;
	}
out:
	cstat_v1_free(c);
	if (fflush(stdout) && !status) {
		fprintf(stderr, "%s: write error\n", PROG);
		status = 1;
	}
	return status;
}

int
cstat_v1_hook(int argc, char **argv)
{
	const char *old = NULL;
	size_t oldlen = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || a[1] == '\0' || strcmp(a, "--") == 0)
			break;
		const char *name = a + 1 + (a[1] == '-');
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		if (len == 2 && memcmp(name, "v1", 2) == 0)
			return v1_main(argc, argv);
		if (!old && in_list(name, len, old_only,
				    sizeof(old_only) / sizeof(old_only[0]))) {
			old = name;
			oldlen = len;
		}
		if (!eq &&
		    in_list(name, len, value_flags,
			    sizeof(value_flags) / sizeof(value_flags[0])))
			i++;
	}
	if (old) {
		fprintf(stderr,
			"%s: flag -%.*s needs -v1 (the pre-2023 benchstat)\n",
			PROG, (int)oldlen, old);
		return 2;
	}
	return -1;
}
