/*
 * cbaseline-merge.c - cbaseline's merge command: another store, or one
 * history file, into this store.
 *
 * Runs recorded in two copies of a store (two CI runs that restored the
 * same cache, two clones of a store branch) come together without loss:
 * every history of the other store is merged into this store's history of
 * the same name (the union by run id, cstat_history_merge()), and every
 * baseline into this store's (the newer stays, cstat_baseline_merge()).
 * Everything the other store holds is checked before anything is written:
 * a symbolic link anywhere in it refuses the merge.
 *
 * Exit codes: 0 success; 2 a usage error, a link, or a file that cannot be
 * read or written (the other files are still merged).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cstat.h"
#include "store-util.h"
#include "tools.h"

#define PROG "cbaseline"

static const char merge_synopsis[] =
	"Usage: cbaseline [-store DIR] merge OTHER_STORE\n"
	"       cbaseline [-store DIR] merge NAME FILE.jsonl|FILE.json\n"
	"\n";

/* What merge does, for its usage text (tools.h). */
const char cbaseline_merge_about[] =
	"Merges every history and baseline of the store OTHER_STORE into "
	"this store,\n"
	"or the history FILE.jsonl into history NAME (FILE.json: the baseline "
	"into\n"
	"baseline NAME).  Histories are united by run id (each run once, "
	"ordered by\n"
	"creation time, then id); of two baselines of one name the newer by "
	"creation\n"
	"time stays.  Merging is idempotent and the result does not depend on "
	"the\n"
	"order: merge a store both ways round, or twice, and the files are "
	"the same,\n"
	"byte for byte.\n"
	"\n"
	"Exit status: 0; 2 usage error, a symbolic link in a store, or a file "
	"that\n"
	"cannot be read or written.\n";

static void
usage(FILE *out)
{
	fputs(merge_synopsis, out);
	fputs(cbaseline_merge_about, out);
}

static int
merge_history(const char *dir, const char *name, const char *from)
{
	char path[4096], lock[4200];
	struct cstat_diag d;
	size_t added, total;

	snprintf(path, sizeof(path), "%s/history/%s.jsonl", dir, name);
	snprintf(lock, sizeof(lock), "%s.lock", path);
	if (store_make_dirs(dir, "history") || store_refuse_link(path) ||
	    store_refuse_link(lock) || store_refuse_link(from))
		return 2;
	int rc = cstat_history_merge(path, from, &added, &total,
				     store_warn_diag, NULL, &d);
	if (rc) {
		store_print_error(rc, &d);
		return 2;
	}
	fprintf(stderr, "%s: merged %s into %s: %zu new run%s, %zu in all\n",
		PROG, from, path, added, added == 1 ? "" : "s", total);
	return 0;
}

static int
merge_baseline(const char *dir, const char *name, const char *from)
{
	char path[4096];
	struct cstat_diag d;
	bool replaced;

	snprintf(path, sizeof(path), "%s/baselines/%s.json", dir, name);
	if (store_make_dirs(dir, "baselines") || store_refuse_link(path) ||
	    store_refuse_link(from))
		return 2;
	int rc = cstat_baseline_merge(path, from, &replaced, &d);
	if (rc) {
		store_print_error(rc, &d);
		return 2;
	}
	fprintf(stderr, "%s: merged %s into %s: %s\n", PROG, from, path,
		replaced ? "took it (newer)" : "kept ours (newer or the same)");
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct names {
	char **v;
	size_t n, cap;
};

/*
 * The names of other/kind's files ending in ext (hidden files, locks and
 * temporary files are not), sorted.  A link among them is refused.
 * @return 0, 1 when other/kind does not exist, or 2 (told).
 */
static int
list_kind(const char *other, const char *kind, const char *ext,
	  struct names *out)
{
	char dir[4096], path[8400];
	struct dirent *e;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s/%s", other, kind);
	if (store_refuse_link(dir))
		return 2;
	DIR *dp = opendir(dir);
	if (!dp)
		return errno == ENOENT ? 1 : 2;
	while ((e = readdir(dp)) != NULL) {
		size_t l = strlen(e->d_name), el = strlen(ext);
		struct stat st;
		if (e->d_name[0] == '.' || l <= el ||
		    strcmp(e->d_name + l - el, ext) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (store_refuse_link(path)) {
			rc = 2;
			continue;
		}
		char *name = strndup(e->d_name, l - el);
		if (!name || lstat(path, &st) || !S_ISREG(st.st_mode) ||
		    !store_valid_name(name)) {
			free(name);
			continue;
		}
		if (out->n == out->cap) {
			size_t cap = out->cap ? 2 * out->cap : 16;
			char **v = realloc(out->v, cap * sizeof(*v));
			if (!v) {
				free(name);
				rc = 2;
				break;
			}
			out->v = v;
			out->cap = cap;
		}
		out->v[out->n++] = name;
	}
	closedir(dp);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_names);
	return rc;
}

static void
names_free(struct names *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i]);
	free(n->v);
}

static int
merge_store(const char *dir, const char *other)
{
	struct names h = {0}, b = {0};
	char from[8400];
	struct stat st;
	bool failed = false;
	int rc = 0;

	if (store_refuse_link(other))
		return 2;
	if (stat(other, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: merge: %s is not a directory\n", PROG,
			other);
		return 2;
	}
	int hr = list_kind(other, "history", ".jsonl", &h);
	int br = list_kind(other, "baselines", ".json", &b);
	if (hr == 1 && br == 1) {
		fprintf(stderr,
			"%s: merge: %s is not a store (it has no history/ "
			"or baselines/)\n",
			PROG, other);
		rc = 2;
	} else if (hr == 2 || br == 2) {
		fprintf(stderr, "%s: merge: nothing merged from %s\n", PROG,
			other);
		rc = 2;
	}
	/* Each file is merged whole or not at all: one that fails leaves
	 * the others to merge, and the exit status says so. */
	for (size_t i = 0; i < h.n && !rc; i++) {
		snprintf(from, sizeof(from), "%s/history/%s.jsonl", other,
			 h.v[i]);
		failed |= merge_history(dir, h.v[i], from) != 0;
	}
	for (size_t i = 0; i < b.n && !rc; i++) {
		snprintf(from, sizeof(from), "%s/baselines/%s.json", other,
			 b.v[i]);
		failed |= merge_baseline(dir, b.v[i], from) != 0;
	}
	names_free(&h);
	names_free(&b);
	return rc || failed ? 2 : 0;
}

int
cbaseline_merge(const char *dir, int argc, char **argv)
{
	char *pos[2];
	int n = 0;
	bool flags = true;

	/* merge has no flags of its own: -h anywhere asks for the usage,
	 * any other flag is an error; "--" ends the flags. */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (flags && strcmp(a, "--") == 0) {
			flags = false;
		} else if (flags && a[0] == '-' && a[1]) {
			while (*a == '-')
				a++;
			if (strcmp(a, "h") == 0 || strcmp(a, "help") == 0) {
				usage(stdout);
				return 0;
			}
			fprintf(stderr,
				"%s merge: flag provided but not "
				"defined: %s\n",
				PROG, argv[i]);
			return 2;
		} else if (n < 2) {
			pos[n++] = argv[i];
		} else {
			n = 3;
		}
	}
	if (n == 1)
		return merge_store(dir, pos[0]);
	if (n == 2 && store_valid_name(pos[0])) {
		/* A baseline file is one pretty-printed run, not lines. */
		size_t l = strlen(pos[1]);
		if (l > 5 && strcmp(pos[1] + l - 5, ".json") == 0)
			return merge_baseline(dir, pos[0], pos[1]);
		return merge_history(dir, pos[0], pos[1]);
	}
	usage(stderr);
	return 2;
}
