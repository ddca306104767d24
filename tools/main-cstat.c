/* main-cstat.c - the cstat program: all of it is in cstat.c. */
#include "tools.h"

int
main(int argc, char **argv)
{
	return cstat_tool_main(argc, argv);
}
