/*
 * cli.h - command-line parsing shared by the cstat tools.
 *
 * The tools accept flags the way Go's flag package does, because cstat is a
 * drop-in for benchstat and scripts pass benchstat's flags: "-name value",
 * "-name=value", "--name value" all work; a boolean flag takes no value
 * (or "=true"/"=false"); parsing stops at the first argument that is not a
 * flag, and "--" ends the flags.  getopt_long_only() would permute arguments
 * and print its own messages, so this small parser is ours.
 */
#ifndef CSTAT_TOOLS_CLI_H
#define CSTAT_TOOLS_CLI_H

#include <stdbool.h>
#include <stddef.h>

enum cli_kind { CLI_STRING, CLI_FLOAT, CLI_BOOL, CLI_LIST };

/* The values of a flag that may be given many times (CLI_LIST). */
#define CLI_LIST_MAX 64
struct cli_list {
	const char *v[CLI_LIST_MAX];
	size_t n;
};

struct cli_flag {
	const char *name;
	enum cli_kind kind;
	void *value;	 /* const char **, double *, bool * or cli_list * */
	const char *arg; /* the value's name in the usage text, e.g. "α" */
	const char *help;
	const char *def; /* the default as shown in the usage text, or NULL */
};

/*
 * Parses argv[1..argc) against flags[0..n).  On success *first is the index
 * of the first positional argument.  "-h", "-help" and "--help" set *help.
 * @return 0, or 2 after printing "PROG: message" to stderr for an unknown
 *         flag, a missing value or a value that does not parse.
 */
int cli_parse(const char *prog, int argc, char **argv,
	      const struct cli_flag *flags, size_t n, int *first, bool *help);

struct cstat_diag;
struct cstat_reader;
struct cstat_input;
struct cstat_result;

/*
 * Prints a library diagnostic to stderr: "file:line:column: message" when
 * it has a column (a config file's syntax error), "file:line: message"
 * when it has a line, else "PROG: message".
 */
void cli_print_diag(const char *prog, const struct cstat_diag *d);

/* Prints error rc: its diagnostic d, or just the error's text when d is
 * NULL or rc is CSTAT_ENOMEM (nothing was described). */
void cli_print_error(const char *prog, int rc, const struct cstat_diag *d);

/*
 * The code of a failed write of output: rc, or CSTAT_ENOSPC when rc is the
 * generic CSTAT_EIO and errno says the disk is full.  Call it right after
 * the write or flush that failed, while errno still tells.
 */
int cli_write_error(int rc);

/*
 * Flushes stdout; when it or an earlier write to it failed, says so and
 * returns 2, else status (a tool's exit status).
 */
int cli_finish_stdout(const char *prog, int status);

typedef struct cstat_inputs cstat_inputs;

/*
 * Applies -input-format NAME to every input that names no format of its
 * own (NULL or "": choose by content).
 * @return 0, or 2 after printing "PROG: -input-format must be one of ..."
 *         for a name that is no format's.
 */
int cli_input_format(const char *prog, cstat_inputs *in, const char *name);

/* Prints the input formats, a line each, for a usage text. */
void cli_print_input_formats(void *fp);

/*
 * Reads input i on r, handing each result to add(ctx, i, res): a
 * malformed line is reported on stderr and skipped; a reader's error or
 * add's is reported as "prog: why".  For the analyses that read the inputs
 * themselves (-correlate, -scaling).
 * @return the exit status: 0, or 1 when the input could not be read.
 */
int cli_read_input(const char *prog, struct cstat_reader *r,
		   const struct cstat_input *in, size_t i,
		   int (*add)(void *ctx, size_t i,
			      const struct cstat_result *res),
		   void *ctx);

/*
 * Sets r's ceilings from the environment (CSTAT_MAX_LINE, CSTAT_MAX_INPUT:
 * bytes, with an optional K, M or G; unset keeps the library's defaults)
 * and stores CSTAT_MAX_INPUT in *max_input (0 when unset) when max_input
 * is not NULL.  r may be NULL.  @return 0, or 2 after saying what is wrong.
 */
struct cstat_reader;
int cli_reader_limits(const char *prog, struct cstat_reader *r,
		      size_t *max_input);

/*
 * How flag argument arg ("-name", "--name", "-name=value") of flags[0..n)
 * is read: 1 when its value is the next argument, 0 when it takes none
 * (a boolean flag, -h/-help, or a value given after "="), -1 when flags
 * has no such flag.
 */
int cli_flag_arity(const struct cli_flag *flags, size_t n, const char *arg);

/*
 * The argc with which cbaseline calls cstat_tool_main() and
 * cregress_tool_main() to ask about one of their flags (argv[0]) instead of
 * running them: they return cli_flag_arity() over their own flag table, so
 * cbaseline passes their flags on wherever they appear.
 */
#define CLI_QUERY_FLAG (-1)

/*
 * The machine-fingerprint keys a comparison matches across: those of the
 * comma-separated list keys that the -table, -row, -col and -ignore
 * projections do not name (a key a projection names is wanted as it is;
 * one -ignore names is merged as asked, without a word).
 * @return a malloc'd list, or NULL when out of memory.
 */
char *cli_fingerprint_keys(const char *keys, const char *table, const char *row,
			   const char *col, const char *ignore);

/*
 * After reading: a watched fingerprint key with two values within one
 * input (a file of two machines' results) must keep splitting tables, or
 * two machines' values would share a cell.  @return 0 when there is none;
 * 1 with *less the fingerprint list keys without such keys (malloc'd):
 * read the inputs again with it; 2 when it cannot be done (standard input
 * reads once; out of memory), said.
 */
struct cstat_inputs;
struct cstat_builder;
int cli_split_mixed(const char *prog, const struct cstat_builder *b,
		    const struct cstat_inputs *in, const char *keys,
		    char **less);

/*
 * -ignore's keys and the name keys ("/gomaxprocs") among the fingerprint
 * keys, which leave the projection as -ignore's do (the builder keeps the
 * configuration keys among them out of the tables' keys itself: see
 * cstat_builder_watch()); with all, every fingerprint key.
 * @return a malloc'd list, or NULL when out of memory.
 */
char *cli_ignore_keys(const char *ignore, const char *keys, bool all);

/*
 * Says, once, which watched fingerprint keys of b differ between the
 * results: "PROG: warning: compared across machines: cpu: ...; -strict
 * makes this an error", or with strict the same as an error.
 * @return 0, or 2 when strict and they differ (said).
 */
struct cstat_builder;
int cli_machine_warning(const char *prog, const struct cstat_builder *b,
			bool strict);

/* Prints the flag list in the style of Go's PrintDefaults. */
void cli_print_flags(const struct cli_flag *flags, size_t n, void *fp);

/*
 * Whether the flags of argv[1..argc) ask for the version: -version or
 * --version (or =true) among them, before the first argument that is not a
 * flag or "--"; the values of flags[0..n) that take one are skipped.  When
 * they do, prints "PROG VERSION" (the project's version, from meson) to
 * stdout.
 */
bool cli_version(const char *prog, int argc, char **argv,
		 const struct cli_flag *flags, size_t n);

/* The usage lines of -version, after a tool's flag list. */
void cli_print_version_flag(void *fp);

#endif /* CSTAT_TOOLS_CLI_H */
