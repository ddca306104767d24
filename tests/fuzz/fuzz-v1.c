/*
 * fuzz-v1.c - libFuzzer target for cstat -v1's reader, its fast path
 * against the general one.
 *
 * The first byte of the input chooses the options (bit 0: two files,
 * bit 1: two threads, bits 2-3: the test, bit 4: the geomean row, bits
 * 5-6: the order, bit 7: no split); the rest is the file, or two files
 * split at the first "\0\0" (a single NUL stays in its file).  The files
 * are written to a private mkdtemp directory and read as cstat -v1 reads
 * them (cstat_v1_add_file()) with the fast path on and off
 * (cstat__v1_set_fast()), and, when every file reads, through
 * cstat_v1_add_mem() with it off.  Each way's return codes, messages,
 * every metric's values (bit for bit), units and statistics, and its
 * text, CSV (with and without ranges) and HTML must be the same; a
 * difference aborts.  Seeds: tests/fuzz/corpus-v1/; tests/fuzz/replay.c
 * replays them in the normal test suite.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cstat.h"
#include "v1.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What one way of reading gave. */
struct outcome {
	int rc[2];
	char msg[2][512];
	char *text; /* every metric, then every output format */
	size_t len;
};

enum way { FILE_FAST, FILE_SLOW, MEM_SLOW };

/* Every metric's fields and values (their bits, in hex) to out. */
static void
dump_metrics(const cstat_v1 *c, FILE *out)
{
	for (size_t i = 0; i < c->nm; i++) {
		const struct cstat__v1_metrics *m = &c->m[i];
		uint64_t bits[2];
		memcpy(&bits[0], &m->mean, 8);
		memcpy(&bits[1], &m->rng, 8);
		fprintf(out, "m%zu n%u u%u c%u g%u r%u f%u %llx %llx:", i, m->n,
			m->unit, m->config, m->gb, m->nr, m->flags,
			(unsigned long long)bits[0],
			(unsigned long long)bits[1]);
		for (uint32_t k = 0; k < m->n; k++) {
			double v = cstat__v1_metric_value(m, k);
			uint64_t b;
			memcpy(&b, &v, 8);
			fprintf(out, " %llx", (unsigned long long)b);
		}
		fputc('\n', out);
	}
}

/* Reads the files one way into o. */
static void
read_one_way(uint8_t opt, char *const *path, const uint8_t *const *part,
	     const size_t *plen, int nfiles, enum way w, struct outcome *o)
{
	static const int tests[] = {CSTAT_V1_UTEST, CSTAT_V1_TTEST,
				    CSTAT_V1_NOTEST, CSTAT_V1_UTEST};
	struct cstat_v1_opts opts = {tests[(opt >> 2) & 3], 0.05,
				     (opt >> 4) & 1, (opt >> 7) ? "" : NULL,
				     (opt >> 5) & 3};
	FILE *out = open_memstream(&o->text, &o->len);
	cstat_v1 *c = NULL;

	memset(o->rc, 0, sizeof(o->rc));
	memset(o->msg, 0, sizeof(o->msg));
	if (!out)
		abort();
	if (cstat_v1_new(&c, &opts) || cstat_v1_set_threads(c, opt & 2 ? 2 : 1))
		abort();
	cstat__v1_set_fast(c, w == FILE_FAST);
	for (int i = 0; i < nfiles; i++) {
		struct cstat_diag d;
		memset(&d, 0, sizeof(d));
		o->rc[i] = w == MEM_SLOW
				   ? cstat_v1_add_mem(c, path[i],
						      (const char *)part[i],
						      plen[i])
				   : cstat_v1_add_file(c, path[i], &d);
		if (o->rc[i]) {
			cstat_diag_format(&d, o->msg[i], sizeof(o->msg[i]));
			break;
		}
	}
	if (!o->rc[0] && !o->rc[1]) {
		fprintf(out, "text %d\n",
			cstat_v1_write(c, CSTAT_V1_TEXT, false, out));
		fprintf(out, "csv %d\n",
			cstat_v1_write(c, CSTAT_V1_CSV, false, out));
		fprintf(out, "csv %d\n",
			cstat_v1_write(c, CSTAT_V1_CSV, true, out));
		fprintf(out, "html %d\n",
			cstat_v1_write(c, CSTAT_V1_HTML, false, out));
		dump_metrics(c, out);
	}
	fclose(out);
	cstat_v1_free(c);
}

/* Whether two ways agree; a difference is written to stderr. */
static bool
same_outcome(const struct outcome *a, const struct outcome *b, const char *what)
{
	for (int i = 0; i < 2; i++)
		if (a->rc[i] != b->rc[i] || strcmp(a->msg[i], b->msg[i])) {
			fprintf(stderr, "%s: file %d: %d %s / %d %s\n", what, i,
				a->rc[i], a->msg[i], b->rc[i], b->msg[i]);
			return false;
		}
	if (a->len != b->len || memcmp(a->text, b->text, a->len)) {
		fprintf(stderr, "%s: outputs differ:\n%.*s\n----\n%.*s\n", what,
			(int)a->len, a->text, (int)b->len, b->text);
		return false;
	}
	return true;
}

/* Writes len bytes to a new file at path; false on failure. */
static bool
write_file(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(data, 1, len, f) == len;

	if (f && fclose(f))
		ok = false;
	return ok;
}

/* Where "\0\0" first occurs in data, or len. */
static size_t
split_at(const uint8_t *data, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (!data[i] && !data[i + 1])
			return i;
	return len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[] = "/tmp/fuzz-v1-XXXXXX", a[64], b[64];
	char *path[2] = {a, b};
	const uint8_t *part[2];
	size_t plen[2];
	struct outcome o[3];
	int nfiles = 1;
	bool same;

	if (size == 0)
		return 0;
	uint8_t opt = data[0];
	part[0] = data + 1;
	plen[0] = size - 1;
	if (opt & 1) {
		size_t at = split_at(part[0], plen[0]);
		part[1] = at < plen[0] ? part[0] + at + 2 : part[0] + plen[0];
		plen[1] = at < plen[0] ? plen[0] - at - 2 : 0;
		plen[0] = at;
		nfiles = 2;
	}
	if (!mkdtemp(dir))
		abort();
	snprintf(a, sizeof(a), "%s/old.txt", dir);
	snprintf(b, sizeof(b), "%s/new.txt", dir);
	for (int i = 0; i < nfiles; i++)
		if (!write_file(path[i], part[i], plen[i]))
			abort();
	read_one_way(opt, path, part, plen, nfiles, FILE_FAST, &o[0]);
	read_one_way(opt, path, part, plen, nfiles, FILE_SLOW, &o[1]);
	same = same_outcome(&o[0], &o[1], "fast and general paths");
	if (same && !o[0].rc[0] && !o[0].rc[1]) {
		read_one_way(opt, path, part, plen, nfiles, MEM_SLOW, &o[2]);
		same = same_outcome(&o[1], &o[2], "file and memory reads");
		free(o[2].text);
	}
	free(o[0].text);
	free(o[1].text);
	for (int i = 0; i < nfiles; i++)
		unlink(path[i]);
	rmdir(dir);
	if (!same)
		abort();
	return 0;
}
