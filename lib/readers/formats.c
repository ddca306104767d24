/*
 * formats.c - the table of input formats, and choosing one by content.
 *
 * Every format cstat reads has one entry here; -input-format, the lists in
 * messages and in -h, and sniffing all walk this table, so adding a format
 * touches its own file, this table and docs/formats.md.
 */
#include <string.h>

#include "readers.h"

/* Go's text format: the reader's native path (reader.c), and what input
 * that no other format claims is read as. */
static const struct cstat__format go_text = {
	.name = "go",
	.title = "Go benchmark text",
};

extern const struct cstat__format cstat__format_cstat_run;
extern const struct cstat__format cstat__format_test2json;
extern const struct cstat__format cstat__format_gbench;
extern const struct cstat__format cstat__format_hyperfine;
extern const struct cstat__format cstat__format_pytest;
extern const struct cstat__format cstat__format_dotnet;
extern const struct cstat__format cstat__format_csv;
extern const struct cstat__format cstat__format_criterion;
/* Inputs that are refused with a message saying what to give instead. */
extern const struct cstat__format cstat__format_critcmp;
extern const struct cstat__format cstat__format_benchstat_out;
extern const struct cstat__format cstat__format_criterion_text;
extern const struct cstat__format cstat__format_asv_text;
extern const struct cstat__format cstat__format_dotnet_csv;
extern const struct cstat__format cstat__format_other_csv;
extern const struct cstat__format cstat__format_gab_js;
extern const struct cstat__format cstat__format_critcmp_text;
extern const struct cstat__format cstat__format_dotnet_md;

const struct cstat__format *const cstat__formats[] = {
	&go_text,
	&cstat__format_cstat_run,
	&cstat__format_test2json,
	&cstat__format_gbench,
	&cstat__format_hyperfine,
	&cstat__format_pytest,
	&cstat__format_dotnet,
	&cstat__format_csv,
	&cstat__format_criterion,
	&cstat__format_critcmp,
	&cstat__format_benchstat_out,
	&cstat__format_criterion_text,
	&cstat__format_asv_text,
	&cstat__format_dotnet_csv,
	&cstat__format_other_csv,
	&cstat__format_gab_js,
	&cstat__format_critcmp_text,
	&cstat__format_dotnet_md,
};

const size_t cstat__nformats = sizeof(cstat__formats) / sizeof(*cstat__formats);

const struct cstat__format *
cstat__format_named(const char *name)
{
	for (size_t i = 0; i < cstat__nformats; i++)
		if (strcmp(cstat__formats[i]->name, name) == 0)
			return cstat__formats[i];
	return NULL;
}

const struct cstat__format *
cstat__format_sniff(const char *head, size_t len, bool whole)
{
	const struct cstat__format *best = NULL;
	int best_score = 0;

	for (size_t i = 0; i < cstat__nformats; i++) {
		const struct cstat__format *f = cstat__formats[i];
		int score = f->sniff ? f->sniff(head, len, whole) : 0;

		if (score > best_score) {
			best = f;
			best_score = score;
		}
	}
	return best;
}

void
cstat__format_list(bool json, char *buf, size_t size)
{
	size_t n = 0, k = 0, len = 0;

	for (size_t i = 0; i < cstat__nformats; i++)
		if (cstat__formats[i]->json == json)
			n++;
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < cstat__nformats && size; i++) {
		const struct cstat__format *f = cstat__formats[i];

		if (f->json != json)
			continue;
		k++;
		const char *sep = k == 1 ? "" : k == n ? " or " : ", ";
		int w = snprintf(buf + len, size - len, "%s%s", sep, f->title);

		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
}

size_t
cstat_input_formats_count(void)
{
	return cstat__nformats;
}

const char *
cstat_input_format_name(size_t i)
{
	return i < cstat__nformats ? cstat__formats[i]->name : NULL;
}

const char *
cstat_input_format_title(size_t i)
{
	return i < cstat__nformats ? cstat__formats[i]->title : NULL;
}
