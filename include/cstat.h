/*
 * cstat.h - the public interface of libcstat.
 *
 * libcstat reads benchmark results (Go's benchmark text, go test -json,
 * Google Benchmark, hyperfine, pytest-benchmark and BenchmarkDotNet JSON,
 * CSV, criterion's raw.csv, its own baselines and histories), groups them
 * into comparison tables and computes the statistics Go's benchstat
 * reports (medians, confidence intervals of the median, Mann-Whitney U
 * tests, geomeans).  It writes:
 *   - the tables as text (benchstat's), CSV, HTML (a page with plots),
 *     GitHub Markdown or JSON (cstat_tables_write());
 *   - a CI gate's verdicts (corrections, thresholds, noise-aware limits)
 *     as text, Markdown, JSON, JUnit XML, GitHub annotations or an A/A
 *     calibration (cstat_gate_write());
 *   - baselines and histories (JSON), their change points and exports
 *     as CSV, JSON or an HTML dashboard, and the reports of cbaseline as
 *     text, Markdown or JSON (cstat_history_*());
 *   - the pre-2023 benchstat's text, CSV and HTML (cstat_v1_write()).
 * This header is the specification: every function states what it
 * returns, which errors it reports and who owns memory that crosses the
 * interface.
 *
 * Options: every function that takes an options struct (struct
 * cstat_builder_opts, struct cstat_stats_opts, struct cstat_v1_opts,
 * struct cstat_detect_report) takes NULL for the documented defaults, and
 * so does cstat_gate_new() for its settings (cstat_gate_config).  Each struct
 * has an initialiser, CSTAT_*_INIT, that spells those defaults out: start from
 * it and change the fields you mean to change.  A zeroed struct is the defaults
 * for every struct but struct cstat_stats_opts, whose alpha and confidence 0
 * are values benchstat accepts (-alpha 0: only assume=exact units are
 * significant), not defaults: use CSTAT_STATS_OPTS_INIT or
 * cstat_stats_opts_default() there.
 *
 * GSL: the gate, change points, the extra statistics ("stats" of
 * cstat_tables_set()) and v1 call GSL, whose error handler is
 * process-wide and, until the program changes it, aborts the process on
 * any error GSL reports.  The library checks its inputs so that GSL should
 * never report one, and never installs a handler itself (that would be
 * global state); cstat's tools call gsl_set_error_handler_off() before
 * they call the library.  A program that embeds the library should do the
 * same (or install a handler of its own that returns) before its first
 * call, unless it wants an abort on a GSL error.
 *
 * The library has no global state, never prints and never exits.  Errors are
 * negative CSTAT_E* codes; details of input errors (file, line, column,
 * message) go into a caller-owned struct cstat_diag.
 *
 * NULL: a pointer argument may be NULL only where its comment says so
 * (every struct cstat_diag *d may be NULL: the details are then dropped).
 * Otherwise a function that returns an error code returns CSTAT_EINVAL
 * for a NULL object, string, stream, array or out parameter, and does
 * nothing else; a function that returns a value returns NULL, 0, false or
 * NaN for a NULL object; every _free() accepts NULL.  Whenever a function
 * fails, its out parameters that are not NULL are reset: *out (a handle,
 * string or array) is NULL and a count is 0, whichever argument was wrong.
 *
 * Locale: numbers are read and written in the "C" locale's syntax whatever
 * the program's locale (setlocale()), and system error messages are
 * English, as benchstat's are; the library never changes the locale.
 */
#ifndef CSTAT_H
#define CSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(CSTAT_BUILDING_LIBRARY) && defined(__GNUC__)
#define CSTAT_EXPORT __attribute__((visibility("default")))
#else
#define CSTAT_EXPORT
#endif

#define CSTAT_VERSION_MAJOR 0
#define CSTAT_VERSION_MINOR 1
#define CSTAT_VERSION_PATCH 0
#define CSTAT_VERSION_STRING "0.1.0"

/* The library's version at run time, e.g. "0.1.0". */
CSTAT_EXPORT const char *cstat_version(void);

/*
 * Error codes.  Every function that acts returns 0 (or a documented positive
 * value) on success and one of these negative codes on failure.
 */
#define CSTAT_ERRNO_MAP(X)                                                     \
	X(NOMEM, -1, "out of memory")                                          \
	X(INVAL, -2, "invalid argument")                                       \
	X(IO, -3, "input/output error")                                        \
	X(SYNTAX, -4, "syntax error")                                          \
	X(NOENT, -5, "no such file or directory")                              \
	X(ISDIR, -6, "is a directory")                                         \
	X(ACCES, -7, "permission denied")                                      \
	X(STATE, -8, "operation not valid in this state")                      \
	X(FORMAT, -9, "corrupt file or unknown format version")                \
	X(NOSPC, -10, "no space left on device")

enum cstat_errno {
#define CSTAT__ERRNO_ENUM(name, value, text) CSTAT_E##name = (value),
	CSTAT_ERRNO_MAP(CSTAT__ERRNO_ENUM)
#undef CSTAT__ERRNO_ENUM
};

/*
 * A description of err, such as "out of memory".  The string is static; an
 * unknown code gives "unknown error".
 */
CSTAT_EXPORT const char *cstat_strerror(int err);

/* The name of err, such as "CSTAT_ENOMEM", or "CSTAT_UNKNOWN". */
CSTAT_EXPORT const char *cstat_err_name(int err);

/*
 * Diagnostics.  A function that reads or parses input fills a caller-owned
 * struct cstat_diag when it fails, so the caller can print
 * "file:line: message".  file points at a string owned by the object that
 * reported the error and stays valid until that object is freed (or the
 * next call on it).  line and column are 1-based; 0 means "not known".
 */
struct cstat_diag {
	const char *file;
	unsigned long line;
	unsigned long column;
	char message[512];
};

/*
 * Formats d as benchstat does: "file:line: message" when line > 0, else
 * "message"; "file:line:column: message" when the column is known too
 * (malformed JSON; Go text's errors have none, as in benchstat).  Writes
 * at most size bytes including the NUL; returns the length the full text
 * needs (as snprintf).  A NULL d formats as ""; buf may be NULL to ask for
 * the length only.
 */
CSTAT_EXPORT size_t cstat_diag_format(const struct cstat_diag *d, char *buf,
				      size_t size);

/* ------------------------------------------------------------------------
 * Inputs: command-line style names of result files.
 *
 * benchstat takes inputs as "path", "-" (standard input) or "label=path".
 * The label (or the path as typed) becomes the column name (.file).  A path
 * given more than once without a label is told apart as "path#0",
 * "path#1", ...
 *
 * cstat also takes "FORMAT:path" and "label=FORMAT:path", where FORMAT is
 * the name of an input format (cstat_input_format_name()): the input is
 * read in that format instead of the one its content looks like.  A
 * prefix that is not a format's name is part of the path.
 */
struct cstat_input {
	const char *path;   /* what to open; "-" is standard input */
	const char *label;  /* the .file value */
	const char *format; /* the input format's name, or NULL: by content */
};

typedef struct cstat_inputs cstat_inputs;

/*
 * Parses n command-line arguments into inputs.  On success *out owns the
 * list; free it with cstat_inputs_free(); on failure *out is NULL.
 * @return 0, CSTAT_EINVAL (n == 0 or a NULL argument: out, args or one
 *         of args[0..n)) or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_inputs_new(cstat_inputs **out, const char *const *args,
				  size_t n);
/* Frees the list; NULL is a harmless no-op. */
CSTAT_EXPORT void cstat_inputs_free(cstat_inputs *in);
/* The number of inputs. */
CSTAT_EXPORT size_t cstat_inputs_count(const cstat_inputs *in);
/* Input i (borrowed until cstat_inputs_free), or NULL if i is out of range. */
CSTAT_EXPORT const struct cstat_input *cstat_inputs_get(const cstat_inputs *in,
							size_t i);

/*
 * Reads every input that names no format of its own in format name (as
 * -input-format does); NULL goes back to choosing by content.
 * @return 0, or CSTAT_EINVAL when in is NULL or name is no format's name.
 */
CSTAT_EXPORT int cstat_inputs_set_format(cstat_inputs *in, const char *name);

/*
 * The input formats cstat reads, in a fixed order (Go's benchmark text
 * first): the name -input-format and "FORMAT:path" take, and a title for
 * people ("Google Benchmark JSON").  docs/formats.md describes each.
 * @return the count; a name or title, or NULL when i is out of range
 *         (static strings).
 */
CSTAT_EXPORT size_t cstat_input_formats_count(void);
CSTAT_EXPORT const char *cstat_input_format_name(size_t i);
CSTAT_EXPORT const char *cstat_input_format_title(size_t i);

/* ------------------------------------------------------------------------
 * Results: what a reader yields.
 *
 * One result is one benchmark line: a name, the file configuration in
 * effect, and one or more values with units.  Units are tidied as benchstat
 * does (ns -> sec, MB -> B, values scaled to match); orig_unit and
 * orig_value keep what the file said.  Every pointer is borrowed from the
 * reader and valid until the next cstat_reader_next() call, except unit and
 * orig_unit strings, which stay valid until the reader is freed.
 */
struct cstat_value {
	double value;
	const char *unit;
	double orig_value;
	const char *orig_unit;
};

struct cstat_config {
	const char *key;
	const char *value;
};

struct cstat_result {
	const char *file; /* the .file value: label or path */
	const char *name; /* full name after "Benchmark", NUL-ended */
	size_t name_len;
	const struct cstat_config *config; /* file configuration, in order */
	size_t nconfig;
	/* The same configuration as "key: value\n" lines, NUL-ended: one
	 * comparison tells whether two results share a configuration.  A
	 * result built by hand may set it to NULL (the builder then compares
	 * config itself); if set, it must match config. */
	const char *config_text;
	size_t config_text_len;
	/* Changes whenever the reader's configuration changes. */
	unsigned long config_version;
	const struct cstat_value *values;
	size_t nvalues;
	unsigned long line; /* 1-based line number in the file */
};

/* ------------------------------------------------------------------------
 * Reader: a streaming reader of Go's benchmark format (go test -bench).
 *
 * It reads one file after another; configuration lines reset at each file,
 * "Unit" metadata lines persist across files.  Memory use does not grow with
 * the file: lines are read through a buffer that grows only to the longest
 * line.
 */
typedef struct cstat_reader cstat_reader;

/*
 * Creates a reader with no file open.  *out is NULL on failure.
 * @return 0, CSTAT_EINVAL (out is NULL) or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_reader_new(cstat_reader **out);
/* Frees the reader and closes its file; NULL is a harmless no-op. */
CSTAT_EXPORT void cstat_reader_free(cstat_reader *r);

/* The reader's default ceilings (cstat_reader_set_limits()). */
#define CSTAT_DEFAULT_MAX_LINE ((size_t)256 << 20)
#if SIZE_MAX > 0xffffffffu
#define CSTAT_DEFAULT_MAX_INPUT ((size_t)4 << 30)
#else
#define CSTAT_DEFAULT_MAX_INPUT ((size_t)1 << 30)
#endif

/*
 * Sets the reader's ceilings, so that no input makes it grow until the
 * machine runs out: a Go text line longer than max_line bytes ends the
 * input with CSTAT_EIO and "FILE:LINE: line too long (over N bytes)"; an
 * input in another format (read in whole by the JSON formats) longer than
 * max_input bytes ends with CSTAT_EIO and "FILE: input too large (over N
 * bytes)".  0 keeps the default: 256 MiB a line, 4 GiB an input (1 GiB
 * on 32-bit systems).  Inputs given in memory are not limited.
 * @return 0 or CSTAT_EINVAL (r is NULL).
 */
CSTAT_EXPORT int cstat_reader_set_limits(cstat_reader *r, size_t max_line,
					 size_t max_input);

/*
 * Starts reading path ("-" reads standard input, which is not closed) under
 * the name label (used for .file and in messages; NULL means path).  The
 * previous file, if any, is closed and its configuration forgotten.
 * @return 0; CSTAT_ENOENT, CSTAT_EACCES, CSTAT_EISDIR or CSTAT_EIO with d
 *         describing it as "open PATH: reason" or "PATH:0: read PATH: is a
 *         directory" as benchstat words them; or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_reader_open(cstat_reader *r, const char *path,
				   const char *label, struct cstat_diag *d);

/*
 * Starts reading input in: cstat_reader_open() on its path and label, then
 * cstat_reader_set_format() with its format when it names one.
 * @return as cstat_reader_open(), or CSTAT_EINVAL.
 */
CSTAT_EXPORT int cstat_reader_open_input(cstat_reader *r,
					 const struct cstat_input *in,
					 struct cstat_diag *d);

/*
 * Reads the input just opened in the format called name (see
 * cstat_input_format_name()) instead of choosing by its content; NULL
 * chooses by content again.  Call it after opening and before the first
 * cstat_reader_next().
 * @return 0; CSTAT_EINVAL for a NULL r or an unknown name; CSTAT_ESTATE
 *         when no input is open or reading has begun.
 */
CSTAT_EXPORT int cstat_reader_set_format(cstat_reader *r, const char *name);

/*
 * The name of the format the open input is read in ("go", "gbench", ...),
 * or NULL before the first cstat_reader_next() chose it.  Static.
 */
CSTAT_EXPORT const char *cstat_reader_format(const cstat_reader *r);

/*
 * Starts reading the len bytes at data (not copied: they must outlive the
 * reading) under the name label.
 * @return 0 or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_reader_open_mem(cstat_reader *r, const char *data,
				       size_t len, const char *label);

/*
 * Reads on to the next result.  *res is NULL unless 1 is returned.  The
 * input's format is chosen on the first call (docs/formats.md): a format
 * set with cstat_reader_set_format(), or the one its first bytes show, or
 * Go's benchmark text.
 * @return 1 with *res set; 0 at the end of the file; CSTAT_ESYNTAX for a
 *         malformed line or a warning, described in d ("missing units",
 *         "benchmark X: error_occurred; skipped", "-: standard input held
 *         no benchmark results"), after which reading may go on;
 *         CSTAT_EFORMAT (fatal: JSON that is no format cstat reads, a
 *         truncated or malformed file of a known format, an input of a
 *         format other than Go text that held no results), CSTAT_EIO or
 *         CSTAT_EISDIR (fatal, described in d); CSTAT_ENOMEM; CSTAT_ESTATE
 *         when no file is open or a fatal error ended it; CSTAT_EINVAL (r
 *         or res is NULL).
 */
CSTAT_EXPORT int cstat_reader_next(cstat_reader *r,
				   const struct cstat_result **res,
				   struct cstat_diag *d);

/*
 * The value of unit metadata key for the (tidied) unit, as set by a
 * "Unit" line in any file read so far ("assume" -> "exact"), or NULL.
 * Borrowed until the reader is freed.
 */
CSTAT_EXPORT const char *cstat_reader_unit_meta(const cstat_reader *r,
						const char *unit,
						const char *key);

/* ------------------------------------------------------------------------
 * Builder: groups results into comparison tables.
 *
 * Each value of each result goes to a table (by configuration and unit), a
 * row (by benchmark name) and a column (by input file); the first column of
 * a table is the baseline that later columns are compared against.  This is
 * benchstat's default projection: -table .config -row .fullname -col .file.
 */
typedef struct cstat_builder cstat_builder;
typedef struct cstat_tables cstat_tables;

/*
 * How to group results, as benchstat's flags say.  A NULL struct, a NULL
 * member and a zeroed struct mean benchstat's default for that flag; an
 * empty string is a value ("" for -ignore ignores nothing, for -table
 * makes one table per unit, for -filter is a syntax error).  The strings
 * are read during cstat_builder_new() only.
 */
struct cstat_builder_opts {
	const char *table;  /* -table, default ".config" */
	const char *row;    /* -row, default ".fullname" */
	const char *col;    /* -col, default ".file" */
	const char *ignore; /* -ignore, default "" */
	const char *filter; /* -filter, default "*" */
};

/* The defaults of struct cstat_builder_opts, for an initialiser:
 *   struct cstat_builder_opts o = CSTAT_BUILDER_OPTS_INIT; */
#define CSTAT_BUILDER_OPTS_INIT                                                \
	{                                                                      \
		NULL, NULL, NULL, NULL, NULL                                   \
	}

/*
 * Creates a builder.  opts may be NULL for the defaults
 * (CSTAT_BUILDER_OPTS_INIT).  *out is NULL on failure.
 * @return 0, CSTAT_ENOMEM, or CSTAT_EINVAL (out is NULL, or with d
 *         describing the option that could not be used).
 */
CSTAT_EXPORT int cstat_builder_new(cstat_builder **out,
				   const struct cstat_builder_opts *opts,
				   struct cstat_diag *d);
/* Frees the builder; NULL is a harmless no-op. */
CSTAT_EXPORT void cstat_builder_free(cstat_builder *b);

/*
 * Adds every value of res (copied) to the builder's tables.
 * @return 0, CSTAT_EINVAL (a NULL argument), CSTAT_ESTATE (the builder was
 *         built) or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_builder_add(cstat_builder *b,
				   const struct cstat_result *res);

/*
 * Reads every input of in into b, as the cstat tool does: opens each in
 * turn on r (so "Unit" metadata carries across files), adds every result,
 * passes each malformed line to on_syntax (which may be NULL; the line is
 * skipped), and stops at the first input that cannot be opened or read.
 * With threads > 1 a second thread parses ahead while this one adds; the
 * builder sees the same results in the same order either way, and
 * on_syntax is always called on this thread, in order.
 * @return 0; the reader's error (CSTAT_ENOENT, CSTAT_EACCES, CSTAT_EISDIR,
 *         CSTAT_EIO) with d describing it; CSTAT_ENOMEM; or CSTAT_EINVAL.
 */
CSTAT_EXPORT int
cstat_builder_read(cstat_builder *b, cstat_reader *r, const cstat_inputs *in,
		   unsigned threads,
		   void (*on_syntax)(void *ctx, const struct cstat_diag *d),
		   void *ctx, struct cstat_diag *d);

/*
 * Makes the builder note which values each column's results have for the
 * keys in the comma-separated list keys: configuration keys ("cpu,goos")
 * or name keys ("/gomaxprocs"), read as a projection reads them, a missing
 * key being "".  cregress watches the machine-fingerprint keys it leaves
 * out of the projection, to say when a comparison spans machines.  Call
 * it once, before adding results.
 * @return 0, CSTAT_EINVAL (b or keys NULL, already called, or results
 *         added) or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_builder_watch(cstat_builder *b, const char *keys);

/*
 * Describes the watched keys that had more than one value, in the order
 * given: each value (trimmed; "none" for a missing key) with the column
 * labels that had it, e.g.
 *   cpu: "Intel X" (old.txt) vs "AMD Y" (new.txt); goarch: ...
 * naming at most 3 values per key and 3 columns per value ("and N more").
 * Written into buf, truncated to size - 1 bytes (buf may be NULL to count
 * only).  Call it before cstat_builder_build().
 * @return the number of keys that differ, CSTAT_EINVAL, CSTAT_ENOMEM or
 *         CSTAT_ESTATE (after a build of summaries only, whose tables took
 *         the builder's strings).
 */
CSTAT_EXPORT int cstat_builder_watch_diff(const cstat_builder *b, char *buf,
					  size_t size);

/*
 * Lists the watched keys that had more than one value within one column
 * (a file holding results of two machines, say), comma-separated in the
 * order given, into buf (truncated to size - 1 bytes; buf may be NULL to
 * count only).  Such a key must keep splitting tables: merging it would
 * pool two machines' values in one cell.  cregress reads its inputs again
 * without those keys among the masked ones.  Call it before
 * cstat_builder_build().
 * @return the number of such keys, CSTAT_EINVAL, or CSTAT_ESTATE (after a
 *         build of summaries only).
 */
CSTAT_EXPORT int cstat_builder_watch_mixed(const cstat_builder *b, char *buf,
					   size_t size);

/*
 * Tells b that its tables will be read for their summaries only: written
 * as text, CSV, Markdown or JSON without "samples", never with "stats",
 * as HTML or through cstat_table_cell_values().  Building then summarizes
 * each cell from the builder's own copy of its values and keeps none in
 * the tables, so they cost their summaries, not the 8 bytes of every
 * value (10 MB for 1.2 million values), and freeing the builder after
 * building frees the values before anything is written.  Of such tables
 * cstat_table_cell_values() gives NULL, cstat_tables_set() refuses "stats"
 * and "samples" = true, and cstat_tables_write() refuses HTML, each with
 * CSTAT_ESTATE.  The tables also take the builder's strings instead of
 * copying them.  Call it before cstat_builder_build().
 * @return 0, CSTAT_EINVAL (b NULL) or CSTAT_ESTATE (already built).
 */
CSTAT_EXPORT int cstat_builder_summaries_only(cstat_builder *b);

struct cstat_diagnose;

/*
 * Has the build check each cell's values with dg's settings, in the order
 * they were read, just before it sorts them (on the build threads): the
 * data-quality checks without a second reading of the inputs and without a
 * second copy of the values (docs/analyses.md).  dg keeps only the cells
 * with a finding, labelled by the cell's column (the input), row (the
 * benchmark) and table's unit, in table, row and column order; call
 * cstat_diagnose_run() after cstat_builder_build(), then use dg as one fed
 * by cstat_diagnose_add(), which it then refuses.  "Too few values"
 * (CSTAT_DIAG_FEW) is not checked this way: the gate's verdicts say it.
 * Call it before cstat_builder_build(); dg is borrowed until then.
 * @return 0, CSTAT_EINVAL (a NULL argument) or CSTAT_ESTATE (already
 *         built, or dg already has results or was run).
 */
CSTAT_EXPORT int cstat_builder_diagnose(cstat_builder *b,
					struct cstat_diagnose *dg);

/*
 * As cstat_builder_diagnose(), but dg keeps only the cells with a strong
 * finding (struct cstat_diagnosis's strong not 0), each with every field
 * as cstat_builder_diagnose() gives it: all that cstat_gate_add_diagnose()
 * and cstat_tables_set_diagnose() show.  The build skips the full checks
 * of every cell that a cheap screen shows cannot have a strong finding,
 * so it costs less than cstat_builder_diagnose(), whose screen must let
 * through every cell that may have any finding.  The last of the two
 * calls made before the build decides what dg keeps.
 * @return 0, CSTAT_EINVAL (a NULL argument) or CSTAT_ESTATE (already
 *         built, or dg already has results or was run).
 */
CSTAT_EXPORT int cstat_builder_diagnose_strong(cstat_builder *b,
					       struct cstat_diagnose *dg);

/*
 * Options for computing the tables' statistics (cstat's -alpha and
 * -confidence).  Defaults: CSTAT_STATS_OPTS_INIT, cstat_stats_opts_default()
 * or a NULL struct give alpha 0.05, confidence 0.95, no reader, one thread.
 *
 * A ZEROED STRUCT IS NOT THE DEFAULTS: alpha and confidence mean what they
 * say, 0 included, as benchstat's -alpha 0 and -confidence 0 do (alpha 0:
 * only p = 0 is significant, so in practice only assume=exact units;
 * confidence 0: an interval at level 0, as benchstat computes one).  So
 * write
 *   struct cstat_stats_opts o = CSTAT_STATS_OPTS_INIT;
 *   o.units = reader;
 * never "= {0}" or memset().
 */
struct cstat_stats_opts {
	/* Significance level, in [0, 1]: a comparison is significant when
	 * p <= alpha (benchstat's rule: p == alpha counts).  Default 0.05. */
	double alpha;
	/* Level of the median's confidence interval, in [0, 1].  Default
	 * 0.95; 1 gives (-inf, +inf). */
	double confidence;
	/* Unit metadata ("assume=exact", "better=higher") comes from this
	 * reader, borrowed during cstat_builder_build().  NULL (the default):
	 * none, so the inputs' Unit lines are not applied; pass the reader
	 * the results were read with, as cstat does. */
	const cstat_reader *units;
	/* Threads for the statistics: 0 or 1 computes on the calling thread
	 * only, 2 or more also on one helper thread.  Results are the same. */
	unsigned threads;
};

/* The defaults of struct cstat_stats_opts, for an initialiser (C and C++):
 *   struct cstat_stats_opts o = CSTAT_STATS_OPTS_INIT; */
#define CSTAT_STATS_OPTS_INIT                                                  \
	{                                                                      \
		0.05, 0.95, NULL, 0                                            \
	}

/*
 * Sets *o to the defaults, as CSTAT_STATS_OPTS_INIT: for languages that
 * cannot use the macro (bindings through a foreign-function interface).
 * A NULL o is a harmless no-op.
 */
CSTAT_EXPORT void cstat_stats_opts_default(struct cstat_stats_opts *o);

/*
 * Computes every table from what was added: sorts rows and columns,
 * summarizes each cell, compares it with its baseline and adds the geomean
 * row.  opts may be NULL for the defaults (CSTAT_STATS_OPTS_INIT); it is
 * not kept.  A builder builds once: the values move into *out, which owns
 * everything it holds and outlives the builder; afterwards the builder
 * accepts no more results (CSTAT_ESTATE) and can only be freed.
 * @return 0, CSTAT_EINVAL (b or out NULL, alpha or confidence outside
 *         [0, 1] or NaN),
 *         CSTAT_ESTATE (already built) or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_builder_build(cstat_builder *b,
				     const struct cstat_stats_opts *opts,
				     cstat_tables **out);

/* Frees tables; NULL is a harmless no-op. */
CSTAT_EXPORT void cstat_tables_free(cstat_tables *t);

/* The number of tables (one per configuration and unit). */
CSTAT_EXPORT size_t cstat_tables_count(const cstat_tables *t);

/* ------------------------------------------------------------------------
 * Reading tables.  Indices run from 0; strings are borrowed until
 * cstat_tables_free().
 */

/* The unit of table i, e.g. "sec/op". */
CSTAT_EXPORT const char *cstat_table_unit(const cstat_tables *t, size_t i);
/* The number of rows (benchmarks) and columns (inputs) of table i. */
CSTAT_EXPORT size_t cstat_table_rows(const cstat_tables *t, size_t i);
CSTAT_EXPORT size_t cstat_table_cols(const cstat_tables *t, size_t i);
/* The label of row r / column c of table i. */
CSTAT_EXPORT const char *cstat_table_row_label(const cstat_tables *t, size_t i,
					       size_t r);
CSTAT_EXPORT const char *cstat_table_col_label(const cstat_tables *t, size_t i,
					       size_t c);

/*
 * One cell: the summary of a sample and its comparison with the baseline
 * (column 0 of its row).  The geomean row is not a cell: the renderers
 * print it.  At the edges:
 *   - an empty cell (no results for this row and column) has present
 *     false and every other field 0 (delta 0, not NaN);
 *   - a cell without a comparison (column 0, an empty baseline cell, or
 *     any cell of cstat_history_read()'s tables) has has_comparison false and
 * p, significant and delta 0 / false;
 *   - delta is center / baseline center - 1 as IEEE arithmetic gives it:
 *     NaN for 0 -> 0 (both centers 0), +inf for 0 -> positive, -inf for
 *     0 -> negative; with a negative baseline its sign is not the
 *     direction of the change.  Test with isnan()/isinf() before printing;
 *     benchstat's text shows "~" or "?" there;
 *   - p is 0 (and significant true) for assume=exact units, whose
 *     comparisons benchstat always shows; 1 when every value of both
 *     cells is the same (a warning says so);
 *   - lo and hi are -inf and +inf when the cell has too few values for
 *     the confidence level (a warning says how many it needs), and the
 *     smallest and largest value for assume=exact units.
 */
struct cstat_cell {
	bool present;	     /* false: no results for this row and column */
	size_t n;	     /* number of values, >= 1 when present */
	double center;	     /* median (or mode for assume=exact units) */
	double lo, hi;	     /* confidence interval of the center; may be inf */
	bool has_comparison; /* a later column with a baseline in its row */
	double p;	     /* two-sided p-value of the U test */
	bool significant;    /* p <= alpha */
	double delta;	     /* center / baseline center - 1; see above */
	size_t nwarnings;    /* warnings on the cell and its comparison */
};

/*
 * Fills *out with cell (r, c) of table i; on failure *out is all zero
 * (not present).
 * @return 0 or CSTAT_EINVAL (an index out of range, or a NULL pointer).
 */
CSTAT_EXPORT int cstat_table_cell(const cstat_tables *t, size_t i, size_t r,
				  size_t c, struct cstat_cell *out);
/* Warning k of cell (r, c) of table i, or NULL when out of range. */
CSTAT_EXPORT const char *cstat_table_cell_warning(const cstat_tables *t,
						  size_t i, size_t r, size_t c,
						  size_t k);

/*
 * The values of cell (r, c) of table i, sorted ascending, borrowed until
 * cstat_tables_free(); *n receives their number.  NULL (and *n = 0) when
 * the cell is empty or an index is out of range.
 */
CSTAT_EXPORT const double *cstat_table_cell_values(const cstat_tables *t,
						   size_t i, size_t r, size_t c,
						   size_t *n);
/*
 * Field k of table i's key other than its unit (a configuration key such
 * as "goos", or a projection field): *name and *value are borrowed until
 * cstat_tables_free(), and NULL on failure.
 * @return 0, or CSTAT_EINVAL when k (or i) is out of range or a pointer
 *         is NULL.
 */
CSTAT_EXPORT int cstat_table_key(const cstat_tables *t, size_t i, size_t k,
				 const char **name, const char **value);
/* Whether table i's unit has assume=exact metadata. */
CSTAT_EXPORT bool cstat_table_exact(const cstat_tables *t, size_t i);
/*
 * Whether higher values are better in table i: its unit has better=higher
 * metadata, or is a throughput unit (cstat_unit_class_of()) without
 * better=lower.  Renderers colour changes by it.
 */
CSTAT_EXPORT bool cstat_table_higher_better(const cstat_tables *t, size_t i);

/*
 * Output settings of built tables, for every format.
 *   "stats"    a list of extra summary statistics, separated by commas or
 *              spaces: mean, stddev, min, max, cv, n, and percentiles
 *              pNN such as p50, p90, p99.9; "" for none (the default).
 *   "samples"  "true" or "false": JSON output lists every value.
 * @return 0; CSTAT_EINVAL with d->message naming the bad key or value;
 *         CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_tables_set(cstat_tables *t, const char *key,
				  const char *value, struct cstat_diag *d);
/* The number of extra statistics set with "stats". */
CSTAT_EXPORT size_t cstat_tables_stat_count(const cstat_tables *t);
/* The name of extra statistic k ("p90"), or NULL. */
CSTAT_EXPORT const char *cstat_tables_stat_name(const cstat_tables *t,
						size_t k);
/*
 * Extra statistic k of cell (r, c) of table i into *out: NaN for an empty
 * cell or too few values (stddev and cv need 2), and on failure.  Mean,
 * standard deviation (n - 1) and percentiles (linear interpolation between
 * order statistics, GSL's gsl_stats_quantile_from_sorted_data) come from
 * GSL.
 * @return 0 or CSTAT_EINVAL (an index out of range, or a NULL pointer).
 */
CSTAT_EXPORT int cstat_table_cell_stat(const cstat_tables *t, size_t i,
				       size_t r, size_t c, size_t k,
				       double *out);

/* ------------------------------------------------------------------------
 * Rendering.
 */
enum cstat_format {
	CSTAT_FORMAT_TEXT,     /* benchstat's text tables with footnotes */
	CSTAT_FORMAT_CSV,      /* benchstat's CSV; warnings go to warn */
	CSTAT_FORMAT_HTML,     /* one self-contained page with plots */
	CSTAT_FORMAT_MARKDOWN, /* GitHub-flavoured tables */
	CSTAT_FORMAT_JSON,     /* versioned schema, docs/cstat.md */
};

/*
 * Writes the tables to out in format fmt.  CSV warnings go to warn, one per
 * line ("D7: message"); warn may be NULL to drop them.
 * @return 0, CSTAT_EINVAL (unknown format), CSTAT_EIO (a write failed) or
 *         CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_tables_write(const cstat_tables *t,
				    enum cstat_format fmt, FILE *out,
				    FILE *warn);

/*
 * Sets *out to the format called name: "text", "csv", "html", "markdown" or
 * "json" (the names the tools' -format takes).  Every writer that takes an
 * enum cstat_format reads the same names, although each writes only some of
 * them (see its comment).
 * @return 0, or CSTAT_EINVAL (a NULL argument or an unknown name; *out is
 *         then unchanged).
 */
CSTAT_EXPORT int cstat_format_parse(const char *name, enum cstat_format *out);

/* ------------------------------------------------------------------------
 * Runs: cstat's own result files (docs/cbaseline.md).
 *
 * A run holds every raw value of a benchmark run per benchmark and unit,
 * its configuration lines and Unit metadata, metadata (name, created,
 * commit, branch, meta.KEY) and its environment (host, goos, goarch, cpu).
 * A baseline file is one run as pretty-printed JSON; a history file holds
 * one run per line.  The reader reads both as inputs (a history as its
 * most recent run), so cstat and cregress compare against them directly.
 */
typedef struct cstat_run cstat_run;

/*
 * A new, empty run with a new random id (metadata "id": 32 hex digits,
 * 128 bits from /dev/urandom), which the writers store so that merged
 * histories keep each run once (cstat_history_merge()).
 * @return 0 or CSTAT_ENOMEM; *out is NULL on failure.
 */
CSTAT_EXPORT int cstat_run_new(cstat_run **out);
/* Frees the run; NULL is a harmless no-op. */
CSTAT_EXPORT void cstat_run_free(cstat_run *r);
/*
 * Adds every value of res (copied).  Unit metadata (assume=, better=) of
 * its units is taken from units, which may be NULL.
 * @return 0, CSTAT_EINVAL or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_run_add(cstat_run *r, const struct cstat_result *res,
			       const cstat_reader *units);
/*
 * Sets metadata: "name", "created", "commit", "branch", "id", "meta.KEY",
 * or "host" (environment; goos, goarch and cpu come from the results'
 * configuration).  A NULL value removes the key.  "created" must be an
 * RFC 3339 time ("2026-11-01T10:00:00Z"; fractions and offsets allowed);
 * "id" 1 to 128 letters, digits, '.', '_', ':', '+' or '-'.
 * @return 0, CSTAT_EINVAL (unknown key, or a "created" or "id" not such)
 *         or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_run_set(cstat_run *r, const char *key,
			       const char *value);
/* Metadata key as above, or "env.KEY" for the environment; NULL if unset. */
CSTAT_EXPORT const char *cstat_run_get(const cstat_run *r, const char *key);
/* The number of values in the run. */
CSTAT_EXPORT size_t cstat_run_count(const cstat_run *r);
/*
 * Describes how a's environment differs from b's in goos, goarch and cpu
 * (keys either lacks are not compared), as "cpu \"X\" vs \"Y\"; ...",
 * into buf (truncated to size - 1 bytes; buf may be NULL to count only).
 * @return the number of differences, or CSTAT_EINVAL / CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_run_env_diff(const cstat_run *a, const cstat_run *b,
				    char *buf, size_t size);
/* Writes the run as JSON (pretty: a baseline; else one line). */
CSTAT_EXPORT int cstat_run_write(const cstat_run *r, bool pretty, FILE *out);
/*
 * Writes the run to path as a baseline, atomically: a temporary file
 * beside it (created with O_EXCL, never through a link), fsync, rename.
 * The old file stays whole until the rename.  A symbolic link at path or
 * at a temporary name beside it is refused (CSTAT_EACCES); temporary
 * files a killed writer left behind are removed (docs/security.md).
 * @return 0, CSTAT_ENOMEM, or an I/O error (CSTAT_ENOSPC for a full
 *         disk) with d saying which.
 */
CSTAT_EXPORT int cstat_run_save(const cstat_run *r, const char *path,
				struct cstat_diag *d);
/*
 * Appends the run to the history at path (made if missing) as one line,
 * under an exclusive flock(), then fsync: concurrent appends all land.
 * A write that fails (a full disk) is undone: the file is cut back to
 * its old size.  A symbolic link at path or at its lock file is refused
 * (CSTAT_EACCES).
 */
CSTAT_EXPORT int cstat_run_append(const cstat_run *r, const char *path,
				  struct cstat_diag *d);
/*
 * Reads a baseline file; a symbolic link at path is refused (CSTAT_EACCES),
 * as by every function that reads a store file.
 * @return 0; CSTAT_EFORMAT (not JSON: d has line and column; not a run; a
 *         newer schema); an open/read error; CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_run_load(cstat_run **out, const char *path,
				struct cstat_diag *d);
/*
 * The run as Go benchmark text (*out malloc'd, *len bytes; NULL and 0 on
 * failure).
 * @return 0, CSTAT_EINVAL or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_run_text(const cstat_run *r, char **out, size_t *len);
/*
 * Reads a history: *runs (oldest first) and *nruns.  A record cut short
 * (a crash mid-write) is reported to warn (may be NULL) and skipped; a
 * record of an unknown schema is an error (CSTAT_EFORMAT).  Free with
 * cstat_history_free().  On failure *runs is NULL and *nruns 0.
 */
CSTAT_EXPORT int
cstat_history_load(const char *path, cstat_run ***runs, size_t *nruns,
		   void (*warn)(void *ctx, const struct cstat_diag *d),
		   void *ctx, struct cstat_diag *d);
/* Frees runs[0..n) and the array; a NULL runs is a harmless no-op. */
CSTAT_EXPORT void cstat_history_free(cstat_run **runs, size_t n);
/*
 * Tables with one column per run, labelled "1" to "n" (oldest first), and
 * a row per benchmark, grouped as opts says (NULL: cstat's defaults),
 * their intervals at level confidence (in [0, 1]; 0 is a level, not the
 * default: pass 0.95 for cstat's).
 * None of runs[0..n) may be NULL.  *out is NULL on failure.
 */
CSTAT_EXPORT int cstat_history_build(cstat_run *const *runs, size_t n,
				     const struct cstat_builder_opts *opts,
				     double confidence, cstat_tables **out,
				     struct cstat_diag *d);
/*
 * Reads the history at path and builds its tables, as cstat_history_load()
 * then cstat_history_build() with these opts (NULL: the defaults) and
 * confidence do, but one
 * record at a time: memory holds the tables, each run's metadata and one
 * record, not the file or every run.  Records cut short are reported to
 * warn (may be NULL) and skipped; a record of an unknown schema is an
 * error (CSTAT_EFORMAT), as for cstat_history_load().  *runs get each
 * run's metadata and environment only (cstat_run_get() answers as for a
 * loaded run; cstat_run_count() is 0).  The tables hold each cell's values,
 * center and interval but no comparisons between runs and no geomean
 * rows: they serve cstat_history_changes(), cstat_history_write() and the
 * cstat_table_*() getters of cells, and cstat_tables_write() refuses them
 * (CSTAT_EINVAL).  Free with cstat_tables_free() and cstat_history_free().
 * @return 0; CSTAT_EINVAL (a NULL pointer, confidence outside [0, 1]);
 *         CSTAT_EFORMAT; an open or read error (a link at path is
 *         CSTAT_EACCES); CSTAT_ENOMEM.  On failure *t and *runs are NULL
 *         and *nruns 0.
 */
CSTAT_EXPORT int
cstat_history_read(const char *path, const struct cstat_builder_opts *opts,
		   double confidence, cstat_tables **t, cstat_run ***runs,
		   size_t *nruns,
		   void (*warn)(void *ctx, const struct cstat_diag *d),
		   void *ctx, struct cstat_diag *d);
/*
 * The last keep runs of the history at path, read as cstat_history_read()
 * reads the whole history (the same tables, runs and warnings for those
 * records), without reading the records before them: the file is read
 * backwards from its end, a megabyte at a time, to the start of its last
 * keep non-blank lines, and from there forwards.  The regression gate uses
 * it (CSTAT_HISTORY_GATE_RUNS): its noise estimate needs a series' last
 * runs only.  A record cut short among those lines is skipped, so the
 * tables may hold one run fewer; warnings and errors give their line in
 * the whole file.  *cut (may be NULL) tells whether a record came before
 * the window (the history has more runs than were read).  keep 0 reads
 * the whole history.  Runs are numbered from the window's first, as in
 * a history of those records alone.
 * @return as cstat_history_read().
 */
CSTAT_EXPORT int cstat_history_read_tail(
	const char *path, size_t keep, const struct cstat_builder_opts *opts,
	double confidence, cstat_tables **t, cstat_run ***runs, size_t *nruns,
	bool *cut, void (*warn)(void *ctx, const struct cstat_diag *d),
	void *ctx, struct cstat_diag *d);
/*
 * cstat_history_read() with cstat's defaults (opts NULL), through a
 * snapshot at cache (a file path; its directory must exist): what reading
 * the history gave last time (tables, runs, warnings), kept with the
 * history's identity (device, inode, size, modification time and a hash
 * of its last 4 KiB).  When the history still has that identity, the
 * snapshot is read instead, about ten times faster, and its warnings are
 * reported again.  When the history is the snapshot's file with lines
 * appended (the same file, its old end unchanged), only those lines are
 * read and their runs joined to the snapshot's tables, if that gives what
 * reading the whole file gives (no new table, benchmark or Unit
 * metadata).  Otherwise the history is read whole.  Either way the
 * snapshot is written anew (atomically, never through a link), unless the
 * history changed while it was read.  A missing, foreign or damaged
 * snapshot is rebuilt, and one that cannot be written is skipped: the
 * snapshot is never an error and never the only copy of anything.
 * Warnings are reported once, in order, after the reading.  *status (may
 * be NULL) tells 1 read from the snapshot, 2 from the snapshot and the
 * appended lines, 0 read the history and wrote the snapshot, -1 read the
 * history without writing one.  A NULL cache reads as
 * cstat_history_read() does.  The tables answer exactly as
 * cstat_history_read()'s.
 * @return as cstat_history_read().
 */
CSTAT_EXPORT int
cstat_history_read_cached(const char *path, const char *cache,
			  double confidence, cstat_tables **t,
			  cstat_run ***runs, size_t *nruns,
			  void (*warn)(void *ctx, const struct cstat_diag *d),
			  void *ctx, struct cstat_diag *d, int *status);
/*
 * cstat_history_read() with -filter filter (NULL: none; every other
 * option cstat's default), through a snapshot of that filtered read in
 * the folder dir (made if missing, never through a link): what the read
 * gave last time (tables, runs, warnings), kept with the history's
 * identity as cstat_history_read_cached() keeps it and with the filter's
 * exact text, which is compared (a file per filter, named by a hash of
 * its text).  A filter keeps some benchmarks, but finding them takes
 * reading every record; the snapshot of the filtered read is the size of
 * what it kept, so reading it again costs reading a small file.  When the
 * history only had lines appended, those lines are read with the same
 * filter and their runs joined, as cstat_history_read_cached() does.  At
 * most 16 filters' snapshots are kept in dir: writing a 17th removes the
 * least recently used (by modification time, which a read from a
 * snapshot renews).  dir is to hold these snapshots alone, one folder per
 * history (cbaseline: DIR/cache/NAME.filters).  A NULL dir, or one that
 * cannot be made or opened, reads as cstat_history_read() does.  *status
 * (may be NULL) and the tables, runs and warnings are as for
 * cstat_history_read_cached(): the tables answer exactly as
 * cstat_history_read()'s with that filter.
 * @return as cstat_history_read(): CSTAT_EINVAL also for a filter that
 *         does not parse (d says why).
 */
CSTAT_EXPORT int
cstat_history_read_filtered(const char *path, const char *dir,
			    const char *filter, double confidence,
			    cstat_tables **t, cstat_run ***runs, size_t *nruns,
			    void (*warn)(void *ctx, const struct cstat_diag *d),
			    void *ctx, struct cstat_diag *d, int *status);
/*
 * Checks, without reading the whole file, that a run may be appended to
 * the history at path: its last record (the last non-blank line, or the
 * line before it when that one was cut short by a crash: reported to warn,
 * which may be NULL) is a cstat-run/1 record this library reads.  Records
 * before it are not read.  A missing file passes.
 * @return 0; CSTAT_EFORMAT (the last record is of another schema or not a
 *         run: d says why, naming the file but no line); an open or read
 *         error (a link at path is CSTAT_EACCES); CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_history_check(const char *path,
				     void (*warn)(void *ctx,
						  const struct cstat_diag *d),
				     void *ctx, struct cstat_diag *d);
/*
 * What cbaseline list shows of a history (cstat_history_describe()).
 */
struct cstat_history_info {
	size_t runs;	     /* records, as cstat_history_load() counts runs */
	size_t skipped;	     /* records cut short by a crash, skipped */
	unsigned long lines; /* lines of the file, blank ones included */
	char *created;	     /* the last run's "created" (malloc'd: the
				caller frees it), or NULL */
	bool from_snapshot;  /* answered by the snapshot at cache */
};
/*
 * Describes the history at path without building its runs: how many
 * records it holds and the last one's "created", with the same notion of
 * a record as cstat_history_load() (blank lines skipped; records cut short
 * reported to warn, which may be NULL, and skipped; a record of an unknown
 * schema an error naming file and line).  When cache (may be NULL) is a
 * snapshot of cstat_history_read_cached() made from the history as it is
 * now (the same identity), the answer is the snapshot's, exact, from the
 * full reading that made it.  Otherwise one pass over the file judges
 * each line by its shape (the record's schema first, strings closed,
 * brackets balanced and matched, only JSON's bytes outside strings; a
 * line with an escape gets a full JSON syntax check) and parses in full
 * only the lines that fail it, the lines of another schema and the last
 * record.  What only a full reading catches: in records other than the
 * last, a missing comma or colon, a misspelt number or literal, and a
 * body of the wrong shape (docs/cbaseline.md, "What list and prune
 * check").
 * @return 0; CSTAT_EINVAL (path or info NULL); CSTAT_EFORMAT (d says
 *         which line); an open or read error (a link at path is
 *         CSTAT_EACCES); CSTAT_ENOMEM.  On failure *info is zeroed.
 */
CSTAT_EXPORT int
cstat_history_describe(const char *path, const char *cache,
		       struct cstat_history_info *info,
		       void (*warn)(void *ctx, const struct cstat_diag *d),
		       void *ctx, struct cstat_diag *d);
/*
 * Keeps the last keep records of the history at path, replacing it
 * atomically under the lock appends take; *removed (may be NULL) gets the
 * number of records dropped.  Records are found as
 * cstat_history_describe() finds them, without parsing each: blank lines
 * and records cut short go, a record of an unknown schema stops the prune
 * (CSTAT_EFORMAT, d naming its line, nothing written), and the kept
 * records are copied byte for byte, each ended by a newline.
 */
CSTAT_EXPORT int cstat_history_prune(const char *path, size_t keep,
				     size_t *removed, struct cstat_diag *d);
/*
 * Merges the history at from into the history at path (made if missing):
 * the union of their records by id (a record without one, written before
 * ids, is known by a hash of its bytes), each record's bytes copied as
 * they are, ordered by creation time (RFC 3339, compared as instants;
 * records without one first), then by id.  The result depends only on
 * the set of records, so merging a into b and b into a give the same
 * bytes and merging again changes nothing.  Records cut short go to warn
 * (may be NULL) and are left out; a record of an unknown schema, in
 * either file, is an error and nothing is written.  path is replaced
 * atomically under the lock appends take, and only when its bytes
 * change; links at path, its lock or from are refused (CSTAT_EACCES).
 * *added (may be NULL): runs path did not have; *total: runs it has now.
 * @return 0, CSTAT_EINVAL, CSTAT_EFORMAT or an I/O error, d saying why.
 */
CSTAT_EXPORT int cstat_history_merge(const char *path, const char *from,
				     size_t *added, size_t *total,
				     void (*warn)(void *ctx,
						  const struct cstat_diag *d),
				     void *ctx, struct cstat_diag *d);
/*
 * Merges the baseline at from into the baseline at path: the newer by
 * "created" (compared as instants; one without sorts oldest) stays, of
 * equal times the greater id (a hash of the file for a baseline without
 * one), then the greater bytes, so merging either way round gives the
 * same file.  from's bytes replace path atomically when from wins or
 * path does not exist; *replaced (may be NULL) says whether they did.
 * Either file unreadable as a baseline is an error and nothing changes.
 * @return 0, CSTAT_EINVAL, CSTAT_EFORMAT or an I/O error, d saying why.
 */
CSTAT_EXPORT int cstat_baseline_merge(const char *path, const char *from,
				      bool *replaced, struct cstat_diag *d);

/*
 * A change point of a history: where the level of one series (one row of
 * one table of cstat_history_build(), its run medians in run order)
 * shifted.  before and after are the medians of the run medians of the
 * segments either side, which end at the neighbouring change points.
 */
struct cstat_change {
	size_t table, row; /* the series */
	size_t col;	   /* the table column of the first run after it */
	size_t run;	   /* that run's number, 1 to n (its column label) */
	double before, after;
	double change; /* after / before - 1; +-inf or NaN when before is 0 */
	double p;      /* p-value of the split over all splits, <= alpha */
};

/*
 * Finds the change points of every row of history tables t (from
 * cstat_history_build()): a CUSUM of robust scores applied by binary
 * segmentation, each split tested by permutation with a fixed seed
 * (docs/cbaseline.md), so the same tables always give the same changes.
 * A row's series is its runs' centers in run order, with the standard
 * error of each center from the run's own values; runs without results
 * (or with a non-finite center) are left out.  With since > 0 only runs
 * numbered above m - since count, m being the highest run number in t.
 * alpha is the false-positive rate of a series without change, whatever
 * its length, in (0, 1]; 0 means the default, 0.005.  alpha is per
 * series: correcting for many series is the caller's business.
 * @return 0 with *out (an array the caller frees with free(), NULL when
 *         none) and *n set, in table, row and run order; CSTAT_EINVAL (a
 *         NULL pointer, alpha out of range, or a column label that is not
 *         a run number); CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_history_changes(const cstat_tables *t, size_t since,
				       double alpha, struct cstat_change **out,
				       size_t *n);
/*
 * cstat_history_changes() as it was when run until was the newest: only
 * runs numbered up to until count (0: all), and since counts back from
 * until.  The changes are those cstat_history_changes() finds in the
 * tables of the history's first until runs, without building them again:
 * what detect -fail-on new compares the newest runs' changes with.
 */
CSTAT_EXPORT int
cstat_history_changes_until(const cstat_tables *t, size_t since, size_t until,
			    double alpha, struct cstat_change **out, size_t *n);

/*
 * Writes history runs[0..n) as fmt: CSTAT_FORMAT_CSV (one record per run,
 * benchmark and unit), CSTAT_FORMAT_JSON (schema "cstat-history/1") or
 * CSTAT_FORMAT_HTML (a self-contained dashboard page with a chart per
 * benchmark and unit); docs/cbaseline.md describes them.  t is the tables
 * cstat_history_build() made of these runs, and ch[0..nch) changes found
 * in t (ch may be NULL when nch is 0).  Nothing is kept.
 * @return 0; CSTAT_EINVAL (another format, a NULL pointer, tables or
 *         changes that do not belong to these runs); CSTAT_EIO (a write
 *         failed); CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_history_write(cstat_run *const *runs, size_t n,
				     const cstat_tables *t,
				     const struct cstat_change *ch, size_t nch,
				     enum cstat_format fmt, FILE *out);
/*
 * cstat_history_write() as CSTAT_FORMAT_HTML, with every commit of the
 * table of change points linked to repo_url + "/commit/" + the commit
 * (percent-encoded), as GitHub, GitLab and Gitea name a commit's page.
 * repo_url NULL: commits are plain text, as cstat_history_write().
 * @return as cstat_history_write(); CSTAT_EINVAL also when repo_url does
 *         not start with http:// or https:// or holds a space or a
 *         control character.
 */
CSTAT_EXPORT int cstat_history_write_html(cstat_run *const *runs, size_t n,
					  const cstat_tables *t,
					  const struct cstat_change *ch,
					  size_t nch, const char *repo_url,
					  FILE *out);

/*
 * The reports of cbaseline's history, detect and list commands, in
 * CSTAT_FORMAT_TEXT, CSTAT_FORMAT_MARKDOWN (GitHub-flavoured tables for a
 * job summary) or CSTAT_FORMAT_JSON (schemas cstat-history-summary/1,
 * cstat-changes/1 and cstat-store-list/1); docs/cbaseline.md describes
 * them.  Each returns 0; CSTAT_EINVAL (another format, a NULL pointer,
 * changes that do not belong to the tables); CSTAT_EIO (a write to out
 * failed); CSTAT_ENOMEM.
 */

/*
 * Writes history runs[0..n) (n >= 1) as a line per benchmark and unit:
 * its number of runs with results, its first, last and median center and
 * a sparkline of the last 60.  t is the tables cstat_history_build()
 * made of these runs; name names the history in the report.
 */
CSTAT_EXPORT int cstat_history_summary_write(cstat_run *const *runs, size_t n,
					     const cstat_tables *t,
					     const char *name,
					     enum cstat_format fmt, FILE *out);

/*
 * What a report of change points says besides the changes.  A NULL
 * struct, as a zeroed one, means CSTAT_DETECT_REPORT_INIT: the history
 * named "history", every run, the default level, no alerting.
 */
struct cstat_detect_report {
	const char *name; /* the history's name; NULL: "history" */
	size_t since;	  /* as given to cstat_history_changes(); 0: all */
	double alpha;	  /* as given to cstat_history_changes(); 0: 0.005 */
	/* Per change, whether it alerts (cstat_history_alerts()); NULL when
	 * no alerting was asked for. */
	const bool *alert;
};

/* The defaults of struct cstat_detect_report, for an initialiser. */
#define CSTAT_DETECT_REPORT_INIT                                               \
	{                                                                      \
		NULL, 0, 0.0, NULL                                             \
	}

/*
 * Writes the change points ch[0..nch) that cstat_history_changes() found
 * in t, the tables of history runs[0..n) (n >= 1): a line each with its
 * run's commit and time, the levels before and after, the relative change
 * and its p-value, and whether it alerts when rep->alert is set.  rep
 * may be NULL for the defaults (CSTAT_DETECT_REPORT_INIT).
 */
CSTAT_EXPORT int
cstat_history_changes_write(cstat_run *const *runs, size_t n,
			    const cstat_tables *t,
			    const struct cstat_change *ch, size_t nch,
			    const struct cstat_detect_report *rep,
			    enum cstat_format fmt, FILE *out);

/*
 * Which change points of a history are new regressions: alert[k] (nch
 * entries, the caller's) is set when ch[k], a change of tables t, is for
 * the worse in its unit (slower for a lower-is-better unit, by
 * cstat_table_higher_better()) and och[0..noch), the changes found in
 * tables old of the same history before its newest runs were recorded,
 * hold no change for the worse of the same benchmark, unit and
 * configuration within 3 runs of it (a change's estimated run moves by a
 * run or two as runs accumulate).  So a change alerts once: when the
 * runs that make it detectable arrive.  old may be NULL when noch is 0
 * (no earlier history: every change for the worse alerts).
 * @return 0 or CSTAT_EINVAL (a NULL pointer, a change outside its tables).
 */
CSTAT_EXPORT int cstat_history_alerts(const cstat_tables *t,
				      const struct cstat_change *ch, size_t nch,
				      const cstat_tables *old,
				      const struct cstat_change *och,
				      size_t noch, bool *alert);

/* One entry of a store's listing (cstat_store_list_write()). */
struct cstat_store_entry {
	const char *kind;    /* "baseline" or "history" */
	const char *name;    /* the baseline's or history's name */
	const char *created; /* the baseline's time, or the last run's; NULL */
	size_t count;	     /* a baseline's values, a history's runs */
	const char *commit;  /* a baseline's commit, or NULL */
	const char *error;   /* why it could not be read, or NULL */
};

/* Writes a store's listing, entries e[0..n) in the order given. */
CSTAT_EXPORT int cstat_store_list_write(const struct cstat_store_entry *e,
					size_t n, enum cstat_format fmt,
					FILE *out);

/* ------------------------------------------------------------------------
 * Stores: baselines and histories in a directory or in a database
 * server (docs/cbaseline.md, "A shared store on PostgreSQL").
 *
 * A store named by a postgresql:// or postgres:// URI or a libpq
 * "key=value" connection string keeps what a store directory keeps, for
 * several projects in one database; any other location is a store
 * directory, through the same functions.  Reading gives the exact bytes the
 * directory's files would hold for the same runs (a baseline file, a
 * history file), so everything that reads those files reads these.
 * Credentials come from the location, libpq's environment (PGPASSWORD)
 * or ~/.pgpass; no message of these functions shows a password.  Names
 * are those a store directory takes (1 to 200 letters, digits, '.', '_'
 * and '-', not starting with '.' or '-'): any other is CSTAT_EINVAL.
 */
typedef struct cstat_store cstat_store;

/*
 * The kind of store location names: "postgresql" for a URI or a
 * key=value string as above, "file" for anything else (a store
 * directory, made when first written to), NULL for NULL or "".
 */
CSTAT_EXPORT const char *cstat_store_scheme(const char *location);
/*
 * location with its password left out, into buf (size bytes; truncated):
 * a URI's "user:password@" becomes "user@" and a password= parameter or
 * pair goes.  What to print wherever a location is named.
 */
CSTAT_EXPORT void cstat_store_redact(const char *location, char *buf,
				     size_t size);
/*
 * Connects to the store at location for project (NULL: "default"),
 * creating its tables or applying the migrations it lacks (one
 * transaction, under a lock: concurrent first opens migrate once).
 * A directory's store has one project and ignores project.
 * @return 0; CSTAT_EINVAL (NULL or "", or a malformed location);
 *         CSTAT_EFORMAT (the store's schema is newer than this library
 *         knows); CSTAT_EACCES (a privilege is missing); CSTAT_EIO (no
 *         connection, or the server refused); CSTAT_ENOMEM.  d says why.
 *         *out is NULL on failure.
 */
CSTAT_EXPORT int cstat_store_open(cstat_store **out, const char *location,
				  const char *project, struct cstat_diag *d);
/* Disconnects and frees s; NULL is a harmless no-op. */
CSTAT_EXPORT void cstat_store_close(cstat_store *s);
/*
 * Saves text[0..len), a baseline file's bytes (cstat_run_write() pretty),
 * as baseline name, replacing an older one.
 * @return 0 or an error as cstat_store_open()'s.
 */
CSTAT_EXPORT int cstat_store_baseline_save(cstat_store *s, const char *name,
					   const char *text, size_t len,
					   struct cstat_diag *d);
/*
 * Baseline name's bytes: *text (malloc'd, NUL-terminated) and *len.
 * @return 0, CSTAT_ENOENT (no such baseline) or an error as above.
 */
CSTAT_EXPORT int cstat_store_baseline_load(cstat_store *s, const char *name,
					   char **text, size_t *len,
					   struct cstat_diag *d);
/* Removes baseline name. @return 0, CSTAT_ENOENT or an error as above. */
CSTAT_EXPORT int cstat_store_baseline_remove(cstat_store *s, const char *name,
					     struct cstat_diag *d);
/*
 * The names of the store's baselines (kind "baseline") or histories
 * ("history"), sorted bytewise: *names a malloc'd array of n malloc'd
 * strings.  @return 0 or an error as above.
 */
CSTAT_EXPORT int cstat_store_names(cstat_store *s, const char *kind,
				   char ***names, size_t *n,
				   struct cstat_diag *d);
/*
 * Every baseline (kind "baseline") or history ("history") of the store as
 * cstat_store_list_write() lists it, sorted bytewise by name, read in one
 * query: a baseline's values, "created" and "commit", a history's number
 * of runs and its last run's "created" (a history without runs: count 0,
 * no created).  *e is a malloc'd array of n entries; free it with
 * cstat_store_entries_free().
 * @return 0, CSTAT_ESTATE when the store cannot (a store directory: read
 *         each file), or an error as above.
 */
CSTAT_EXPORT int cstat_store_describe(cstat_store *s, const char *kind,
				      struct cstat_store_entry **e, size_t *n,
				      struct cstat_diag *d);
/* Frees entries e[0..n) of cstat_store_describe() (their kind is not
 * freed: it is static); NULL is a harmless no-op. */
CSTAT_EXPORT void cstat_store_entries_free(struct cstat_store_entry *e,
					   size_t n);
/*
 * Appends record[0..len), a history line (cstat_run_write() on one line,
 * no newline), to history name (made if missing), in one transaction:
 * all of it or nothing.  A run whose id the history holds is not stored
 * again: *added (may be NULL) is false and the call succeeds.
 * @return 0, CSTAT_EFORMAT (not a cstat-run/1 record) or as above.
 */
CSTAT_EXPORT int cstat_store_record(cstat_store *s, const char *name,
				    const char *record, size_t len, bool *added,
				    struct cstat_diag *d);
/*
 * History name as its history file's bytes (each record and a newline,
 * in the order recorded): *bytes (malloc'd, NUL-terminated) and *len.
 * @return 0, CSTAT_ENOENT (no such history) or an error as above.
 */
CSTAT_EXPORT int cstat_store_history(cstat_store *s, const char *name,
				     char **bytes, size_t *len,
				     struct cstat_diag *d);
/*
 * The last keep runs (keep >= 1) of history name as cstat_store_history()
 * hands them back (all of them when it has fewer), for the regression
 * gate, which reads no more (CSTAT_GATE_HISTORY_RUNS).  A PostgreSQL
 * store reads only those runs (indexed); a directory hands back the whole
 * history (cstat_history_read_tail() reads its file's end instead).
 * @return as cstat_store_history(); CSTAT_EINVAL also for keep 0.
 */
CSTAT_EXPORT int cstat_store_history_tail(cstat_store *s, const char *name,
					  size_t keep, char **bytes,
					  size_t *len, struct cstat_diag *d);
/*
 * History name as history-file lines cut to benchmark bench's series:
 * those named bench or starting bench + "/" (its sub-benchmarks) or
 * bench + "-" (its -N runs), the superset of what cstat's filter
 * ".name:bench" keeps.  Every run is there, oldest first; a run without
 * such a series has no groups.  The records mean what the stored ones
 * mean (the same runs, metadata and values) but are not their bytes.  A
 * PostgreSQL store reads only those series (indexed); a directory, which
 * cannot select, hands back the whole history.
 * @return as cstat_store_history(); CSTAT_EINVAL also for an empty bench.
 */
CSTAT_EXPORT int cstat_store_history_series(cstat_store *s, const char *name,
					    const char *bench, char **bytes,
					    size_t *len, struct cstat_diag *d);
/*
 * The tables and runs cstat_history_read() makes, with opts (NULL: the
 * defaults) and confidence, of cstat_store_history_series()'s lines for
 * benchmark bench, or of the whole history (cstat_store_history()'s
 * lines) when bench is NULL, built by the store straight from the values
 * it keeps: no record text in between (a PostgreSQL store: each run's
 * metadata and the series' float8[] values).  Free with
 * cstat_tables_free() and cstat_history_free().
 * @return 0; CSTAT_ESTATE when the store cannot (a directory: read its
 *         history file with cstat_history_read(); a database row it cannot
 *         read as cbaseline writes them: read the records, whose reader
 *         says what is wrong); CSTAT_EINVAL (also an
 *         empty bench, confidence outside [0, 1]); as
 *         cstat_store_history().  On failure *t and *runs are NULL and
 *         *nruns 0.
 */
CSTAT_EXPORT int
cstat_store_history_tables(cstat_store *s, const char *name, const char *bench,
			   const struct cstat_builder_opts *opts,
			   double confidence, cstat_tables **t,
			   cstat_run ***runs, size_t *nruns,
			   struct cstat_diag *d);
/*
 * Keeps the last keep runs of history name; *removed (may be NULL) gets
 * how many went.  @return 0 or an error as above.
 */
CSTAT_EXPORT int cstat_store_prune(cstat_store *s, const char *name,
				   size_t keep, size_t *removed,
				   struct cstat_diag *d);
/*
 * Replaces history name by the records of bytes[0..len) (a history
 * file's lines), in one transaction.
 * @return 0, CSTAT_EFORMAT (a line that is no cstat-run/1 record:
 *         nothing changes) or an error as above.
 */
CSTAT_EXPORT int cstat_store_replace(cstat_store *s, const char *name,
				     const char *bytes, size_t len,
				     struct cstat_diag *d);
/*
 * Merges the records of bytes[0..len) (a history file's lines) into
 * history name (made if missing) as cstat_history_merge() merges two
 * files: each run once by its id, in creation-time order; *added and
 * *total (may be NULL) the runs name did not have and the runs it has
 * now.  The read of name and its rewrite are one step, so a run recorded
 * meanwhile is kept: on a database one transaction holding the history's
 * row lock (a record waits for it), on a directory the history's lock.
 * On a database a rewrite needs UPDATE on cstat_histories and DELETE on
 * cstat_runs.
 * @return 0, CSTAT_EFORMAT (a line that is no cstat-run/1 record: nothing
 *         changes) or an error as above.
 */
CSTAT_EXPORT int cstat_store_merge(cstat_store *s, const char *name,
				   const char *bytes, size_t len, size_t *added,
				   size_t *total, struct cstat_diag *d);

/*
 * cstat_store_history_tables(), through snapshots in the folder dir (made
 * 0700 if missing; the caller makes sure it is its own, as for
 * cstat_store_history_cache(), and holds a lock for the call): one
 * statement asks the store which rows history name holds now (as
 * cstat_store_history_cache() asks), and when dir holds the tables built
 * for those rows, bench, opts (every field's text) and confidence, they
 * are read from there, without the store; otherwise they are built by the
 * store and, when the history did not change while they were (asked
 * again after), written there.  The snapshots are those of
 * cstat_history_read_filtered() (a file per read, named by a hash of a
 * text naming the rows and the read, which is kept inside and compared;
 * at most 16 in dir with those of cstat_history_read_filtered(), the
 * least recently used removed), never the only copy of anything and never
 * an error: a damaged or foreign one is built again.  A history that only
 * grew (the same first run, runs recorded after the kept ones' last) has
 * the records of the runs recorded since read from the store and joined
 * to the kept tables, as a store directory's snapshot joins records
 * appended to its history, when that gives the tables the store builds
 * (no new benchmark, table or Unit metadata among them); otherwise it is
 * built again whole.  *status (may be NULL): 1 read from dir, 0 built and
 * written there, 2 joined and written there, -1 built (or joined) without
 * writing.  A NULL dir, or a store
 * that cannot say which rows it holds (CSTAT_ESTATE for
 * cstat_store_history_cache()), builds as cstat_store_history_tables().
 * @return as cstat_store_history_tables().
 */
CSTAT_EXPORT int cstat_store_history_tables_cached(
	cstat_store *s, const char *name, const char *bench,
	const struct cstat_builder_opts *opts, double confidence,
	const char *dir, cstat_tables **t, cstat_run ***runs, size_t *nruns,
	int *status, struct cstat_diag *d);

/* How cstat_store_history_cache() brought its copy up to date. */
enum cstat_cache_how {
	CSTAT_CACHE_HIT,      /* the copy held what the store holds */
	CSTAT_CACHE_APPENDED, /* the runs recorded since were appended */
	CSTAT_CACHE_FETCHED,  /* the whole history was read again */
};

/*
 * Brings the copy of history name in the folder open as dirfd up to date
 * with the store: history/NAME.jsonl there (a store directory's history
 * file, so the file store reads it and keeps its snapshot beside it) and
 * a file "identity" saying which of the store's rows it holds and which
 * file was written.  One statement asks the store what the history holds
 * now; the copy is then kept when it holds that, has the runs recorded
 * since appended when the history only grew at its end, and is replaced
 * by the whole history otherwise (pruned, rewritten by a merge, removed
 * and made again, another database, a copy whose size or last 4 KiB
 * changed).  Files are opened relative to dirfd, never through a symbolic
 * link, and made 0600 (history/ 0700).  The caller makes the folder safe
 * (its own, not writable by others) and holds its lock for the call and
 * the reads that follow; *how (may be NULL) gets what was done.
 * @return 0; CSTAT_ENOENT (no such history: the copy is removed);
 *         CSTAT_ESTATE (a store that cannot say which rows it holds, such
 *         as a directory, which is read where it is); CSTAT_EIO (also a
 *         copy that could not be written, or a history that kept changing
 *         while it was read: the copy then has no identity and is not
 *         to be read); CSTAT_EINVAL; or an error as above.
 */
CSTAT_EXPORT int cstat_store_history_cache(cstat_store *s, const char *name,
					   int dirfd, enum cstat_cache_how *how,
					   struct cstat_diag *d);

/*
 * Brings the copy of baseline name in the folder open as dirfd up to date
 * with the store, as cstat_store_history_cache() does a history's:
 * baselines/NAME.json there (a store directory's baseline file) holds the
 * store's bytes, written to a file of its own and renamed into place
 * (opened without following a symbolic link, 0600; baselines/ 0700), or
 * is removed when the store has no such baseline.  The baseline is read
 * whole each time (a baseline is one run).  The caller makes the folder
 * safe and holds its lock, as for cstat_store_history_cache().
 * @return 0; CSTAT_ENOENT (no such baseline: the copy is removed);
 *         CSTAT_EIO (the copy could not be written or removed);
 *         CSTAT_EINVAL; or an error of cstat_store_baseline_load().
 */
CSTAT_EXPORT int cstat_store_baseline_cache(cstat_store *s, const char *name,
					    int dirfd, struct cstat_diag *d);

/*
 * Formats v of unit as benchstat scales a lone value ("1.718µ" for
 * 1.718e-6 sec/op, "1.500Ki" for 1536 B/op), without the unit, into buf
 * (truncated to size - 1 bytes; buf may be NULL to count only; a NULL
 * unit scales as a unit of no class).  @return the full length, as
 * snprintf.
 */
CSTAT_EXPORT size_t cstat_format_value(double v, const char *unit, char *buf,
				       size_t size);

/* ------------------------------------------------------------------------
 * Regression gate: a verdict for every comparison of built tables.
 *
 * A comparison is one row (benchmark) and unit of a table, a later column
 * against the table's first (baseline) column.  Its verdict is
 *
 *   regression   the change is in the worse direction for the unit, the
 *                U test is significant at alpha after the correction for
 *                the number of comparisons, and |change| > threshold;
 *   improvement  the same in the better direction;
 *   inconclusive the benchmark is missing on one side, or the sample sizes
 *                cannot reach the significance level a lone change needs
 *                (alpha divided by the number of comparisons under holm
 *                and bh, alpha under none);
 *   unchanged    otherwise.
 *
 * The change is the relative change of the medians (cstat's delta); its
 * confidence interval is the distribution-free Hodges-Lehmann interval of
 * the ratio new / base (on the log scale), or, when some value is <= 0,
 * that of the difference divided by the baseline median.  The threshold
 * applies to the change itself, or with "threshold_on" "interval" to its
 * whole interval.  docs/cregress.md writes the rule out in full.
 */
enum cstat_verdict {
	CSTAT_UNCHANGED = 0,
	CSTAT_IMPROVEMENT = 1,
	CSTAT_REGRESSION = 2,
	CSTAT_INCONCLUSIVE = 3,
};

/* "unchanged", "improvement", "regression", "inconclusive" or NULL. */
CSTAT_EXPORT const char *cstat_verdict_name(int verdict);

/* Corrections for testing many comparisons at once. */
enum cstat_correction {
	CSTAT_CORRECTION_HOLM = 0, /* Holm-Bonferroni: family-wise error */
	CSTAT_CORRECTION_BH = 1,   /* Benjamini-Hochberg: false discovery */
	CSTAT_CORRECTION_NONE = 2,
};

/* "holm", "bh", "none" or NULL. */
CSTAT_EXPORT const char *cstat_correction_name(int correction);

/* Classes of units, for thresholds and direction. */
enum cstat_unit_class {
	CSTAT_CLASS_TIME = 0,	    /* sec/op, sec/iter, ... */
	CSTAT_CLASS_MEMORY = 1,	    /* B/op, ... */
	CSTAT_CLASS_ALLOCS = 2,	    /* allocs/op */
	CSTAT_CLASS_THROUGHPUT = 3, /* B/s, ops/s, x/sec: higher is better */
	CSTAT_CLASS_OTHER = 4,
};

/* "time", "memory", "allocs", "throughput", "other" or NULL. */
CSTAT_EXPORT const char *cstat_unit_class_name(int cls);

/* The class of a (tidied) unit; see docs/cregress.md for the rule. */
CSTAT_EXPORT int cstat_unit_class_of(const char *unit);

/*
 * The gate's settings: alpha, correction, thresholds, ignore patterns and
 * unit directions.  Defaults: alpha 0.05, holm, threshold 5%.
 */
typedef struct cstat_gate_config cstat_gate_config;

/* @return 0 or CSTAT_ENOMEM; *out is NULL on failure. */
CSTAT_EXPORT int cstat_gate_config_new(cstat_gate_config **out);
/* Frees the settings; NULL is a harmless no-op. */
CSTAT_EXPORT void cstat_gate_config_free(cstat_gate_config *c);

/*
 * Applies one setting, as the cregress flags and the config file do.
 *   "alpha"       a number in (0, 1), e.g. "0.05"
 *   "confidence"  a number in (0, 1) for the change's interval, "0.95"
 *   "correction"  "holm", "bh" or "none"
 *   "threshold_on" "estimate" (default: the change must pass the
 *                 threshold) or "interval" (its whole confidence interval
 *                 must)
 *   "threshold"   "[SELECTOR=]PCT": PCT such as "5%"; SELECTOR is
 *                 "class:NAME", "unit:UNIT", "bench:GLOB", or a bench
 *                 selector and a class or unit joined by ','.  Without a
 *                 selector it sets the default.
 *   "ignore"      a GLOB of benchmark names to leave out of the gate
 *   "better"      "UNIT=higher" or "UNIT=lower"
 *   "noise-alpha" a number in (0, 1): the family-wise chance that a run
 *                 of the same code exceeds some noise-aware threshold
 *                 (cstat_gate_config_set_history()); default 0.005
 *   "fingerprint" the configuration keys that describe the machine, not
 *                 the code, joined by ',' ("" for none); default
 *                 CSTAT_DEFAULT_FINGERPRINT.  cregress leaves them out of
 *                 its projection so that runs on two machines compare,
 *                 and warns when they differ (cstat_builder_watch()).
 * GLOBs are fnmatch(3) patterns matched against the row label cstat
 * prints, and against the label without go test's "-N" GOMAXPROCS suffix
 * ("bench:Encode/j*" matches "Encode/json-8").  Among rules that match a
 * comparison the most specific wins (bench and unit, bench and class,
 * bench, unit, class, default); among equally specific ones, the last one
 * set.
 * @return 0; CSTAT_EINVAL with d->message saying what is wrong; or
 *         CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_gate_config_set(cstat_gate_config *c, const char *key,
				       const char *value, struct cstat_diag *d);

/*
 * The default machine-fingerprint keys: what the readers put in the
 * configuration that describes the machine a run was on: Go's cpu, goos
 * and goarch lines; pytest-benchmark's and BenchmarkDotNet's cpu, os and
 * arch; Google Benchmark's host_name, num_cpus and cpu_scaling_enabled.
 */
#define CSTAT_DEFAULT_FINGERPRINT                                              \
	"cpu,goos,goarch,os,arch,host_name,num_cpus,cpu_scaling_enabled"

/* The fingerprint keys of c, comma-separated: borrowed until c is freed or
 * the setting changes; NULL when c is NULL. */
CSTAT_EXPORT const char *
cstat_gate_config_fingerprint(const cstat_gate_config *c);

/* The largest config file cstat_gate_config_load() reads by default. */
#define CSTAT_DEFAULT_MAX_CONFIG ((size_t)16 << 20)

/*
 * Sets the largest config file cstat_gate_config_load() reads (0: the
 * default, CSTAT_DEFAULT_MAX_CONFIG, 16 MiB); a longer one fails with
 * CSTAT_EIO and "read FILE: file too large (over N bytes)".
 * @return 0 or CSTAT_EINVAL (c is NULL).
 */
CSTAT_EXPORT int cstat_gate_config_set_max_size(cstat_gate_config *c,
						size_t max_bytes);

/*
 * Reads a JSON config file (docs/cregress.md has the schema) into c; its
 * settings apply in the order written, as cstat_gate_config_set() would.
 * @return 0; CSTAT_ENOENT, CSTAT_EACCES, CSTAT_EISDIR or CSTAT_EIO (the file
 *         could not be read, or is over cstat_gate_config_set_max_size());
 *         CSTAT_ESYNTAX (not JSON: d has the line and
 *         column); CSTAT_EINVAL (an unknown key or a bad value: d names it
 *         and its line); CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_gate_config_load(cstat_gate_config *c, const char *path,
					struct cstat_diag *d);
/* The same for the len bytes at data (NULL only when len is 0), named name
 * in messages (NULL: "<memory>").  (Both parse with cJSON, whose parser
 * records its last error position in a global of its own: load settings
 * on one thread at a time.  Numbers are read in the "C" locale's syntax
 * whatever the program's locale.) */
CSTAT_EXPORT int cstat_gate_config_load_mem(cstat_gate_config *c,
					    const char *data, size_t len,
					    const char *name,
					    struct cstat_diag *d);

/*
 * Gives the gate a history of runs to estimate each benchmark's run-to-run
 * noise from (docs/cregress.md, "Noise-aware threshold").  history is the
 * tables cstat_history_build() makes (a column per run); for each of its
 * series (configuration, unit and benchmark, matched to a comparison by
 * the configuration text without the "fingerprint" keys (set them
 * first), unit and row label) this computes the standard
 * deviation of the log run medians over the runs since the series' last
 * change point (cstat_history_changes() at its default level), at most
 * the last 30, leaving out runs more than 5 robust standard deviations
 * (1.4826 MAD) from their median.  A comparison's noise-aware threshold
 * is then the one-sided Student t bound on the change between two runs,
 * exp(t * sqrt(2) * sd) - 1 (1 - exp(-t * sqrt(2) * sd) when higher is
 * better), t the quantile at noise-alpha / m with runs - 1 degrees of
 * freedom, m the gate's family size; the gate requires a change to exceed
 * it as well as the threshold.  Series with fewer than 5 usable runs get
 * none.  from names the history in the reports (copied; NULL: "history").
 * Nothing of history is kept: it may be freed after the call.  A NULL
 * history removes what an earlier call set.
 * @return 0; CSTAT_EINVAL (c is NULL, or history's column labels are not
 *         run numbers); CSTAT_ENOMEM (c then has no history).
 */
CSTAT_EXPORT int cstat_gate_config_set_history(cstat_gate_config *c,
					       const cstat_tables *history,
					       const char *from);

/*
 * The runs of its history the regression gate reads: the noise estimate
 * uses a series' runs since its last change point, at most the last 30,
 * and the change-point search over the last 500 runs finds the same last
 * change as over the whole series in nearly every series
 * (docs/cregress.md, "The window"), so cregress -history and cbaseline
 * gate read only these (cstat_history_read_tail()).
 */
#define CSTAT_GATE_HISTORY_RUNS 500

/*
 * Says whether the history last given to cstat_gate_config_set_history()
 * holds only the last runs of a longer one (cut true: a window read by
 * cstat_history_read_tail()); the reports then say "the last N of its
 * runs" rather than "N runs", and the JSON report adds
 * "noise_runs_cut": true.  cstat_gate_config_set_history() clears it.
 * @return 0; CSTAT_EINVAL (c is NULL).
 */
CSTAT_EXPORT int cstat_gate_config_set_history_cut(cstat_gate_config *c,
						   bool cut);

/* One comparison and its verdict.  Strings are borrowed from the gate. */
struct cstat_check {
	int verdict;	    /* enum cstat_verdict */
	const char *reason; /* why, for inconclusive ones; else "" */
	const char *name;   /* the row label */
	const char *unit;
	/* The table's key, "k:v k:v", values trimmed: written by
	 * cstat_gate_get() when first asked for. */
	const char *config;
	const char *base_label, *new_label; /* column labels */
	size_t table, row, col;		    /* where it is in the tables */
	int unit_class;			    /* enum cstat_unit_class */
	bool higher_better;
	const char *direction_from; /* "unit class", "Unit metadata", ... */
	bool exact;		    /* assume=exact: values compared directly */
	size_t n_base, n_new;	    /* 0 when missing */
	double base_center, new_center; /* medians (modes when exact) */
	double change;			/* new/base - 1; NaN if undefined */
	/*
	 * Confidence interval of the change (level "confidence"): exp(.) - 1
	 * of the Hodges-Lehmann interval of the pairwise log ratios
	 * log(new_j) - log(base_i), so never below -1 (-100%); when a value
	 * is <= 0 (see additive), the interval of shift divided by
	 * |base_center|.  For exact units, the change itself.  NaN when
	 * undefined; an unbounded end (too few values) is -1 or -inf, +inf.
	 */
	double change_lo, change_hi;
	/* The Hodges-Lehmann shift in the unit (the median of the pairwise
	 * differences new_j - base_i) and its distribution-free interval,
	 * whatever the scale of change_lo and change_hi; the modes'
	 * difference for exact units.  NaN when undefined. */
	double shift, shift_lo, shift_hi;
	double p;	   /* two-sided U test; NaN when not tested */
	double p_adjusted; /* after the correction */
	double p_min;	   /* the smallest p these sample sizes allow */
	double threshold;  /* as a fraction: 0.05 is 5% */
	const char *rule;  /* the rule that gave the threshold */
	/* The interval is of the difference divided by the base median (the
	 * additive interval), because some value is <= 0 and the log-ratio
	 * interval cannot be had. */
	bool additive;
	/* The noise-aware threshold (cstat_gate_config_set_history()): the
	 * run-to-run change a run of the same code stays within, in the
	 * unit's worse direction, a fraction the change must exceed as well
	 * as the threshold.  NaN without a history, for exact units, and for
	 * benchmarks with fewer than 5 usable runs in it. */
	double noise;
	double noise_spread; /* the SD of the log run medians it comes from */
	size_t noise_runs;   /* the runs it comes from (found, if too few) */
};

/* The verdicts of every comparison of some tables. */
typedef struct cstat_gate cstat_gate;

/*
 * Judges every comparison of t under c.  c may be NULL for the default
 * settings (those of a new cstat_gate_config: alpha 0.05, holm, 5%).  Unit
 * metadata (better=higher) comes from units, which may be NULL.  t, c and
 * units are borrowed and must outlive the gate.  With calibrate, each
 * comparison also gets the smallest change it could detect
 * (cstat_gate_detectable()), which costs a search per comparison: cregress -aa
 * uses it.
 * @return 0, CSTAT_EINVAL or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_gate_new(cstat_gate **out, const cstat_tables *t,
				const cstat_gate_config *c,
				const cstat_reader *units, bool calibrate);
/*
 * cstat_gate_new() on up to threads threads (0 and 1: the calling thread
 * only): with 2, each measures half of the comparisons (U test,
 * Hodges-Lehmann shift and intervals) when there are at least 2,048.  The
 * verdicts are the same whatever the number of threads.
 * @return 0, CSTAT_EINVAL or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_gate_new_threaded(cstat_gate **out,
					 const cstat_tables *t,
					 const cstat_gate_config *c,
					 const cstat_reader *units,
					 bool calibrate, unsigned threads);
/* Frees the gate; NULL is a harmless no-op. */
CSTAT_EXPORT void cstat_gate_free(cstat_gate *g);

/* The number of comparisons judged (ignored ones are not among them). */
CSTAT_EXPORT size_t cstat_gate_count(const cstat_gate *g);
/*
 * Comparison i, in table, row and column order, or NULL (i out of range,
 * or out of memory).  Borrowed until the gate is freed.  The gate writes
 * a comparison's config text the first time it is asked for: a gate over
 * many configurations of many keys keeps only the texts asked for (its
 * reports print few).  Safe to call from several threads at once.
 */
CSTAT_EXPORT const struct cstat_check *cstat_gate_get(const cstat_gate *g,
						      size_t i);
/* How many comparisons have verdict v. */
CSTAT_EXPORT size_t cstat_gate_tally(const cstat_gate *g, int verdict);
/* How many comparisons an ignore pattern left out. */
CSTAT_EXPORT size_t cstat_gate_ignored(const cstat_gate *g);
/*
 * The detectable change of comparison i: the least relative change in the
 * worse direction that the gate calls a regression in 80% of comparisons
 * of two runs like this one (each with n_base + n_new values), at the
 * level a lone change must reach and under the threshold rule, for
 * lognormal noise of the comparison's measured spread (docs/cregress.md).
 * Deterministic: a fixed-seed simulation.  NaN without calibrate or when
 * none (no sample size could reach the level, or the spread is unknown).
 */
CSTAT_EXPORT double cstat_gate_detectable(const cstat_gate *g, size_t i);

/*
 * The gate's exit status: 1 when a comparison regressed (or, with strict,
 * was inconclusive), else 0.
 */
CSTAT_EXPORT int cstat_gate_status(const cstat_gate *g, bool strict);

/*
 * Writes, for every judged or ignored comparison whose name matches the
 * fnmatch(3) pattern, which rules matched it and which one applied, its
 * direction and why, and the numbers behind its verdict.
 * @return the number of comparisons described, CSTAT_EIO or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_gate_explain(const cstat_gate *g, const char *pattern,
				    FILE *out);

/*
 * Names the benchmarks of g's tables closest to the glob pattern: at most
 * max distinct row labels (without a "-N" GOMAXPROCS suffix), fewest edits
 * first (the edits that make a label match the glob: '*' and '?' match
 * for free), ties in table order, joined by ", " into buf (truncated to
 * size - 1 bytes).  Only labels within a third of the glob's characters
 * (at least 2 edits) are named, or else the closest ones.
 * @return the number of names, or CSTAT_EINVAL / CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_gate_closest(const cstat_gate *g, const char *pattern,
				    size_t max, char *buf, size_t size);

/*
 * Checks the settings' threshold rules against g's benchmarks: for each
 * rule with a bench: glob that matches no row label of g's tables (judged
 * or ignored), calls warn with d->message such as
 *   threshold rule "bench:Encdoe/j*=5%" matches no benchmark; closest:
 *   Encode/json, Encode/gob
 * (a rule from a config file is followed by its "(FILE:LINE)").  warn may
 * be NULL to count only.
 * @return the number of such rules, or CSTAT_EINVAL / CSTAT_ENOMEM.
 */
CSTAT_EXPORT int
cstat_gate_check_rules(const cstat_gate *g,
		       void (*warn)(void *ctx, const struct cstat_diag *d),
		       void *ctx);

/* Report formats. */
enum cstat_report {
	CSTAT_REPORT_TEXT = 0,	   /* regressions, improvements, summary */
	CSTAT_REPORT_MARKDOWN = 1, /* a pull-request comment */
	CSTAT_REPORT_JSON = 2,	   /* versioned schema, every number */
	CSTAT_REPORT_JUNIT = 3,	   /* one test case per comparison */
	CSTAT_REPORT_GITHUB = 4,   /* ::error / ::warning annotations */
	/* An A/A calibration: every comparison's change, p-value and the
	 * smallest change it could detect, and the false-alarm rate.  Needs
	 * a gate made with calibrate. */
	CSTAT_REPORT_CALIBRATION = 5,
};

/*
 * Writes the report.  strict marks inconclusive comparisons as failures
 * where the format has failures (junit, github).
 * @return 0, CSTAT_EINVAL (unknown format), CSTAT_EIO or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_gate_write(const cstat_gate *g, enum cstat_report format,
				  bool strict, FILE *out);

/*
 * Sets *out to the report called name: "text", "markdown" (or "md"),
 * "json", "junit", "github" or "calibration", so a caller need not know the
 * order of enum cstat_report.
 * @return 0, or CSTAT_EINVAL (a NULL argument or an unknown name; *out is
 *         then unchanged).
 */
CSTAT_EXPORT int cstat_report_parse(const char *name, enum cstat_report *out);

/* ------------------------------------------------------------------------
 * v1: the pre-2023 benchstat (cstat -v1).
 *
 * golang.org/x/perf's old benchstat, kept for scripts that depend on its
 * output: files are read without unit tidying or warnings, each
 * benchmark's values lose those outside 1.5 IQR of the R8 quartiles, the
 * center is the mean of the rest and the "±" its largest relative
 * deviation, and a change is shown when p < alpha.  docs/v1.md says how it
 * differs from the current statistics.
 */
typedef struct cstat_v1 cstat_v1;

/* The delta tests of -delta-test. */
enum cstat_v1_test {
	CSTAT_V1_UTEST = 0,  /* Mann-Whitney U */
	CSTAT_V1_TTEST = 1,  /* Welch's t-test */
	CSTAT_V1_NOTEST = 2, /* none: every change is shown */
};

/* The row orders of -sort. */
enum cstat_v1_sort {
	CSTAT_V1_SORT_NONE = 0,	      /* input order */
	CSTAT_V1_SORT_NAME = 1,	      /* by name, bytewise */
	CSTAT_V1_SORT_DELTA = 2,      /* regressions first */
	CSTAT_V1_SORT_NAME_DESC = 3,  /* "-name" */
	CSTAT_V1_SORT_DELTA_DESC = 4, /* "-delta" */
};

/* The output formats of cstat_v1_write(). */
enum cstat_v1_format {
	CSTAT_V1_TEXT = 0,
	CSTAT_V1_CSV = 1,
	CSTAT_V1_HTML = 2,
};

/*
 * Old benchstat's flags.  A NULL struct, as a zeroed one, means
 * CSTAT_V1_OPTS_INIT: the U test, alpha 0.05, no geomean row, split by
 * "pkg,goos,goarch", input order; these are old benchstat's defaults.
 */
struct cstat_v1_opts {
	int test; /* enum cstat_v1_test; 0: CSTAT_V1_UTEST */
	/* Significant iff p < alpha; 0 means 0.05, as old benchstat's
	 * -alpha 0 does. */
	double alpha;
	bool geomean; /* add a "[Geo mean]" row to each table */
	/* Comma-separated labels to group rows by (name labels first, then
	 * file configuration); NULL means "pkg,goos,goarch", "" none.
	 * Borrowed during cstat_v1_new() only. */
	const char *split;
	int sort; /* enum cstat_v1_sort; 0: CSTAT_V1_SORT_NONE */
};

/* The defaults of struct cstat_v1_opts, for an initialiser. */
#define CSTAT_V1_OPTS_INIT                                                     \
	{                                                                      \
		CSTAT_V1_UTEST, 0.05, false, NULL, CSTAT_V1_SORT_NONE          \
	}

/*
 * The test named as -delta-test takes it, in any case: "utest", "u",
 * "u-test", "ttest", "t", "t-test" or "none".
 * @return an enum cstat_v1_test value, or CSTAT_EINVAL.
 */
CSTAT_EXPORT int cstat_v1_test_parse(const char *name);

/*
 * The order named as -sort takes it, in any case: "none", "name", "delta",
 * "-name" or "-delta".
 * @return an enum cstat_v1_sort value, or CSTAT_EINVAL.
 */
CSTAT_EXPORT int cstat_v1_sort_parse(const char *name);

/*
 * Creates an empty collection.
 * @param out   receives the collection, to be freed with cstat_v1_free(),
 *              or NULL on failure.
 * @param opts  the options, copied; NULL for the defaults.
 * @return 0, CSTAT_EINVAL or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_v1_new(cstat_v1 **out, const struct cstat_v1_opts *opts);

/* Frees a collection.  Freeing NULL is a harmless no-op. */
CSTAT_EXPORT void cstat_v1_free(cstat_v1 *c);

/*
 * Sets how many threads read files and compute: 0 or 1 (the default) uses
 * the calling thread only; 2 or more also parses each file ahead on one
 * helper thread while the calling thread adds what it parsed, and shares
 * the statistics of a large table's rows between two threads.  The
 * results are the same either way.
 * @return 0, or CSTAT_EINVAL if c is NULL.
 */
CSTAT_EXPORT int cstat_v1_set_threads(cstat_v1 *c, unsigned threads);

/*
 * Reads the results file at path as the next column, named path.  A path
 * read twice names one column twice: the two share their values.
 * @return 0; CSTAT_ENOENT, CSTAT_EACCES, CSTAT_EISDIR or CSTAT_EIO with d
 *         holding "open PATH: ..." or "read PATH: ..."; CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_v1_add_file(cstat_v1 *c, const char *path,
				   struct cstat_diag *d);

/*
 * Reads len bytes of results text as the next column, named name (copied).
 * @return 0, CSTAT_EINVAL or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_v1_add_mem(cstat_v1 *c, const char *name,
				  const char *data, size_t len);

/*
 * Computes the tables and writes them in format;
 * norange drops the range columns of CSV.  May be called again after
 * more input.
 * @return 0, CSTAT_EINVAL, CSTAT_EIO or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_v1_write(cstat_v1 *c, enum cstat_v1_format format,
				bool norange, FILE *out);

/* ------------------------------------------------------------------------
 * Scaling analysis (cstat -scaling KEY; docs/analyses.md).
 *
 * How cost grows with a numeric sub-benchmark key: BenchmarkSort/n=1000-8
 * has key n = 1000 and family "Sort-8".  For each family, unit and input
 * the points (n, value) are fitted as value = c * n^k on log-log axes by
 * Theil-Sen over all points (the median of the slopes of every pair of
 * points with different n), with Sen's distribution-free interval for k.
 * A complexity class is named only when the interval holds that class's
 * exponent over the measured range and no other class's.
 */
typedef struct cstat_scaling cstat_scaling;

/* One fit.  With fewer than two distinct sizes k, lo and hi are NaN. */
struct cstat_scaling_fit {
	double k;	    /* Theil-Sen estimate of the exponent */
	double lo, hi;	    /* its interval; -inf/+inf when too few points */
	double nmin, nmax;  /* the range of n */
	size_t nsizes;	    /* distinct values of n */
	size_t npoints;	    /* points fitted (values > 0) */
	size_t npairs;	    /* pairs with different n: the slopes */
	size_t nonpositive; /* values <= 0 set aside (no logarithm) */
	/* The class the interval supports ("O(n log n)"), or NULL when it
	 * holds none or several; the class whose exponent is nearest k (NULL
	 * without a fit).  Static strings. */
	const char *class_name;
	const char *nearest;
};

/* One family and unit: a fit per input (npoints 0 where it has none). */
struct cstat_scaling_row {
	const char *family;
	const char *unit;
	size_t ninputs;
	const struct cstat_scaling_fit *fits;
	/* Some input's interval does not overlap the first input's. */
	bool changed;
};

/*
 * Fits the m points (n[i], y[i]) (points with n or y not positive and
 * finite are set aside and counted in nonpositive) at the confidence level
 * (0 < confidence < 1) into *out.
 * @return 0, CSTAT_EINVAL or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_scaling_fit_points(const double *n, const double *y,
					  size_t m, double confidence,
					  struct cstat_scaling_fit *out);

/*
 * The classes cstat names, in order of growth: their count, name (static;
 * NULL when c is out of range) and exponent over [nmin, nmax] on log-log
 * axes (the chord's slope; the log factor is ln(1 + n); NaN when c is out
 * of range or the range is empty).
 */
CSTAT_EXPORT size_t cstat_scaling_class_count(void);
CSTAT_EXPORT const char *cstat_scaling_class_name(size_t c);
CSTAT_EXPORT double cstat_scaling_class_exponent(size_t c, double nmin,
						 double nmax);

/*
 * Creates an analysis in key ("n" or "/n") of ninputs inputs at the
 * confidence level.  Free it with cstat_scaling_free(); *out is NULL on
 * failure.
 * @return 0, CSTAT_EINVAL (out NULL, key empty or holding '/' or '=',
 *         ninputs 0, confidence not in (0, 1)) or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_scaling_new(cstat_scaling **out, const char *key,
				   size_t ninputs, double confidence);
/* Frees the analysis; NULL is a harmless no-op. */
CSTAT_EXPORT void cstat_scaling_free(cstat_scaling *s);

/*
 * Adds every value of res to input's series of its family and unit.  A
 * result whose name has no part KEY=number (number > 0) is skipped.  The
 * first result of each input names it (its file).  res is not kept.
 * @return 0, CSTAT_EINVAL, CSTAT_ESTATE (after build) or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_scaling_add(cstat_scaling *s, size_t input,
				   const struct cstat_result *res);

/*
 * Fits every series and compares each input with the first.
 * @return 0, CSTAT_EINVAL, CSTAT_ESTATE (built already) or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_scaling_build(cstat_scaling *s);

/*
 * After build: the number of rows (families x units, in order of first
 * appearance) and row i (borrowed until cstat_scaling_free(); NULL when i
 * is out of range or before build).
 */
CSTAT_EXPORT size_t cstat_scaling_count(const cstat_scaling *s);
CSTAT_EXPORT const struct cstat_scaling_row *
cstat_scaling_get(const cstat_scaling *s, size_t i);

/* The key (without '/'), input's label ("" before its first result) and
 * the confidence level; borrowed until cstat_scaling_free(). */
CSTAT_EXPORT const char *cstat_scaling_key(const cstat_scaling *s);
CSTAT_EXPORT const char *cstat_scaling_label(const cstat_scaling *s,
					     size_t input);
CSTAT_EXPORT double cstat_scaling_confidence(const cstat_scaling *s);

/*
 * Writes the built analysis to out as fmt says: CSTAT_FORMAT_TEXT (aligned
 * columns), CSTAT_FORMAT_MARKDOWN (a GitHub table), CSTAT_FORMAT_JSON
 * (schema cstat-scaling/1, every number; infinite bounds as null),
 * CSTAT_FORMAT_CSV (a header row, then a line per row and input:
 * family,unit,input,k,lo,hi,class,nearest,nmin,nmax,sizes,points,
 * nonpositive,changed) or CSTAT_FORMAT_HTML (a page with a log-log plot
 * per row: every point and each input's fitted line).  Numbers do not
 * follow the host's locale.
 * @return 0; CSTAT_EINVAL (NULL argument, or a format out of range);
 *         CSTAT_ESTATE before build; CSTAT_ENOMEM; CSTAT_EIO when writing
 *         failed.
 */
CSTAT_EXPORT int cstat_scaling_write(const cstat_scaling *s,
				     enum cstat_format fmt, FILE *out);

/* ------------------------------------------------------------------------
 * Forecasts (cbaseline forecast NAME; docs/analyses.md, "Forecasts").
 *
 * For each series of a history (one benchmark and unit, as
 * cstat_history_changes() sees them), the trend of its run medians since
 * its last change point (or an earlier one when the trend explains the
 * later ones: a drift the change-point search cut into steps): the slope of
 * their logarithms against the run number by Theil-Sen (the median of the
 * slopes of every pair of runs), so a relative change per run ("+0.4% a run"),
 * with Sen's distribution-free interval.  The trend is significant when that
 * interval excludes 0, which is Kendall's test of no trend (Mann-Kendall)
 * at 1 - level, the interval being that test inverted.  A prediction
 * interval for the next runs comes from the fitted line, the residuals'
 * standard deviation (runs beyond 5 robust standard deviations left
 * out) and the slope's uncertainty.  Only where the
 * trend is significant, the number of runs until the line, at the
 * current rate, crosses the gate's threshold for that unit, relative to
 * the level at the last change point (the line's value at the first run
 * fitted): what a baseline saved since that change holds.
 */

/* What a series' forecast says. */
enum cstat_forecast_status {
	CSTAT_FORECAST_SHORT = 0, /* too few runs since the change point */
	CSTAT_FORECAST_NONE = 1,  /* no significant trend */
	CSTAT_FORECAST_TREND = 2, /* a significant trend, with its crossing */
};

/*
 * Settings; a zero field means its default.
 *   level      confidence of the slope's interval, which decides
 *              significance (default 0.99: a flat series has a
 *              significant trend about 1% of the time)
 *   plevel     confidence of the prediction interval (default 0.95)
 *   min_runs   fewest runs since the change point to fit (default 10;
 *              at least 3)
 *   max_runs   the last runs fitted at most (default 100: older runs
 *              describe an older rate)
 *   ahead      runs predicted (the dashboard's continuation; default 10)
 *   alpha      unused by the fit: the change points' level, for reports
 *              (default 0.005)
 *   gate       the thresholds (cstat_gate_config_set()'s "threshold"
 *              rules, the most specific for the benchmark and unit); NULL:
 *              the gate's default, 5% for every unit.  Borrowed.
 */
struct cstat_forecast_opts {
	double level, plevel;
	size_t min_runs, max_runs, ahead;
	double alpha;
	const cstat_gate_config *gate;
};

/*
 * One series' forecast.  Runs are the history's run numbers.  The line
 * is ln(center) = intercept + slope * run.  Fields that a status does not
 * reach are NaN (numbers) or 0 (counts).
 */
struct cstat_forecast {
	size_t table, row; /* the series in the history's tables */
	int status;	   /* enum cstat_forecast_status */
	/* First run after the change point the trend starts at (0: none):
	 * the last one, or an earlier one when the later ones are a drift
	 * the change-point search cut into steps (explained of them: the
	 * residuals from one line through both sides of each do not differ,
	 * U test p > 0.05). */
	size_t change_run;
	size_t explained;
	size_t first_run, last_run; /* the runs fitted, inclusive */
	size_t nruns;		    /* runs fitted (centers > 0) */
	double level, plevel;	    /* the settings it was made with */
	size_t ahead;
	/* The trend: exp(slope) - 1 per run and its interval (fractions:
	 * 0.004 is +0.4% a run), Kendall's S and its two-sided p (normal
	 * approximation with the ties correction). */
	double rate, rate_lo, rate_hi;
	double slope, slope_lo, slope_hi, intercept;
	double kendall_s, p;
	/* The residuals' standard deviation (log scale, runs beyond 5
	 * robust standard deviations left out) and the mean of the runs
	 * fitted, for cstat_forecast_predict(). */
	double sigma, run_mean;
	/* The reference (the line at first_run) and the line at last_run, in
	 * the unit, and the drift between them (current / reference - 1). */
	double reference, current, drift;
	double threshold;   /* the gate's, a fraction */
	const char *rule;   /* the rule that gave it ("default" or its text;
			       borrowed from the gate config) */
	bool higher_better; /* the unit's direction */
	bool worse;	    /* the trend is in the unit's worse direction */
	/* Runs after last_run until the line crosses reference * (1 +-
	 * threshold) in the trend's direction: 0 when it has already, +inf
	 * when it never can (a fall of 100% or more); cross_lo and cross_hi
	 * at the interval's faster and slower ends.  NaN unless status is
	 * CSTAT_FORECAST_TREND. */
	double cross, cross_lo, cross_hi;
	/* The next run's prediction and its plevel interval, in the unit. */
	double next, next_lo, next_hi;
};

/* The fewest runs on each side of a change point for the test whether the
 * trend explains it. */
#define CSTAT_FORECAST_MIN_SIDE 3

/* The defaults of struct cstat_forecast_opts, for an initialiser. */
#define CSTAT_FORECAST_OPTS_INIT                                               \
	{                                                                      \
		0.99, 0.95, 10, 100, 10, 0.005, NULL                           \
	}

/*
 * Fits one series: y[i] > 0 the centers of runs run[i] (increasing; NULL
 * means 1, 2, ... n), all of them since its last change point (the last
 * o->max_runs are used).  threshold (a fraction >= 0) and higher_better
 * are the unit's; *out is filled as cstat_history_forecast() fills it,
 * with table, row, change_run and rule 0 or NULL.  Values <= 0 or not
 * finite are left out.  o may be NULL for the defaults.
 * @return 0; CSTAT_EINVAL (a NULL pointer, a setting out of range, runs
 *         not increasing, threshold negative or NaN); CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_forecast_fit(const double *run, const double *y,
				    size_t n, double threshold,
				    bool higher_better,
				    const struct cstat_forecast_opts *o,
				    struct cstat_forecast *out);

/*
 * The prediction of f's series h runs after its last run (h >= 1): *mid
 * the line's value, [*lo, *hi] its plevel prediction interval, in the
 * unit: exp of the line +- t * sqrt(sigma^2 (1 + 1/nruns) + (se (run -
 * run_mean))^2), t Student's quantile with nruns - 2 degrees of freedom,
 * se the slope's standard error read from its interval's width.
 * @return 0; CSTAT_EINVAL (a NULL pointer, h < 1, or f has no fit:
 *         status CSTAT_FORECAST_SHORT).
 */
CSTAT_EXPORT int cstat_forecast_predict(const struct cstat_forecast *f,
					double h, double *mid, double *lo,
					double *hi);

/*
 * Forecasts every series of history tables t (from cstat_history_build())
 * whose changes ch[0..nch) cstat_history_changes() found (ch may be NULL
 * when nch is 0): *out, an array the caller frees with free() (NULL when
 * t has no series), of *n forecasts in table and row order.  o may be
 * NULL for the defaults.
 * @return 0; CSTAT_EINVAL (a NULL pointer, a setting out of range,
 *         column labels that are not run numbers, changes outside t);
 *         CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_history_forecast(const cstat_tables *t,
					const struct cstat_change *ch,
					size_t nch,
					const struct cstat_forecast_opts *o,
					struct cstat_forecast **out, size_t *n);

/*
 * Writes forecasts fc[0..nfc) of the tables t of history runs[0..n) (n >=
 * 1) as fmt: CSTAT_FORMAT_TEXT, CSTAT_FORMAT_MARKDOWN (GitHub table),
 * CSTAT_FORMAT_JSON (schema cstat-forecast/1, every field), CSTAT_FORMAT_CSV
 * (one record per series) or CSTAT_FORMAT_HTML (the dashboard of
 * cstat_history_write_html() with the changes ch[0..nch), a table of the
 * forecasts, and each significant trend drawn as a dashed continuation
 * over the next ahead runs with its prediction band).  name names the
 * history (NULL: "history"); repo_url as cstat_history_write_html() (HTML
 * only; may be NULL).  Numbers do not follow the host's locale.
 * @return 0; CSTAT_EINVAL (a NULL pointer, another format, forecasts or
 *         changes outside t); CSTAT_EIO (a write failed); CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_forecast_write(cstat_run *const *runs, size_t n,
				      const cstat_tables *t,
				      const struct cstat_change *ch, size_t nch,
				      const struct cstat_forecast *fc,
				      size_t nfc, const char *name,
				      const char *repo_url,
				      enum cstat_format fmt, FILE *out);

/* ------------------------------------------------------------------------
 * Data-quality diagnostics (docs/analyses.md, "Data-quality diagnostics").
 *
 * A diagnose object collects results as a reader hands them out, one cell
 * per input (the result's .file), benchmark name and unit, keeping each
 * cell's values in the order they were read: the run order for Go text
 * and every format docs/analyses.md names.  cstat_diagnose_run() then
 * checks every cell for a trend over the runs (Mann-Kendall), two modes
 * (a gap test), outliers beyond Tukey's fences, a coefficient of
 * variation too high for the threshold, and too few values for the
 * exact U test against the first input's cell ever to reach alpha.
 */
typedef struct cstat_diagnose cstat_diagnose;

/* The findings, as bits of struct cstat_diagnosis's findings and strong. */
enum {
	CSTAT_DIAG_TREND = 1,	 /* a trend over the runs */
	CSTAT_DIAG_MODES = 2,	 /* two modes */
	CSTAT_DIAG_OUTLIERS = 4, /* values beyond Tukey's fences */
	CSTAT_DIAG_NOISY = 8,	 /* CV hides a change of the threshold */
	CSTAT_DIAG_FEW = 16,	 /* the U test can never reach alpha */
};

/*
 * Settings; a zero field means its default.
 *   alpha      the gate's level, for CSTAT_DIAG_FEW (default 0.05)
 *   threshold  the smallest change that matters, as a fraction, for
 *              CSTAT_DIAG_NOISY (default 0.05: 5%)
 *   level      the level of the trend and two-mode tests (default 0.01);
 *              a finding is strong at a tenth of it
 */
struct cstat_diagnose_opts {
	double alpha;
	double threshold;
	double level;
};

/* The most outlying runs a diagnosis lists (it counts them all). */
#define CSTAT_DIAG_MAX_RUNS 8

/*
 * One cell's diagnosis.  Runs are numbered from 1 in read order.  Strings
 * are borrowed until cstat_diagnose_free().
 */
struct cstat_diagnosis {
	const char *input, *name, *unit;
	double alpha, threshold; /* the settings it was checked with */
	size_t n;		 /* values */
	double median, cv;	 /* cv: sample stddev / mean; NaN when n < 2 */
	/* Mann-Kendall: S, its two-sided p (exact for n <= 10 without ties,
	 * else normal with the ties correction; 1 when n < 4), and where the
	 * trend is: runs [trend_from, trend_to] (1-based; 0 when none):
	 * the first runs (warm-up) or the last ones when the split of the
	 * runs whose rank sums differ most leaves the other runs without a
	 * trend (Mann-Kendall p > 0.1), else all of them (drift). */
	double trend_s, trend_p;
	bool trend_exact;
	int trend_dir; /* -1 values fall, +1 rise, 0 no trend */
	size_t trend_from, trend_to;
	/* The gap test: the largest gap between sorted values with at least
	 * max(3, n/5) values either side, over the two sides' pooled
	 * standard deviation; 0 when n < 8.  Two modes from 40 / n (strong
	 * from 80 / n).  gap_low: values below the gap. */
	double gap_ratio;
	size_t gap_low;
	/* Tukey's fences: Q1 - 1.5 IQR and Q3 + 1.5 IQR (quartiles by linear
	 * interpolation), how many values lie beyond, how many beyond 3 IQR
	 * (far out), the farthest one's distance from its quartile in IQRs
	 * (strong from 6 and 1% of the median), and the first
	 * CSTAT_DIAG_MAX_RUNS of their runs. */
	double fence_lo, fence_hi, outlier_iqrs;
	size_t noutliers, nfar;
	size_t outlier_runs[CSTAT_DIAG_MAX_RUNS];
	/* The smallest change the U test detects with 80% power at alpha
	 * with n values a side (a fraction; NaN when n < 2), and the count
	 * a side that detects the threshold. */
	double detectable;
	size_t count_needed;
	/* The smallest two-sided p the exact U test can give against the
	 * first input's cell of the same benchmark and unit (NaN for the
	 * first input's cells, or without one). */
	double min_p;
	unsigned findings; /* CSTAT_DIAG_* bits */
	unsigned strong;   /* the findings strong enough to show by default */
	/* The step test: the first step_k runs (1 .. n/2) against the rest,
	 * a t test with the rest's standard deviation, its p multiplied by
	 * n/2 (Bonferroni over k); 1 and 0 when n < 6.  step_dir: -1 the
	 * first runs are higher (values fall after them), +1 lower.  A trend
	 * is also found when step_p is at most the level (strong at a
	 * thousandth of it) and Mann-Kendall found none: trend_by_step is then
	 * true and the trend is over the first step_k runs. */
	double step_p;
	size_t step_k;
	int step_dir;
	bool trend_by_step;
};

/*
 * Creates an empty diagnose object; opts may be NULL (every default) and
 * is copied.  *out is NULL on failure.
 * @return 0, CSTAT_EINVAL (out NULL; a setting negative, NaN, or alpha
 *         or level not below 1) or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_diagnose_new(const struct cstat_diagnose_opts *opts,
				    cstat_diagnose **out);
/* Frees it; NULL is a harmless no-op. */
CSTAT_EXPORT void cstat_diagnose_free(cstat_diagnose *dg);

/*
 * Adds every value of res to its cell (res->file, res->name, unit); res
 * is copied.  The first input added is the baseline of CSTAT_DIAG_FEW.
 * @return 0, CSTAT_EINVAL (a NULL pointer), CSTAT_ESTATE (after
 *         cstat_diagnose_run()) or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_diagnose_add(cstat_diagnose *dg,
				    const struct cstat_result *res);

/*
 * Diagnoses every cell, in the order cells were first seen; once.
 * @return 0, CSTAT_EINVAL (dg NULL), CSTAT_ESTATE (run already) or
 *         CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_diagnose_run(cstat_diagnose *dg);

/* The number of cells, and cell i's diagnosis (NULL out of range or before
 * cstat_diagnose_run()), borrowed until cstat_diagnose_free(). */
CSTAT_EXPORT size_t cstat_diagnose_count(const cstat_diagnose *dg);
CSTAT_EXPORT const struct cstat_diagnosis *
cstat_diagnose_get(const cstat_diagnose *dg, size_t i);

/*
 * Writes finding f (one CSTAT_DIAG_* bit) of diagnosis g as one sentence
 * that says what to do ("values fall over the first 4 runs: add
 * -benchtime or discard warm-up runs") into buf, NUL-ended and cut to
 * size.
 * @return the length it needed (as snprintf), 0 when g lacks finding f.
 */
CSTAT_EXPORT size_t cstat_diagnosis_text(const struct cstat_diagnosis *g,
					 unsigned f, char *buf, size_t size);

/*
 * Writes the report of a run diagnose object to out in fmt: text,
 * Markdown, JSON (schema cstat-diagnose/1, every field of every cell), CSV
 * (a header row, then a line per cell with every number and the names of
 * its findings and strong findings, ';'-joined) or HTML (a page with a
 * table of the findings, strong ones in bold).  all false writes only the
 * strong findings (text and Markdown: nothing at all when there are none;
 * CSV: the header and the cells with one).
 * @return 0, CSTAT_EINVAL (a NULL pointer, another format), CSTAT_ESTATE
 *         (not run) or CSTAT_EIO (a write failed).
 */
CSTAT_EXPORT int cstat_diagnose_write(const cstat_diagnose *dg,
				      enum cstat_format fmt, bool all,
				      FILE *out);

/* ------------------------------------------------------------------------
 * Metric correlation (cstat -correlate; docs/analyses.md, "Metric
 * correlation").
 *
 * How the units of a comparison move together.  Across benchmarks: for
 * each input after the first, each benchmark's change in each unit is the
 * log ratio of its medians (the comparison's centre) against the first
 * input, and for each pair of units Spearman's rho between the two
 * units' changes over the benchmarks that have both.  Within benchmarks:
 * in each input, the i-th value of two units of one benchmark come from
 * its i-th result line (Go text keeps them together, in run order), so
 * rho between the two units' values per benchmark, summarised per pair.
 * Benchmarks are told apart by name and their "pkg" configuration.
 */
typedef struct cstat_correlate cstat_correlate;

/* Whether a rank correlation has a value. */
enum cstat_rho_status {
	CSTAT_RHO_OK,	    /* rho and its interval are set */
	CSTAT_RHO_FEW,	    /* fewer than 3 finite pairs: refused */
	CSTAT_RHO_CONSTANT, /* one side holds a single value: undefined */
};

/* |rho| from which a correlation whose interval excludes 0 is strong. */
#define CSTAT_RHO_STRONG 0.7

/*
 * Spearman's rho of n pairs (ties get their average rank) and its
 * interval at the confidence level: Fisher's z with Bonett and Wright's
 * (2000) standard error sqrt((1 + rho^2 / 2) / (n - 3)), from n = 4 on
 * ([-1, 1] at n = 3).  Where |rho| exceeds 1 - 12 / (n^3 - n), the
 * largest value below 1 that n untied ranks give (z is infinite at 1),
 * the interval is taken there, and widened to hold rho.
 */
struct cstat_rho {
	enum cstat_rho_status status;
	double rho, lo, hi; /* NaN unless CSTAT_RHO_OK */
	size_t n;	    /* pairs used: both values finite */
	size_t dropped;	    /* pairs left out: a NaN or infinite value */
	/* +1 or -1 when |rho| >= CSTAT_RHO_STRONG and the interval lies
	 * wholly above or below 0, else 0. */
	int strong;
};

/*
 * Computes Spearman's rho of (x[i], y[i]), i < n, into *out; pairs with a
 * NaN or infinite value are left out (counted in dropped).  Fewer than 3
 * pairs left give CSTAT_RHO_FEW, a side of one value CSTAT_RHO_CONSTANT:
 * a result, not an error.
 * @return 0, CSTAT_EINVAL (out NULL, x or y NULL with n > 0, confidence
 *         outside (0, 1)) or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_correlate_spearman(const double *x, const double *y,
					  size_t n, double confidence,
					  struct cstat_rho *out);

/* Across benchmarks: how unit b's changes follow unit a's (a seen first
 * in the inputs) from the first input to input.  Strings are borrowed
 * until cstat_correlate_free(). */
struct cstat_correlate_pair {
	const char *a, *b;
	size_t input;	    /* 1 .. inputs - 1 */
	struct cstat_rho r; /* n: benchmarks used */
};

/* Within one benchmark's values of one input: rho of units a and b. */
struct cstat_correlate_bench {
	const char *name;
	struct cstat_rho r; /* n: result lines holding both units */
};

/* Within benchmarks, one pair of units of one input, summarised. */
struct cstat_correlate_within {
	const char *a, *b;
	size_t input;
	size_t nbench;	   /* benchmarks holding both units */
	size_t nrho;	   /* of those, with a rho (CSTAT_RHO_OK) */
	double median;	   /* the median of their rho; NaN when none */
	size_t npos, nneg; /* whose interval lies above, below 0 */
	size_t nstrong;	   /* strong, either sign */
	const struct cstat_correlate_bench *bench; /* nbench of them */
};

/*
 * Creates an empty correlation of ninputs inputs (the first is the
 * baseline) at the confidence level.  Free it with cstat_correlate_free();
 * *out is NULL on failure.
 * @return 0, CSTAT_EINVAL (out NULL, ninputs 0, confidence outside
 *         (0, 1)) or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_correlate_new(cstat_correlate **out, size_t ninputs,
				     double confidence);
/* Frees it; NULL is a harmless no-op. */
CSTAT_EXPORT void cstat_correlate_free(cstat_correlate *c);

/*
 * Adds every value of res, read from input (0-based), to its benchmark
 * and unit, in the order added; res is copied.  The first result of an
 * input names it (its .file).
 * @return 0, CSTAT_EINVAL (a NULL pointer, input out of range),
 *         CSTAT_ESTATE (after cstat_correlate_build()) or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_correlate_add(cstat_correlate *c, size_t input,
				     const struct cstat_result *res);

/*
 * Computes every pair, across and within benchmarks; once.
 * @return 0, CSTAT_EINVAL (c NULL), CSTAT_ESTATE (built already) or
 *         CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_correlate_build(cstat_correlate *c);

/* The pairs across benchmarks (by input, then units in the order first
 * seen) and pair i; NULL out of range or before cstat_correlate_build().
 * Borrowed until cstat_correlate_free(). */
CSTAT_EXPORT size_t cstat_correlate_count(const cstat_correlate *c);
CSTAT_EXPORT const struct cstat_correlate_pair *
cstat_correlate_get(const cstat_correlate *c, size_t i);

/* The same for the pairs within benchmarks. */
CSTAT_EXPORT size_t cstat_correlate_within_count(const cstat_correlate *c);
CSTAT_EXPORT const struct cstat_correlate_within *
cstat_correlate_within_get(const cstat_correlate *c, size_t i);

/* Input i's label (its first result's .file; "" if it had none; NULL out
 * of range), and the confidence level; borrowed until
 * cstat_correlate_free(). */
CSTAT_EXPORT const char *cstat_correlate_label(const cstat_correlate *c,
					       size_t input);
CSTAT_EXPORT double cstat_correlate_confidence(const cstat_correlate *c);

/*
 * Writes pair p as one sentence ("sec/op changes follow allocs/op
 * changes, rho = 0.83 [0.71, 0.90], 40 benchmarks"; "move against" when
 * rho < 0) into buf, NUL-ended and cut to size.
 * @return the length it needed (as snprintf); 0 when p is NULL or has
 *         no rho.
 */
CSTAT_EXPORT size_t cstat_correlate_pair_text(
	const struct cstat_correlate_pair *p, char *buf, size_t size);

/*
 * Writes the report of a built correlation to out in fmt: text, CSV,
 * Markdown, JSON (schema cstat-correlate/1, every number; each
 * benchmark's rho within) or HTML (the tables and a scatter plot of the
 * changes per pair).
 * @return 0, CSTAT_EINVAL (a NULL pointer, an unknown format),
 *         CSTAT_ESTATE (not built), CSTAT_EIO (a write failed) or
 *         CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_correlate_write(const cstat_correlate *c,
				       enum cstat_format fmt, FILE *out);

/*
 * Run planning (cregress -plan CHANGE; docs/analyses.md, "Run planning").
 *
 * From one run's noise, the -count per side at which the gate, with its
 * settings, flags a change of CHANGE in each unit's worse direction with
 * the target power.  The noise of a benchmark is the standard deviation s
 * of the logarithms of its values in the first column of its table (of
 * the values over the median's size when some value is <= 0).  The model
 * is the one -aa's detectable change uses: lognormal values with that s,
 * the second side's shifted by CHANGE, and the gate's exact U test at the
 * level a lone change must reach (alpha over the comparisons when a
 * correction is on), its threshold rule on the change of the medians or
 * on the whole Hodges-Lehmann interval; the power at each count is the
 * share of 2,000 simulated comparisons (a fixed seed per count) that the
 * gate flags.  The same inputs always give the same plan.
 */
typedef struct cstat_plan cstat_plan;

/* Settings; a zero field means its default. */
struct cstat_plan_opts {
	double change;	  /* the change to detect, a fraction > 0: 0.03 */
	double power;	  /* the target power, in (0, 1); default 0.8 */
	size_t max_count; /* the largest count tried; default 100 */
	/* The count per side the suite's expected share is for; 0: each
	 * benchmark's own count in the tables. */
	size_t at_count;
};

/* The default target power and largest count of a plan. */
#define CSTAT_PLAN_POWER 0.8
#define CSTAT_PLAN_MAX_COUNT 100

/* What a plan found for a benchmark. */
enum cstat_plan_status {
	CSTAT_PLAN_OK = 0,	    /* count reaches the power */
	CSTAT_PLAN_BELOW_THRESHOLD, /* CHANGE is not past the threshold */
	CSTAT_PLAN_BEYOND_MAX,	    /* not even max_count reaches the power */
	CSTAT_PLAN_NO_NOISE,	    /* fewer than 3 values: no noise estimate */
};

/* One benchmark and unit.  Strings are borrowed until cstat_plan_free(). */
struct cstat_plan_row {
	const char *name, *unit;
	const char *config; /* the table's key, "k:v k:v" ("" when none) */
	size_t n;	    /* the values the noise is from */
	double noise;	    /* s above; NaN when n < 3 */
	double threshold;   /* the threshold in force, a fraction */
	const char *rule;   /* the rule that set it, or "default" */
	bool higher_better; /* the direction the gate uses */
	bool exact;	    /* assume=exact: any change is certain */
	bool additive;	    /* some value is <= 0 */
	int status;	    /* enum cstat_plan_status */
	size_t count;	    /* the least count per side (CSTAT_PLAN_OK) */
	double power;	    /* the power at count; NaN unless CSTAT_PLAN_OK */
	double power_max;   /* the power at max_count when the plan went
			       that far (always for CSTAT_PLAN_BEYOND_MAX),
			       else NaN */
	size_t at_count;    /* the count power_at is for */
	double power_at;    /* the power at at_count; NaN without noise */
};

/* The suite. */
struct cstat_plan_suite {
	double change, power; /* the settings the plan was made with */
	size_t max_count;     /* and the largest count tried */
	double alpha, level;  /* the gate's alpha; the level a lone change
				 must reach: alpha / family when corrected */
	size_t family;	      /* comparisons the correction is over */
	bool on_interval;     /* the threshold applies to the interval */
	double confidence;    /* the interval's level */
	size_t rows;	      /* benchmarks and units planned */
	size_t reachable;     /* of them, CSTAT_PLAN_OK */
	size_t below;	      /* CSTAT_PLAN_BELOW_THRESHOLD */
	size_t beyond;	      /* CSTAT_PLAN_BEYOND_MAX */
	size_t no_noise;      /* CSTAT_PLAN_NO_NOISE */
	size_t count;	      /* the least count per side at which every
				 reachable row has the power; 0 if none */
	size_t at_count;      /* opts.at_count (0: each row's own) */
	double share;	      /* the expected share of the rows with a
				 noise estimate that detect the change at
				 at_count: their mean power; NaN if none */
};

/*
 * Parses CHANGE as -plan takes it: a percentage above 0 such as "3%" or
 * "0.5%".
 * @return 0, or CSTAT_EINVAL (NULL, no '%', not a number, 0 or less, not
 *         finite).
 */
CSTAT_EXPORT int cstat_plan_change_parse(const char *s, double *out);

/*
 * Plans every benchmark and unit of t (its first column) at the gate
 * settings c (NULL: the defaults; rules, -skip patterns and directions
 * apply as in the gate; a history's noise-aware threshold does not).
 * Free the plan with cstat_plan_free(); *out is NULL on failure.
 * @return 0; CSTAT_EINVAL (out, t or opts NULL, change not > 0 and
 *         finite, power not in (0, 1), max_count or at_count over 1000);
 *         CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_plan_new(cstat_plan **out, const cstat_tables *t,
				const cstat_gate_config *c,
				const struct cstat_plan_opts *opts);
/* Frees a plan; NULL is a harmless no-op. */
CSTAT_EXPORT void cstat_plan_free(cstat_plan *p);

/* The rows (in the tables' order) and row i (NULL out of range), and the
 * suite; borrowed until cstat_plan_free().  NULL p: 0 and NULL. */
CSTAT_EXPORT size_t cstat_plan_count(const cstat_plan *p);
CSTAT_EXPORT const struct cstat_plan_row *cstat_plan_get(const cstat_plan *p,
							 size_t i);
CSTAT_EXPORT const struct cstat_plan_suite *
cstat_plan_suite(const cstat_plan *p);

/*
 * Writes the plan to out as a report: CSTAT_REPORT_TEXT (aligned
 * columns), CSTAT_REPORT_MARKDOWN (a GitHub table) or CSTAT_REPORT_JSON
 * (schema cstat-plan/1, every field; NaN as null).  A plan is no verdict,
 * so JUnit, GitHub annotations and the calibration are not among them.
 * Numbers do not follow the host's locale.
 * @return 0, CSTAT_EINVAL (a NULL pointer or another report), CSTAT_ENOMEM
 *         or CSTAT_EIO.
 */
CSTAT_EXPORT int cstat_plan_write(const cstat_plan *p, enum cstat_report fmt,
				  FILE *out);

/* ------------------------------------------------------------------------
 * The analyses in the gate's reports and cstat's HTML page.
 */

/*
 * The gate on a scaling exponent (cregress -scaling KEY; docs/cregress.md,
 * "Scaling exponents").  For every row of a scaling analysis and every
 * later input, the change of k against the first input, with the interval
 * [lo_new - hi_base, hi_new - lo_base]: when each fit's interval is at
 * level c, the change's holds with probability at least 2c - 1
 * (Bonferroni), so cregress fits at 1 - (1 - confidence) / 2.  A rise
 * whose whole interval is above the allowed rise (-threshold exponent=D,
 * default 0.1) is a regression; a fall whose whole interval is below -D an
 * improvement; an infinite bound or a missing fit is inconclusive; the
 * rest unchanged.  Strings and fits are borrowed from the analysis.
 */
struct cstat_scaling_check {
	const char *family, *unit;
	const char *base_label, *new_label;
	const struct cstat_scaling_fit *base_fit, *new_fit;
	double change;		     /* k new - k base; NaN without both */
	double change_lo, change_hi; /* its interval */
	double allowed;		     /* the rise allowed */
	int verdict;		     /* enum cstat_verdict */
	const char *reason;	     /* why inconclusive (static), else "" */
};

/*
 * Judges the exponents of the built analysis s (borrowed: keep it until
 * cstat_gate_free()) with g's exponent rule; a regression among them makes
 * cstat_gate_status() 1, and every report shows them.  Once per gate.
 * @return 0, CSTAT_EINVAL (NULL, or s not built), CSTAT_ESTATE (called
 *         before) or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_gate_add_scaling(cstat_gate *g, const cstat_scaling *s);

/*
 * A number setting of c: "alpha", "confidence", "threshold" (the default
 * threshold, a fraction) or "exponent" (the rise of a scaling exponent
 * allowed); NaN for another key or a NULL argument.  Tools read them to
 * set up the analyses the gate is given.
 */
CSTAT_EXPORT double cstat_gate_config_get(const cstat_gate_config *c,
					  const char *key);
/* The exponents judged (0 without cstat_gate_add_scaling()), and check i
 * (NULL out of range), in the analysis's row order, later inputs in turn. */
CSTAT_EXPORT size_t cstat_gate_scaling_count(const cstat_gate *g);
CSTAT_EXPORT const struct cstat_scaling_check *
cstat_gate_scaling_get(const cstat_gate *g, size_t i);

/*
 * Makes every report of g show the strong data-quality findings of the run
 * diagnose object dg (borrowed: keep it until cstat_gate_free()) as
 * warnings, one per finding with what to do, except "too few values",
 * which the gate's inconclusive verdicts already say.  Nothing is added to
 * a report when there is no such finding.  Warnings never change the
 * exit status.
 * @return the number of cells with warnings, CSTAT_EINVAL (NULL, or dg
 *         not run), CSTAT_ESTATE (called before) or CSTAT_ENOMEM.
 */
CSTAT_EXPORT int cstat_gate_add_diagnose(cstat_gate *g,
					 const cstat_diagnose *dg);

/*
 * Makes cstat's HTML page of t show the strong data-quality findings of
 * the run diagnose object dg (borrowed until t is freed or this is called
 * again; NULL removes them) in a block of warnings under the summary.
 * Other formats ignore it.
 * @return 0 or CSTAT_EINVAL (t NULL).
 */
CSTAT_EXPORT int cstat_tables_set_diagnose(cstat_tables *t,
					   const cstat_diagnose *dg);

#ifdef __cplusplus
}
#endif

#endif /* CSTAT_H */
