/*
 * refuse.c - inputs people give cstat that hold benchmark numbers cstat
 * cannot use: benchstat's own tables, the console text of criterion.rs
 * and asv, critcmp's comparison table, BenchmarkDotNet's Markdown report,
 * github-action-benchmark's data.js, and CSV files of other tools.  Read as Go
 * text they would give nothing, silently, or a stream of syntax errors; each is
 * recognised here and refused with one message saying what to give instead.
 *
 * None of them claims an input that holds a Go benchmark line, so Go text
 * with stray lines of these kinds is still Go text.
 */
#include <stdint.h>
#include <string.h>

#include "readers.h"

/* Whether line (n bytes) is a Go benchmark line: "Benchmark", a name,
 * white space and an iteration count. */
static bool
go_bench_line(const char *line, size_t n)
{
	size_t i = 9;

	if (n < 9 || memcmp(line, "Benchmark", 9) != 0)
		return false;
	while (i < n && line[i] != ' ' && line[i] != '\t')
		i++;
	if (i == n)
		return false;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i < n && line[i] >= '0' && line[i] <= '9';
}

/* Whether any line of head is a Go benchmark line. */
static bool
has_go_bench(const char *head, size_t len)
{
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(head + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (head + i)) : len - i;

		if (go_bench_line(head + i, n))
			return true;
		i += n + 1;
	}
	return false;
}

/* Whether head has the string s. */
static bool
has(const char *head, size_t len, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i + n <= len; i++) {
		const char *p = memchr(head + i, s[0], len - n + 1 - i);

		if (!p)
			return false;
		if (memcmp(p, s, n) == 0)
			return true;
		i = (size_t)(p - head);
	}
	return false;
}

/* Whether line (n bytes) is one of benchstat's: a v2 column header (white
 * space, then "│"), a v1 header ("name  old time/op  new time/op  delta")
 * or a row ("Name-8  9.000 ± ∞ ¹  6.000 ± ∞ ¹  ~ (p=0.100 n=3) ²"). */
static bool
benchstat_line(const char *line, size_t n)
{
	size_t i = 0;

	while (i < n && line[i] == ' ')
		i++;
	if (i > 0 && n - i >= 3 && memcmp(line + i, "\xe2\x94\x82", 3) == 0)
		return true;
	if (n >= 4 && memcmp(line, "name", 4) == 0 &&
	    has(line, n, " time/op") && has(line, n, "delta"))
		return true;
	return i == 0 && n && line[0] != '"' && has(line, n, " \xc2\xb1 ") &&
	       has(line, n, "(p=") && has(line, n, " n=");
}

/* benchstat's output: its tables (v2 with box drawing, v1 with "old/new
 * time/op ... delta" headers) or rows of them, on lines of their own (not
 * quoted inside JSON, as github-action-benchmark's data.js holds them). */
static int
sniff_benchstat(const char *head, size_t len, bool whole)
{
	(void)whole;
	if (has_go_bench(head, len))
		return 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(head + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (head + i)) : len - i;

		if (benchstat_line(head + i, n))
			return 60;
		i += n + 1;
	}
	return 0;
}

/* criterion.rs's console text ("time:   [1.2 ns 1.3 ns 1.4 ns]") and
 * the libtest-style lines of cargo bench and criterion's bencher output
 * ("test x ... bench:   329 ns/iter (+/- 4)"). */
static int
sniff_criterion_text(const char *head, size_t len, bool whole)
{
	(void)whole;
	if (has_go_bench(head, len))
		return 0;
	if (has(head, len, "time:   [") ||
	    (has(head, len, " ... bench:") && has(head, len, "ns/iter")))
		return 60;
	return 0;
}

/* asv's console text: "· Running N total benchmarks" and "[ 10.00%] ···"
 * progress lines. */
static int
sniff_asv_text(const char *head, size_t len, bool whole)
{
	(void)whole;
	if (has_go_bench(head, len))
		return 0;
	if (has(head, len, "\xc2\xb7 Running ") &&
	    has(head, len, "%] \xc2\xb7\xc2\xb7"))
		return 60;
	return 0;
}

/* The first line of head, and how many commas it has outside quotes. */
static size_t
commas(const char *head, size_t len, size_t *line_len)
{
	size_t n = 0, i = 0;
	bool quoted = false;

	for (; i < len && (quoted || (head[i] != '\n' && head[i] != '\r'));
	     i++) {
		if (head[i] == '"')
			quoted = !quoted;
		else if (head[i] == ',' && !quoted)
			n++;
	}
	*line_len = i;
	return n;
}

/* Whether head starts with two lines that have the same number (at
 * least 1) of commas: a CSV header and a row, or two rows of a CSV
 * without a header. */
static bool
csv_like(const char *head, size_t len)
{
	size_t n1, n2, l1, l2;

	n1 = commas(head, len, &l1);
	if (n1 < 1 || l1 == len)
		return false;
	while (l1 < len && (head[l1] == '\r' || head[l1] == '\n'))
		l1++;
	n2 = commas(head + l1, len - l1, &l2);
	return n1 == n2 && !has_go_bench(head, len);
}

/* BenchmarkDotNet's CSV report: "Method,...,Mean,Error,StdDev,...". */
static bool
dotnet_csv(const char *head, size_t len)
{
	size_t l;

	commas(head, len, &l);
	return l > 7 && memcmp(head, "Method,", 7) == 0 &&
	       has(head, l, ",Mean,") && has(head, l, ",StdDev");
}

static int
sniff_dotnet_csv(const char *head, size_t len, bool whole)
{
	(void)whole;
	return csv_like(head, len) && dotnet_csv(head, len) ? 50 : 0;
}

/* Any other CSV: below every CSV format cstat reads. */
static int
sniff_other_csv(const char *head, size_t len, bool whole)
{
	(void)whole;
	return csv_like(head, len) ? 5 : 0;
}

/* critcmp's comparison table: a "group  base  new" header over a line of
 * dashes, rows of ratios and mean±sd. */
static int
sniff_critcmp_text(const char *head, size_t len, bool whole)
{
	(void)whole;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(head + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (head + i)) : len - i;
		size_t next = i + n + 1;

		if (n > 6 && memcmp(head + i, "group ", 6) == 0 &&
		    next + 5 < len && memcmp(head + next, "-----", 5) == 0 &&
		    has(head, len, "\xc2\xb1") && !has_go_bench(head, len))
			return 60;
		i = next;
	}
	return 0;
}

const struct cstat__format cstat__format_critcmp_text = {
	.name = "critcmp-text",
	.title = "critcmp's comparison table (refused)",
	.sniff = sniff_critcmp_text,
	.refusal = "critcmp's comparison table, which cstat does not read "
		   "(it holds each benchmark's mean and deviation, not its "
		   "samples); give criterion's raw.csv files "
		   "(target/criterion/<benchmark>/new/raw.csv)",
};

/* BenchmarkDotNet's Markdown report: its environment block
 * ("BenchmarkDotNet=v0.12.0, OS=...") and a "| Method |" table. */
static int
sniff_dotnet_md(const char *head, size_t len, bool whole)
{
	(void)whole;
	return (has(head, len, "BenchmarkDotNet=v") ||
		has(head, len, "BenchmarkDotNet v")) &&
			       has(head, len, "| Method") &&
			       !has_go_bench(head, len)
		       ? 60
		       : 0;
}

const struct cstat__format cstat__format_dotnet_md = {
	.name = "bdn-md",
	.title = "BenchmarkDotNet Markdown report (refused)",
	.sniff = sniff_dotnet_md,
	.refusal = "BenchmarkDotNet's Markdown report holds summary "
		   "statistics only, not samples; use BenchmarkDotNet's "
		   "full JSON exporter (JsonExporter.Full, --exporters "
		   "fulljson)",
};

/* github-action-benchmark's history: a script assigning a JSON object to
 * window.BENCHMARK_DATA, one summary value per benchmark and commit. */
static int
sniff_gab_js(const char *head, size_t len, bool whole)
{
	static const char start[] = "window.BENCHMARK_DATA";

	(void)whole;
	return len >= sizeof(start) - 1 &&
			       memcmp(head, start, sizeof(start) - 1) == 0
		       ? 60
		       : 0;
}

const struct cstat__format cstat__format_gab_js = {
	.name = "gab-js",
	.title = "github-action-benchmark data.js (refused)",
	.sniff = sniff_gab_js,
	.refusal = "github-action-benchmark's data.js, which cstat does "
		   "not read (it holds one summary value per benchmark and "
		   "commit, not samples); give cstat each run's benchmark "
		   "output, or record the runs with cbaseline",
};

const struct cstat__format cstat__format_benchstat_out = {
	.name = "bs-table",
	.title = "benchstat's output table (refused)",
	.sniff = sniff_benchstat,
	.refusal = "benchstat's output (a comparison table), not benchmark "
		   "results; give cstat the go test -bench output that "
		   "benchstat read",
};

const struct cstat__format cstat__format_criterion_text = {
	.name = "crit-text",
	.title = "criterion.rs console text (refused)",
	.sniff = sniff_criterion_text,
	.refusal = "criterion.rs or cargo bench console text, which cstat "
		   "does not read; give criterion's raw.csv files "
		   "(target/criterion/<benchmark>/new/raw.csv)",
};

const struct cstat__format cstat__format_asv_text = {
	.name = "asv-text",
	.title = "asv console text (refused)",
	.sniff = sniff_asv_text,
	.refusal = "asv console text, which cstat does not read (it holds "
		   "one summary per benchmark, not its samples)",
};

const struct cstat__format cstat__format_dotnet_csv = {
	.name = "bdn-csv",
	.title = "BenchmarkDotNet CSV report (refused)",
	.sniff = sniff_dotnet_csv,
	.refusal = "BenchmarkDotNet's CSV report holds summary statistics "
		   "only, not samples; use BenchmarkDotNet's full JSON "
		   "exporter (JsonExporter.Full, --exporters fulljson)",
};

const struct cstat__format cstat__format_other_csv = {
	.name = "other-csv",
	.title = "other CSV (refused)",
	.sniff = sniff_other_csv,
	.refusal = "CSV, but not a format cstat reads (expected columns "
		   "name,value,unit or criterion's raw.csv)",
};
