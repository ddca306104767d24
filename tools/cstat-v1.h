/*
 * cstat-v1.h - cstat -v1, the pre-2023 benchstat's command line.
 */
#ifndef CSTAT_TOOLS_CSTAT_V1_H
#define CSTAT_TOOLS_CSTAT_V1_H

/*
 * Looks at cstat's flags (those before the first input): with -v1 among
 * them, runs the old benchstat and returns its exit status; without it,
 * returns 2 after a message if a flag only the old tool has is given, and
 * -1 when cstat should go on as usual.
 */
int cstat_v1_hook(int argc, char **argv);

#endif /* CSTAT_TOOLS_CSTAT_V1_H */
