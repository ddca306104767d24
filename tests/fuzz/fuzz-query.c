/*
 * fuzz-query.c - libFuzzer target for the -filter and projection parsers.
 *
 * The input is split at NUL bytes into up to five strings, used as -filter,
 * -table, -row, -col and -ignore of a builder (the public path, with its
 * key checks), and each also goes straight to the parsers.  A builder that
 * parses is then fed a few results, so the filter and projections run.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cstat.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	const char *part[5] = {"*", ".config", ".fullname", ".file", ""};
	size_t n = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (char *p = text; n < 5 && p <= text + size; n++) {
		part[n] = p;
		p += strlen(p) + 1;
	}
	for (size_t i = 0; i < n; i++) {
		struct cstat__fnode *f = NULL;
		struct cstat__pfield *pf = NULL;
		struct cstat__perror e;
		char msg[600];
		size_t np = 0;
		if (cstat__parse_filter(part[i], &f, &e) == CSTAT_ESYNTAX)
			cstat__syntax_error_format(part[i], &e, msg,
						   sizeof(msg));
		cstat__filter_free(f);
		if (cstat__parse_projection(part[i], &pf, &np, &e) ==
		    CSTAT_ESYNTAX)
			cstat__syntax_error_format(part[i], &e, msg,
						   sizeof(msg));
		cstat__pfields_free(pf, np);
	}
	struct cstat_builder_opts o = {part[1], part[2], part[3], part[4],
				       part[0]};
	struct cstat_diag d;
	cstat_builder *b = NULL;
	if (cstat_builder_new(&b, &o, &d) == 0) {
		static const char input[] =
			"goos: linux\nUnit ns/op assume=exact\n"
			"BenchmarkA/size=1k/format=json-8 1 10 ns/op 5 B/op\n"
			"BenchmarkA/size=2M/format=gob-8 1 12 ns/op 6 B/op\n"
			"BenchmarkB-4 1 0 ns/op\n";
		cstat_reader *r = NULL;
		cstat_tables *t = NULL;
		if (cstat_reader_new(&r) == 0 &&
		    cstat_reader_open_mem(r, input, sizeof(input) - 1, "f") ==
			    0) {
			const struct cstat_result *res;
			while (cstat_reader_next(r, &res, &d) == 1)
				cstat_builder_add(b, res);
			struct cstat_stats_opts so = {
				.alpha = 0.05, .confidence = 0.95, .units = r};
			cstat_builder_build(b, &so, &t);
		}
		cstat_tables_free(t);
		cstat_reader_free(r);
	}
	cstat_builder_free(b);
	free(text);
	return 0;
}
