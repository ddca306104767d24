/*
 * header-c99.c - the public header compiles alone as strict C99 (built by
 * tests/meson.build with -std=c99 -pedantic -Werror), and so do its
 * options initialisers; nothing runs.
 */
#include <cstat.h>

int cstat_header_c99_check(void);

int
cstat_header_c99_check(void)
{
	struct cstat_cell c = {0};
	struct cstat_builder_opts bo = CSTAT_BUILDER_OPTS_INIT;
	struct cstat_stats_opts so = CSTAT_STATS_OPTS_INIT;
	struct cstat_v1_opts vo = CSTAT_V1_OPTS_INIT;
	struct cstat_detect_report dr = CSTAT_DETECT_REPORT_INIT;

	return (int)c.n + CSTAT_ENOMEM + (bo.table == NULL) + (so.alpha > 0) +
	       vo.test + (int)dr.since;
}
