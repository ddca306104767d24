/*
 * header-c99.c - the public header compiles alone as strict C99 (built by
 * tests/meson.build with -std=c99 -pedantic -Werror); nothing runs.
 */
#include <cstat.h>

int cstat_header_c99_check(void);

int
cstat_header_c99_check(void)
{
	struct cstat_cell c = {0};
	return (int)c.n + CSTAT_ENOMEM;
}
