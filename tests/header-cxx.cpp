// header-cxx.cpp - the public header compiles as C++ (extern "C", no C-only
// constructs), its options initialisers included; built by tests/meson.build
// when a C++ compiler is present.
#include <cstat.h>

int cstat_header_cxx_check();

int
cstat_header_cxx_check()
{
	cstat_reader *r = nullptr;
	cstat_reader_free(r);
	cstat_builder_opts bo = CSTAT_BUILDER_OPTS_INIT;
	cstat_stats_opts so = CSTAT_STATS_OPTS_INIT;
	cstat_v1_opts vo = CSTAT_V1_OPTS_INIT;
	cstat_detect_report dr = CSTAT_DETECT_REPORT_INIT;
	return CSTAT_EINVAL + (bo.row == nullptr) + (so.confidence > 0) +
	       vo.sort + static_cast<int>(dr.since);
}
