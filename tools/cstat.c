/*
 * cstat - compare benchmark results, a drop-in for Go's benchstat.
 *
 * A thin main() over libcstat: parse benchstat's flags, read every input
 * into one builder (syntax errors are reported as they are met and the line
 * skipped), build the tables and print them.  Nothing reaches stdout unless
 * every input was read.
 *
 * Exit codes: 0 success; 1 an input could not be read; 2 a usage error or a
 * bad flag value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "analyses.h"
#include "cstat-correlate.h"
#include "cstat-scaling.h"
#include "cstat-v1.h"
#include "tools.h"
#include "cstat.h"

#define PROG "cstat"

static void
usage(FILE *out, const struct cli_flag *flags, size_t n)
{
	fputs("Usage: cstat [flags] inputs...\n"
	      "\n"
	      "cstat computes statistical summaries and A/B comparisons of "
	      "Go benchmarks,\n"
	      "exactly as Go's benchstat does. It shows benchmark medians in "
	      "a table with a\n"
	      "row for each benchmark and a column for each input file. If "
	      "there is more\n"
	      "than one input file, it also shows A/B comparisons between the "
	      "files. If a\n"
	      "difference is likely to be noise, it shows \"~\".\n"
	      "\n"
	      "An input is a file, \"-\" for standard input, or label=file to "
	      "name its column.\n"
	      "cstat -v1 is the pre-2023 benchstat, with its own flags "
	      "(cstat -v1 -h;\n"
	      "man cstat, section V1).\n"
	      "\n"
	      "Exit status: 0 success; 1 an input could not be read; 2 a usage "
	      "error or a\n"
	      "bad flag value.\n"
	      "\n"
	      "Flags:\n",
	      out);
	cli_print_flags(flags, n, out);
	fputs("  -v1\n    \tbehave as the pre-2023 benchstat (its flags: "
	      "cstat -v1 -h)\n",
	      out);
	cli_print_version_flag(out);
	fputc('\n', out);
	cli_print_input_formats(out);
}

static void
print_diag(const struct cstat_diag *d, bool prefix)
{
	char msg[1024];

	cstat_diag_format(d, msg, sizeof(msg));
	fprintf(stderr, "%s%s\n", prefix ? PROG ": " : "", msg);
}

/* Malformed lines are reported as they are met and skipped. */
static void
on_syntax(void *ctx, const struct cstat_diag *d)
{
	(void)ctx;
	print_diag(d, false);
}

/* Two threads (parse ahead, add) when the machine has a second core. */
static unsigned
read_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 1 ? 2 : 1;
}

/* Whether the -fingerprint list is malformed (said). */
static bool
bad_fingerprint(const char *keys)
{
	cstat_gate_config *gc = NULL;
	struct cstat_diag d;
	int rc = cstat_gate_config_new(&gc);

	if (!rc)
		rc = cstat_gate_config_set(gc, "fingerprint", keys, &d);
	cstat_gate_config_free(gc);
	if (rc)
		fprintf(stderr, "%s: -fingerprint: %s\n", PROG,
			rc == CSTAT_EINVAL ? d.message : cstat_strerror(rc));
	return rc != 0;
}

/*
 * -diagnose: reads the inputs again, each cell's values in the order read
 * (the built tables keep them sorted), and writes the full data-quality
 * report instead of the tables.  Malformed lines were reported by the
 * first reading.
 */
static int
diagnose_inputs(const cstat_inputs *inputs, double alpha, enum cstat_format fmt)
{
	struct cstat_diagnose_opts o = {alpha > 0 && alpha < 1 ? alpha : 0, 0,
					0};
	cstat_diagnose *dg = NULL;
	cstat_reader *r = NULL;
	const struct cstat_result *res;
	struct cstat_diag d;
	int rc = cstat_diagnose_new(&o, &dg);

	if (!rc)
		rc = cstat_reader_new(&r);
	for (size_t i = 0; !rc && i < cstat_inputs_count(inputs); i++) {
		rc = cstat_reader_open_input(r, cstat_inputs_get(inputs, i),
					     &d);
		int k;
		while (!rc && (k = cstat_reader_next(r, &res, &d)) != 0)
			if (k == 1)
				rc = cstat_diagnose_add(dg, res);
			else if (k != CSTAT_ESYNTAX)
				rc = k;
	}
	if (!rc)
		rc = cstat_diagnose_run(dg);
	if (!rc)
		rc = cstat_diagnose_write(dg, fmt, true, stdout);
	cstat_reader_free(r);
	cstat_diagnose_free(dg);
	return rc;
}

/*
 * The HTML page's data-quality warnings: the builder checks each cell's
 * values in run order as it builds, keeping only the strong findings
 * (cstat_builder_diagnose_strong()), which are shown under the summary.
 */
static int
html_warnings(cstat_builder *b, double alpha, cstat_diagnose **dg)
{
	struct cstat_diagnose_opts o = {alpha > 0 && alpha < 1 ? alpha : 0, 0,
					0};
	int rc = cstat_diagnose_new(&o, dg);

	return rc ? rc : cstat_builder_diagnose_strong(b, *dg);
}

int
cstat_tool_main(int argc, char **argv)
{
	return cstat_tool_compare(argc, argv, NULL, false);
}

int
cstat_tool_compare(int argc, char **argv, const char *fingerprint, bool strict)
{
	const char *table = ".config", *row = ".fullname", *col = ".file";
	const char *ignore = "", *filter = "*", *format = "text";
	const char *stats = "", *input_format = "", *scaling = "";
	double alpha = 0.05, confidence = 0.95;
	bool samples = false, diagnose = false, no_diagnose = false;
	bool correlate = false;
	const struct cli_flag flags[] = {
		{"alpha", CLI_FLOAT, &alpha, "α",
		 "consider change significant if p <= α", "0.05"},
		{"col", CLI_STRING, &col, "projection",
		 "split results into columns by distinct values of projection",
		 "\".file\""},
		{"confidence", CLI_FLOAT, &confidence, "level",
		 "confidence level for ranges", "0.95"},
		{"correlate", CLI_BOOL, &correlate, NULL,
		 "print how the units' changes move together across "
		 "benchmarks, and within\n    \teach benchmark's runs "
		 "(Spearman's rho; docs/analyses.md)",
		 NULL},
		{"diagnose", CLI_BOOL, &diagnose, NULL,
		 "print the data-quality report (trend, modes, outliers, "
		 "noise, count)\n    \tinstead of the tables, in any -format",
		 NULL},
		{"filter", CLI_STRING, &filter, "query",
		 "use only benchmarks matching benchfilter query", "\"*\""},
		{"format", CLI_STRING, &format, "format",
		 "print results in format:\n      text - plain text\n      csv "
		 " - comma-separated values (warnings will be written to "
		 "stderr)\n      html - a self-contained page with plots\n   "
		 "   markdown - GitHub-flavoured tables\n      json - "
		 "every number, schema cstat/1\n     ",
		 "\"text\""},
		{"ignore", CLI_STRING, &ignore, "keys",
		 "ignore variations in keys", NULL},
		{"no-diagnose", CLI_BOOL, &no_diagnose, NULL,
		 "leave the data-quality warnings out of the HTML page", NULL},
		{"input-format", CLI_STRING, &input_format, "name",
		 "read inputs in this format instead of choosing by content "
		 "(see below)",
		 NULL},
		{"samples", CLI_BOOL, &samples, NULL,
		 "with -format json, list every value", NULL},
		{"scaling", CLI_STRING, &scaling, "key",
		 "fit cost as key^k per benchmark family, key a numeric "
		 "sub-benchmark key\n    \t(/n, /size): exponent, interval, "
		 "class (docs/analyses.md)",
		 NULL},
		{"stats", CLI_STRING, &stats, "list",
		 "add summary columns: mean, stddev, min, max, cv, n, pNN "
		 "(p90, p99.9)",
		 NULL},
		{"row", CLI_STRING, &row, "projection",
		 "split results into rows by distinct values of projection",
		 "\".fullname\""},
		{"table", CLI_STRING, &table, "projection",
		 "split results into tables by distinct values of projection",
		 "\".config\""},
	};
	const size_t nflags = sizeof(flags) / sizeof(flags[0]);
	if (argc == CLI_QUERY_FLAG) /* cbaseline asks (cli.h) */
		return cli_flag_arity(flags, nflags, argv[0]);
	struct cstat_diag d;
	cstat_inputs *inputs = NULL;
	cstat_reader *reader = NULL;
	cstat_builder *builder = NULL;
	cstat_tables *tables = NULL;
	enum cstat_format fmt;
	bool help;
	int first, rc, status = 0;
	char *fp_less = NULL;	   /* the fingerprint keys, read again */
	cstat_diagnose *dg = NULL; /* the HTML page's warnings */

	/* -v1 hands over to the pre-2023 benchstat (cstat-v1.c). */
	int v1 = cstat_v1_hook(argc, argv);
	if (v1 >= 0)
		return v1;
	gsl_set_error_handler_off();
	/* Tables can run to megabytes: write them in large blocks (glibc
	 * ignores the size unless it is given the buffer). */
	static char outbuf[1 << 16];
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
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
	if (first >= argc) {
		usage(stderr, flags, nflags);
		return 2;
	}
	/* cbaseline compare: the fingerprint keys split no table; what
	 * differs is said.  The gate's settings check the list. */
	if (fingerprint && bad_fingerprint(fingerprint))
		return 2;
again:;
	char *keys = fingerprint ? cli_fingerprint_keys(fingerprint, table, row,
							col, ignore)
				 : NULL;
	char *ignored = keys ? cli_ignore_keys(ignore, keys, false) : NULL;
	if (fingerprint && !ignored) {
		free(keys);
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(CSTAT_ENOMEM));
		status = 2;
		goto out;
	}
	struct cstat_builder_opts bopts = {table, row, col,
					   ignored ? ignored : ignore, filter};
	rc = cstat_builder_new(&builder, &bopts, &d);
	free(ignored);
	if (!rc && keys)
		rc = cstat_builder_watch(builder, keys);
	free(keys);
	if (rc) {
		if (rc == CSTAT_ENOMEM)
			fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(rc));
		else
			print_diag(&d, true);
		status = 2;
		goto out;
	}
	if (!(alpha >= 0 && alpha <= 1)) {
		fprintf(stderr, "%s: -alpha must be in range [0, 1]\n", PROG);
		status = 2;
		goto out;
	}
	if (!(confidence >= 0 && confidence <= 1)) {
		fprintf(stderr, "%s: -confidence must be in range [0, 1]\n",
			PROG);
		status = 2;
		goto out;
	}
	if (cstat_format_parse(format, &fmt)) {
		/* benchstat's words, which the conformance corpus pins
		 * (edge-badformat); -h lists all five formats. */
		fprintf(stderr, "%s: -format must be text or csv\n", PROG);
		status = 2;
		goto out;
	}
	rc = cstat_inputs_new(&inputs, (const char *const *)argv + first,
			      (size_t)(argc - first));
	if (!rc)
		rc = cstat_reader_new(&reader);
	if (rc) {
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(rc));
		status = 1;
		goto out;
	}
	status = cli_input_format(PROG, inputs, input_format);
	if (!status)
		status = cli_reader_limits(PROG, reader, NULL);
	if (status)
		goto out;
	if (correlate) {
		status = cstat_tool_correlate(PROG, reader, inputs, fmt,
					      confidence);
		goto out;
	}
	if (*scaling) {
		status = cstat_tool_scaling(PROG, scaling, reader, inputs, fmt,
					    confidence);
		goto out;
	}
	rc = cstat_builder_read(builder, reader, inputs, read_threads(),
				on_syntax, NULL, &d);
	if (rc) {
		if (rc == CSTAT_ENOMEM)
			fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(rc));
		else
			print_diag(&d, true);
		status = 1;
		goto out;
	}
	/* A key with two values within one input keeps splitting tables
	 * (merging it would pool two machines' values): read again. */
	if (fingerprint && !fp_less) {
		int m = cli_split_mixed(PROG, builder, inputs, fingerprint,
					&fp_less);
		if (m == 2) {
			status = 2;
			goto out;
		}
		if (m == 1) {
			fingerprint = fp_less;
			cstat_builder_free(builder);
			cstat_reader_free(reader);
			cstat_inputs_free(inputs);
			builder = NULL;
			reader = NULL;
			inputs = NULL;
			goto again;
		}
	}
	if (diagnose) {
		rc = diagnose_inputs(inputs, alpha, fmt);
		if (!rc && fflush(stdout) != 0)
			rc = CSTAT_EIO;
		if (rc)
			fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(rc));
		status = rc ? 1 : 0;
		goto out;
	}
	if (cli_machine_warning(PROG, builder, strict)) {
		status = 2;
		goto out;
	}
	/* Only HTML, -stats and -samples read values once built: otherwise
	 * the tables need none, and the builder frees them. */
	if (fmt != CSTAT_FORMAT_HTML && !*stats && !samples)
		cstat_builder_summaries_only(builder);
	if (fmt == CSTAT_FORMAT_HTML && !no_diagnose) {
		rc = html_warnings(builder, alpha, &dg);
		if (rc) {
			fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(rc));
			status = 1;
			goto out;
		}
	}
	struct cstat_stats_opts sopts = {alpha, confidence, reader,
					 read_threads()};
	rc = cstat_builder_build(builder, &sopts, &tables);
	/* The tables own copies of everything: free the builder's memory
	 * before rendering needs its own. */
	cstat_builder_free(builder);
	builder = NULL;
	if (!rc && (*stats || samples)) {
		rc = cstat_tables_set(tables, "stats", stats, &d);
		if (!rc)
			rc = cstat_tables_set(tables, "samples",
					      samples ? "true" : "false", &d);
		if (rc == CSTAT_EINVAL) {
			print_diag(&d, true);
			status = 2;
			goto out;
		}
	}
	if (!rc && dg)
		rc = cstat_diagnose_run(dg);
	if (!rc && dg)
		rc = cstat_tables_set_diagnose(tables, dg);
	if (!rc)
		rc = cstat_tables_write(tables, fmt, stdout, stderr);
	if (!rc && fflush(stdout) != 0)
		rc = CSTAT_EIO;
	rc = cli_write_error(rc);
	if (rc) {
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(rc));
		status = 1;
	}
out:
	free(fp_less);
	cstat_tables_free(tables);
	cstat_diagnose_free(dg);
	cstat_builder_free(builder);
	cstat_reader_free(reader);
	cstat_inputs_free(inputs);
	return status;
}
