/*
 * tools.h - the tools' entry points, so cbaseline can run cstat and
 * cregress on a baseline without starting another program.
 */
#ifndef CSTAT_TOOLS_H
#define CSTAT_TOOLS_H

#include <stdbool.h>

/*
 * cstat's main(): flags and inputs as cstat takes them; the exit status.
 * With argc CLI_QUERY_FLAG (cli.h), how its flag argv[0] takes a value.
 */
int cstat_tool_main(int argc, char **argv);
/*
 * cstat's main() as cbaseline compare runs it: matching benchmarks across
 * the machine-fingerprint keys (comma-separated; NULL: as cstat does),
 * with a warning when they differ, or with strict an error (exit 2).
 */
int cstat_tool_compare(int argc, char **argv, const char *fingerprint,
		       bool strict);
/* cregress's main(). */
int cregress_tool_main(int argc, char **argv);

/*
 * cbaseline's detect, export and forecast commands (cbaseline-analyze.c): the
 * store directory, the command, and its arguments (argv[0] is the command).
 */
int cbaseline_analyze(const char *dir, const char *cmd, int argc, char **argv);
/* cbaseline's merge command (cbaseline-merge.c); argv[0] is "merge". */
int cbaseline_merge(const char *dir, int argc, char **argv);
/* What merge does, for its usage text (cbaseline-merge.c). */
extern const char cbaseline_merge_about[];

/* What detect and export do, for their usage texts (cbaseline-analyze.c). */
extern const char cbaseline_detect_about[];
extern const char cbaseline_export_about[];
extern const char cbaseline_forecast_about[];

#endif /* CSTAT_TOOLS_H */
