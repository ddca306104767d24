/*
 * critcmp.c - critcmp's saved baselines (critcmp --export, or the files it
 * keeps under target/criterion/), refused with a message saying what to
 * give cstat instead.
 *
 * critcmp keeps, for each criterion benchmark, criterion's own summary of
 * it ("criterion_estimates_v1": the mean, median, median absolute
 * deviation, slope and standard deviation, each a point estimate with a
 * confidence interval), and not one sample.  A comparison needs the
 * samples, which criterion writes to target/criterion/NAME/new/raw.csv.
 * Reading the point estimates as if they were samples would make one
 * "sample" per benchmark and hide the noise the statistics are for.
 */
#include <string.h>

#include "readers.h"

/* The keys critcmp writes for every benchmark, which no other tool uses. */
static const char *const keys[] = {
	"\"criterion_benchmark_v1\"",
	"\"criterion_estimates_v1\"",
};

static int
sniff(const char *head, size_t len, bool whole)
{
	(void)whole;
	if (len == 0 || head[0] != '{')
		return 0;
	for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++) {
		size_t n = strlen(keys[k]);
		for (size_t i = 0; i + n <= len; i++)
			if (memcmp(head + i, keys[k], n) == 0)
				return 90;
	}
	return 0;
}

static int
feed(void *state, struct cstat__rq *q, const char *data, size_t len)
{
	(void)state;
	(void)data;
	if (len)
		return 0;
	return cstat__rq_fail(
		q, CSTAT_EFORMAT, 0,
		"critcmp JSON holds criterion's summary estimates (mean, "
		"median, slope), not samples; give cstat criterion's raw "
		"samples instead: target/criterion/*/new/raw.csv");
}

/*
 * Not listed as JSON: the list of JSON formats in messages names the
 * formats cstat reads, and this one it only recognizes to refuse.
 */
const struct cstat__format cstat__format_critcmp = {
	.name = "critcmp",
	.title = "critcmp JSON (refused: no samples)",
	.json = false,
	.sniff = sniff,
	.feed = feed,
};
