/*
 * tools.h - the tools' entry points, so cbaseline can run cstat and
 * cregress on a baseline without starting another program.
 */
#ifndef CSTAT_TOOLS_H
#define CSTAT_TOOLS_H

/* cstat's main(): flags and inputs as cstat takes them; the exit status. */
int cstat_tool_main(int argc, char **argv);
/* cregress's main(). */
int cregress_tool_main(int argc, char **argv);

/*
 * cbaseline's detect and export commands (cbaseline-analyze.c): the store
 * directory, the command, and its arguments (argv[0] is the command).
 */
int cbaseline_analyze(const char *dir, const char *cmd, int argc, char **argv);
/* cbaseline's merge command (cbaseline-merge.c); argv[0] is "merge". */
int cbaseline_merge(const char *dir, int argc, char **argv);
/* What merge does, for its usage text (cbaseline-merge.c). */
extern const char cbaseline_merge_about[];

#endif /* CSTAT_TOOLS_H */
