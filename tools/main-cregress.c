/* main-cregress.c - the cregress program: all of it is in cregress.c. */
#include "tools.h"

int
main(int argc, char **argv)
{
	return cregress_tool_main(argc, argv);
}
