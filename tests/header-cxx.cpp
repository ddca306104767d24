// header-cxx.cpp - the public header compiles as C++ (extern "C", no C-only
// constructs); built by tests/meson.build when a C++ compiler is present.
#include <cstat.h>

int cstat_header_cxx_check();

int
cstat_header_cxx_check()
{
	cstat_reader *r = nullptr;
	cstat_reader_free(r);
	return CSTAT_EINVAL;
}
